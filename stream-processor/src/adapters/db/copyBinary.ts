// PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4):
// a signature, fields as big-endian length + bytes (-1 for NULL), and a -1 field count as trailer.
// Numbers and times go in as their bytes, so neither side formats or parses their text.
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const FLOAT4_OID = 700;
// timestamptz counts microseconds from 2000-01-01T00:00:00Z.
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
// Hex digit values by character code, -1 for anything else: a UUID is read in one pass, no regex or string copies.
const HEX = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) {
  HEX['0123456789abcdef'.charCodeAt(digit)] = digit;
  HEX['0123456789ABCDEF'.charCodeAt(digit)] = digit;
}
const HYPHEN = 45;
const FRACTION = /\.(\d+)/;
// Up to this many characters a string is tried as ASCII byte by byte; a native UTF-8 write per
// short field (ids, kinds, names) cost more than the copying itself.
const ASCII_LOOP_MAX = 64;

/** One COPY … FROM STDIN (FORMAT binary) payload, written row by row into a growing buffer. */
export class CopyBinaryWriter {
  private buffer: Buffer;
  // Big-endian numbers through a DataView: Buffer's write*BE methods check their arguments on every call.
  private view: DataView;
  private at = 0;

  constructor(expectedBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(Math.max(expectedBytes, 64));
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    SIGNATURE.copy(this.buffer, 0);
    this.view.setInt32(11, 0);
    this.view.setInt32(15, 0);
    this.at = 19;
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }

  private int32(value: number): void {
    this.view.setInt32(this.at, value);
    this.at += 4;
  }

  row(fields: number): this {
    this.room(2);
    this.view.setInt16(this.at, fields);
    this.at += 2;
    return this;
  }

  null(): this {
    this.room(4);
    this.int32(-1);
    return this;
  }

  text(value: string | null | undefined): this {
    if (value === null || value === undefined) return this.null();
    const length = value.length;
    if (length <= ASCII_LOOP_MAX) {
      this.room(4 + length);
      const buffer = this.buffer;
      const start = this.at + 4;
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code > 0x7f) break;
        buffer[start + i] = code;
      }
      if (i === length) {
        this.int32(length);
        this.at += length;
        return this;
      }
    }
    this.room(4 + length * 3);
    const written = this.buffer.write(value, this.at + 4, 'utf8');
    this.int32(written);
    this.at += written;
    return this;
  }

  uuid(value: string | null | undefined): this {
    if (value === null || value === undefined) return this.null();
    const hyphenated = value.length === 36;
    if (!hyphenated && value.length !== 32) throw new TypeError(`not a UUID: ${value.slice(0, 40)}`);
    this.room(20);
    this.view.setInt32(this.at, 16);
    let out = this.at + 4;
    for (let i = 0; i < value.length; i += 2) {
      if (hyphenated && (i === 8 || i === 13 || i === 18 || i === 23)) {
        if (value.charCodeAt(i) !== HYPHEN) throw new TypeError(`not a UUID: ${value.slice(0, 40)}`);
        i++;
      }
      const high = HEX[value.charCodeAt(i)] ?? -1;
      const low = HEX[value.charCodeAt(i + 1)] ?? -1;
      if (high < 0 || low < 0) throw new TypeError(`not a UUID: ${value.slice(0, 40)}`);
      this.buffer[out++] = (high << 4) | low;
    }
    this.at += 20;
    return this;
  }

  /**
   * An ISO 8601 time; digits past the millisecond (which Date.parse drops) are kept, rounded to the
   * microsecond as PostgreSQL rounds a time it parses from text, so both paths store the same value.
   */
  timestamptz(iso: string): this {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) throw new TypeError(`not a time: ${iso.slice(0, 40)}`);
    // Date#toISOString's own 24-character shape has no digits past the millisecond.
    const digits = iso.length > 24 ? FRACTION.exec(iso)?.[1] : undefined;
    const pastMillis = digits && digits.length > 3 ? Number(digits.slice(3, 6).padEnd(3, '0')) + (digits.charCodeAt(6) >= 53 ? 1 : 0) : 0;
    const micros = (ms - PG_EPOCH_MS) * 1000 + pastMillis;
    const high = Math.floor(micros / 2 ** 32);
    this.room(12);
    this.int32(8);
    this.int32(high);
    this.view.setUint32(this.at, micros - high * 2 ** 32);
    this.at += 4;
    return this;
  }

  float4(value: number | null | undefined): this {
    if (value === null || value === undefined) return this.null();
    this.room(8);
    this.int32(4);
    this.view.setFloat32(this.at, value);
    this.at += 4;
    return this;
  }

  float8(value: number | null | undefined): this {
    if (value === null || value === undefined) return this.null();
    this.room(12);
    this.int32(8);
    this.view.setFloat64(this.at, value);
    this.at += 8;
    return this;
  }

  /** A one-dimensional real[] without NULL elements. */
  float4Array(values: readonly number[] | null | undefined): this {
    if (values === null || values === undefined) return this.null();
    const dimensions = values.length === 0 ? 0 : 1;
    const bytes = 12 + dimensions * 8 + values.length * 8;
    this.room(4 + bytes);
    this.int32(bytes);
    this.int32(dimensions);
    this.int32(0);
    this.int32(FLOAT4_OID);
    if (dimensions === 1) {
      this.int32(values.length);
      this.int32(1);
      for (const value of values) {
        this.int32(4);
        this.view.setFloat32(this.at, value);
        this.at += 4;
      }
    }
    return this;
  }

  /** The payload with its trailer; the writer is spent afterwards. */
  finish(): Buffer {
    this.room(2);
    this.view.setInt16(this.at, -1);
    this.at += 2;
    return this.buffer.subarray(0, this.at);
  }
}
