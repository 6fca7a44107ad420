import { DetectorError } from './detectorErrors.js';
import { parseLiteral, type Literal } from './literal.js';

export interface ModelMetadata {
  /** Class names by class index. */
  readonly names: readonly string[];
  readonly inputWidth: number;
  readonly inputHeight: number;
  readonly stride: number;
  readonly version: string;
}

/**
 * Reads `names`, `imgsz`, `stride` and `version` from an ONNX model's metadata properties, written
 * either as JSON (our exporter) or as Python reprs (Ultralytics): `names` is a dict of index to
 * name or a list, `imgsz` is [height, width] or one number.
 */
export function parseModelMetadata(props: Readonly<Record<string, string>>): ModelMetadata {
  const names = parseNames(required(props, 'names'));
  const [inputHeight, inputWidth] = parseImgsz(required(props, 'imgsz'));
  const stride = props.stride === undefined ? 32 : parseStride(props.stride);
  const version = props.version ?? 'unknown';
  return { names, inputWidth, inputHeight, stride, version };
}

function required(props: Readonly<Record<string, string>>, key: string): string {
  const value = props[key];
  if (value === undefined || value.trim() === '') {
    const present = Object.keys(props);
    throw new DetectorError('MODEL_METADATA_MISSING', `no '${key}' property (present: ${present.length > 0 ? present.join(', ') : 'none'})`);
  }
  return value;
}

function parse(key: string, text: string): Literal {
  try {
    return parseLiteral(text);
  } catch (error) {
    throw new DetectorError('MODEL_METADATA_INVALID', `'${key}' is neither JSON nor a Python literal: ${(error as Error).message}`);
  }
}

function parseNames(text: string): string[] {
  const value = parse('names', text);
  let entries: [number, Literal][];
  if (Array.isArray(value)) entries = value.map((name, i) => [i, name]);
  else if (value !== null && typeof value === 'object') entries = Object.entries(value).map(([k, name]) => [Number(k), name]);
  else throw new DetectorError('MODEL_METADATA_INVALID', `'names' must be a list or a dict of class index to name, got ${JSON.stringify(value)}`);
  if (entries.length === 0) throw new DetectorError('MODEL_METADATA_INVALID', "'names' is empty");
  const names: string[] = [];
  for (const [index, name] of entries) {
    if (!Number.isInteger(index) || index < 0 || index >= entries.length || typeof name !== 'string' || name === '') {
      throw new DetectorError('MODEL_METADATA_INVALID', `'names' must map the indices 0..${entries.length - 1} to non-empty strings; bad entry ${index}: ${JSON.stringify(name)}`);
    }
    names[index] = name;
  }
  return names;
}

function parseImgsz(text: string): [number, number] {
  const value = parse('imgsz', text);
  const dims = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(dims) || dims.length !== 2 || !dims.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 32 && d <= 4096)) {
    throw new DetectorError('MODEL_METADATA_INVALID', `'imgsz' must be one integer or [height, width] between 32 and 4096, got ${text}`);
  }
  return [dims[0] as number, dims[1] as number];
}

function parseStride(text: string): number {
  const value = parse('stride', text);
  const stride = Array.isArray(value) ? Math.max(...value.map(Number)) : Number(value);
  if (!Number.isInteger(stride) || stride <= 0) throw new DetectorError('MODEL_METADATA_INVALID', `'stride' must be a positive integer, got ${text}`);
  return stride;
}
