// Rewrites the metadata of a real ONNX model at the protobuf level, so that tests can make the
// broken and foreign-flavoured models they need from the shipped one without any ONNX tooling.
const METADATA_PROPS = 14;

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  return Uint8Array.from([...varint(field * 8 + 2), ...varint(payload.length), ...payload]);
}

function readVarint(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const b = bytes[pos++] as number;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return [value, pos];
  }
}

/** The model with its metadata properties replaced by `props`. */
export function withMetadata(model: Uint8Array, props: Record<string, string>): Uint8Array {
  const kept: Uint8Array[] = [];
  let pos = 0;
  while (pos < model.length) {
    const start = pos;
    const [tag, afterTag] = readVarint(model, pos);
    const wire = tag % 8;
    if (wire === 0) pos = readVarint(model, afterTag)[1];
    else if (wire === 1) pos = afterTag + 8;
    else if (wire === 5) pos = afterTag + 4;
    else {
      const [len, afterLen] = readVarint(model, afterTag);
      pos = afterLen + len;
    }
    if (Math.floor(tag / 8) !== METADATA_PROPS) kept.push(model.subarray(start, pos));
  }
  const enc = new TextEncoder();
  for (const [key, value] of Object.entries(props)) {
    kept.push(lengthDelimited(METADATA_PROPS, Uint8Array.from([...lengthDelimited(1, enc.encode(key)), ...lengthDelimited(2, enc.encode(value))])));
  }
  return Buffer.concat(kept);
}
