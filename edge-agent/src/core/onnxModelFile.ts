import { DetectorError } from './detectorErrors.js';

/** What the detector reads from an ONNX file before onnxruntime sees it. */
export interface OnnxModelFileInfo {
  readonly producer: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly hasGraph: boolean;
}

// ModelProto field numbers (onnx/onnx.proto3): producer_name = 2, graph = 7, metadata_props = 14;
// StringStringEntryProto: key = 1, value = 2.
const PRODUCER_NAME = 2;
const GRAPH = 7;
const METADATA_PROPS = 14;

/**
 * Walks the top level of the protobuf: enough to read the metadata properties (onnxruntime-node
 * does not expose them) and to notice a file that was cut short, which onnxruntime reports only
 * as an opaque parse failure.
 */
export function readOnnxModelFile(bytes: Uint8Array): OnnxModelFileInfo {
  if (bytes.length === 0) throw new DetectorError('MODEL_TRUNCATED', 'the file is empty');
  const metadata: Record<string, string> = {};
  let producer = '';
  let hasGraph = false;
  forEachField(bytes, 0, bytes.length, 'model', (field, start, end) => {
    if (field === PRODUCER_NAME) producer = utf8(bytes, start, end);
    if (field === GRAPH) hasGraph = true;
    if (field === METADATA_PROPS) {
      let key = '';
      let value = '';
      forEachField(bytes, start, end, 'metadata entry', (f, s, e) => {
        if (f === 1) key = utf8(bytes, s, e);
        if (f === 2) value = utf8(bytes, s, e);
      });
      metadata[key] = value;
    }
  });
  if (!hasGraph) throw new DetectorError('MODEL_TRUNCATED', 'the file holds no graph (not an ONNX model, or cut short before it)');
  return { producer, metadata, hasGraph };
}

function forEachField(bytes: Uint8Array, from: number, to: number, what: string, onBytes: (field: number, start: number, end: number) => void): void {
  let pos = from;
  while (pos < to) {
    const [tag, afterTag] = readVarint(bytes, pos, to, what);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) throw new DetectorError('MODEL_TRUNCATED', `field number 0 at byte ${pos} in the ${what}: not protobuf`);
    switch (wire) {
      case 0:
        pos = readVarint(bytes, afterTag, to, what)[1];
        break;
      case 1:
        pos = afterTag + 8;
        break;
      case 2: {
        const [length, afterLength] = readVarint(bytes, afterTag, to, what);
        pos = afterLength + length;
        if (pos > to) {
          throw new DetectorError('MODEL_TRUNCATED', `field ${field} of the ${what} needs ${length} bytes but only ${to - afterLength} remain`);
        }
        onBytes(field, afterLength, pos);
        break;
      }
      case 5:
        pos = afterTag + 4;
        break;
      default:
        throw new DetectorError('MODEL_TRUNCATED', `unsupported wire type ${wire} at byte ${pos} in the ${what}: not an ONNX file`);
    }
    if (pos > to) throw new DetectorError('MODEL_TRUNCATED', `the ${what} ends inside field ${field}`);
  }
}

function readVarint(bytes: Uint8Array, pos: number, to: number, what: string): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < to && i < pos + 10; i++) {
    const byte = bytes[i] as number;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  throw new DetectorError('MODEL_TRUNCATED', `the ${what} ends inside a varint at byte ${pos}`);
}

function utf8(bytes: Uint8Array, start: number, end: number): string {
  return new TextDecoder().decode(bytes.subarray(start, end));
}
