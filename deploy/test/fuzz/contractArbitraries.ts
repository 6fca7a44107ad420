import { AnomalyEvent, type AnomalyEvent as AnomalyEventValue } from '@gridsight/contracts';
import fc from 'fast-check';

// fast-check arbitraries derived from the contract's own JSON Schema (the TypeBox schema the
// codecs compile), so that a field added to AnomalyEvent is fuzzed without touching this file.

interface Schema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Schema | Schema[];
  minItems?: number;
  maxItems?: number;
}

/** Values that the schema accepts: every keyword used in the contract's schemas is honoured. */
export function arbitraryFor(schema: Schema): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string': {
      const maxLength = schema.maxLength ?? 200;
      const minLength = schema.minLength ?? 0;
      // The pattern and the format both hold; a date-time pattern alone allows month 13.
      if (schema.format === 'date-time') return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= minLength && s.length <= maxLength);
      return fc.string({ minLength, maxLength: Math.min(maxLength, 200), unit: 'grapheme' }).filter((s) => [...s].length <= maxLength);
    }
    case 'number':
      return fc.double({
        min: schema.exclusiveMinimum ?? schema.minimum ?? -1e9,
        minExcluded: schema.exclusiveMinimum !== undefined,
        max: schema.maximum ?? 1e9,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9 });
    case 'boolean':
      return fc.boolean();
    case 'array':
      if (Array.isArray(schema.items)) return fc.tuple(...schema.items.map(arbitraryFor));
      return fc.array(arbitraryFor(schema.items ?? {}), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object': {
      const properties = schema.properties ?? {};
      const shape = Object.fromEntries(Object.entries(properties).map(([key, child]) => [key, arbitraryFor(child)]));
      return fc.record(shape, { requiredKeys: schema.required ?? [] });
    }
    default:
      return fc.jsonValue();
  }
}

const schemaOf = (path: string[]): Schema => path.reduce<Schema>((schema, key) => schema.properties![key]!, AnomalyEvent as unknown as Schema);

/**
 * A valid AnomalyEvent from the given gateway: the schema's own values, plus what JSON Schema
 * cannot generate by itself: the fields a camera or sensor must carry, and a box inside the image.
 */
export function validAnomalyEvent(gatewayId: string): fc.Arbitrary<AnomalyEventValue> {
  return fc
    .record({
      event: arbitraryFor(AnomalyEvent as unknown as Schema),
      bbox: arbitraryFor(schemaOf(['bbox'])),
      trackId: arbitraryFor(schemaOf(['trackId'])),
      model: arbitraryFor(schemaOf(['model'])),
      measurement: arbitraryFor(schemaOf(['measurement'])),
    })
    .map(({ event, bbox, trackId, model, measurement }) => {
      const value = { ...(event as AnomalyEventValue) };
      value.source = { ...value.source, gatewayId };
      if (value.source.type === 'camera') Object.assign(value, { bbox: value.bbox ?? bbox, trackId: value.trackId ?? trackId, model: value.model ?? model });
      if (value.source.type === 'sensor' && !value.measurement) value.measurement = measurement as AnomalyEventValue['measurement'];
      if (value.bbox) {
        const [x, y, w, h] = value.bbox;
        value.bbox = [x * (1 - w), y * (1 - h), w, h];
      }
      return value;
    });
}

/** An event with exactly one thing wrong, and the field the refusal must name. */
export interface BrokenEvent {
  payload: Record<string, unknown>;
  field: string;
  how: string;
}

interface Leaf {
  path: string[];
  schema: Schema;
  present: boolean;
  required: boolean;
}

function leaves(schema: Schema, value: unknown, path: string[] = []): Leaf[] {
  const out: Leaf[] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const childValue = (value as Record<string, unknown> | undefined)?.[key];
    const present = childValue !== undefined;
    out.push({ path: [...path, key], schema: child, present, required: (schema.required ?? []).includes(key) });
    if (present && child.type === 'object') out.push(...leaves(child, childValue, [...path, key]));
  }
  return out;
}

const fieldName = (path: (string | number)[]): string => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

function setAt(target: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(target);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

// Built once per schema node: compiling a pattern into an arbitrary costs far more than drawing from it.
function memoised<T>(build: (schema: Schema) => T): (schema: Schema) => T {
  const cache = new WeakMap<Schema, T>();
  return (schema) => {
    if (!cache.has(schema)) cache.set(schema, build(schema));
    return cache.get(schema)!;
  };
}

/** Values of another JSON type than the schema's. */
const wrongType = memoised((schema: Schema): fc.Arbitrary<unknown> => {
  const others: fc.Arbitrary<unknown>[] = [fc.constant(null), fc.boolean(), fc.constant({}), fc.constant([])];
  if (schema.type !== 'string' && !schema.enum && typeof schema.const !== 'string') others.push(fc.string({ maxLength: 10 }));
  if (schema.type !== 'number' && schema.type !== 'integer') others.push(fc.integer());
  return fc.oneof(...others);
});

/** Values of the right type that break one keyword of the schema. */
const breaksOf = memoised((schema: Schema): fc.Arbitrary<unknown>[] => {
  const out: fc.Arbitrary<unknown>[] = [];
  if (schema.const !== undefined) out.push(fc.string({ maxLength: 20 }).filter((s) => s !== schema.const));
  if (schema.enum) out.push(fc.string({ maxLength: 20 }).filter((s) => !schema.enum!.includes(s)));
  if (schema.pattern && !schema.enum) {
    const pattern = new RegExp(schema.pattern);
    out.push(fc.string({ maxLength: 40 }).filter((s) => !pattern.test(s)));
  }
  if (schema.format === 'date-time') out.push(fc.constantFrom('2026-13-01T00:00:00Z', '2026-02-30T10:00:00Z', '2026-01-01T25:00:00Z', '2026-01-01 10:00:00Z', '2026-01-01T10:00:00+08:00'));
  if (schema.maxLength !== undefined && schema.type === 'string' && !schema.pattern && schema.maxLength < 5000) out.push(fc.constant('x'.repeat(schema.maxLength + 1)));
  if (schema.minLength !== undefined && schema.minLength > 0 && !schema.pattern) out.push(fc.constant(''));
  // Judged after the JSON round trip the payload takes: fast-check's doubles below 0 include -0, which JSON writes as 0.
  const minimum = schema.minimum;
  if (minimum !== undefined) out.push(fc.double({ max: minimum, maxExcluded: true, min: minimum - 1e6, noNaN: true }).filter((v) => Number(JSON.stringify(v)) < minimum));
  if (schema.exclusiveMinimum !== undefined) out.push(fc.constant(schema.exclusiveMinimum));
  const maximum = schema.maximum;
  if (maximum !== undefined) out.push(fc.double({ min: maximum, minExcluded: true, max: maximum + 1e6, noNaN: true }).filter((v) => Number(JSON.stringify(v)) > maximum));
  if (Array.isArray(schema.items)) {
    const items = schema.items;
    out.push(fc.array(fc.double({ min: 0, max: 0.1, noNaN: true }), { minLength: 0, maxLength: 8 }).filter((a) => a.length !== items.length));
  }
  return out;
});

const unknownKey = memoised((objectSchema: Schema) => fc.stringMatching(/^[a-z]{1,12}$/).filter((key) => !(key in (objectSchema.properties ?? {}))));

/** A valid event broken in one place: a field removed, of the wrong type, out of its range or pattern, or one too many. */
export function brokenAnomalyEvent(gatewayId: string): fc.Arbitrary<BrokenEvent> {
  return validAnomalyEvent(gatewayId).chain((event) => {
    const value = event as unknown as Record<string, unknown>;
    const schema = AnomalyEvent as unknown as Schema;
    const candidates: fc.Arbitrary<BrokenEvent>[] = [];
    for (const leaf of leaves(schema, value)) {
      const field = fieldName(leaf.path);
      if (leaf.present && leaf.required) candidates.push(fc.constant({ payload: setAt(value, leaf.path, undefined), field, how: `${field} removed` }));
      if (leaf.present) {
        candidates.push(wrongType(leaf.schema).map((v) => ({ payload: setAt(value, leaf.path, v), field, how: `${field} of the wrong type` })));
        for (const broken of breaksOf(leaf.schema)) candidates.push(broken.map((v) => ({ payload: setAt(value, leaf.path, v), field, how: `${field} = ${JSON.stringify(v)?.slice(0, 60)}` })));
      }
      if (leaf.present && Array.isArray(leaf.schema.items)) {
        leaf.schema.items.forEach((item, index) => {
          for (const broken of breaksOf(item)) {
            candidates.push(broken.map((v) => ({ payload: setAt(value, [...leaf.path, index], v), field: fieldName([...leaf.path, index]), how: `${field}[${index}] = ${v}` })));
          }
        });
      }
    }
    for (const object of [[], ...leaves(schema, value).filter((l) => l.present && l.schema.type === 'object').map((l) => l.path)]) {
      const objectSchema = object.length === 0 ? schema : schemaOf(object);
      candidates.push(
        unknownKey(objectSchema).map((key) => ({ payload: setAt(value, [...object, key], 1), field: fieldName([...object, key]), how: `unknown field ${fieldName([...object, key])}` })),
      );
    }
    if (event.bbox) {
      candidates.push(fc.constant({ payload: setAt(value, ['bbox'], [0.9, 0.1, 0.2, 0.1]), field: 'bbox', how: 'bbox poking out of the image' }));
    }
    return fc.oneof(...candidates);
  });
}
