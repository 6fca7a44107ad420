import assert from 'node:assert/strict';
import { DetectorError } from '../../src/core/detectorErrors.js';
import { parseLiteral } from '../../src/core/literal.js';
import { parseModelMetadata } from '../../src/core/modelMetadata.js';

const isCode = (code: string) => (e: unknown) => e instanceof DetectorError && e.code === code;

describe('model metadata', () => {
  it('reads our JSON metadata', () => {
    const m = parseModelMetadata({ names: '{"0": "garbage_pile", "1": "manhole_open", "2": "manhole_covered"}', imgsz: '[320, 320]', stride: '32', version: '1.0.0' });
    assert.deepEqual(m, { names: ['garbage_pile', 'manhole_open', 'manhole_covered'], inputWidth: 320, inputHeight: 320, stride: 32, version: '1.0.0' });
  });

  it("reads the Python reprs Ultralytics writes, [height, width] order included", () => {
    const m = parseModelMetadata({ names: "{0: 'person', 1: \"it's a bin\", 2: 'car'}", imgsz: '[384, 640]', stride: '32', version: '8.3.40' });
    assert.deepEqual(m.names, ['person', "it's a bin", 'car']);
    assert.equal(m.inputHeight, 384);
    assert.equal(m.inputWidth, 640);
  });

  it('accepts a list of names and a single imgsz number', () => {
    const m = parseModelMetadata({ names: "['a', 'b']", imgsz: '416' });
    assert.deepEqual([m.names, m.inputWidth, m.inputHeight, m.stride, m.version], [['a', 'b'], 416, 416, 32, 'unknown']);
  });

  it('names the missing property and lists what is there', () => {
    assert.throws(() => parseModelMetadata({ imgsz: '320', author: 'x' }), (e: unknown) => isCode('MODEL_METADATA_MISSING')(e) && /'names'/.test((e as Error).message) && /imgsz, author/.test((e as Error).message));
    assert.throws(() => parseModelMetadata({ names: "['a']" }), isCode('MODEL_METADATA_MISSING'));
    assert.throws(() => parseModelMetadata({}), /present: none/);
  });

  it('refuses unparsable or nonsensical values, naming the property', () => {
    assert.throws(() => parseModelMetadata({ names: "{0: 'a'", imgsz: '320' }), (e: unknown) => isCode('MODEL_METADATA_INVALID')(e) && /'names'/.test((e as Error).message));
    assert.throws(() => parseModelMetadata({ names: "{0: 'a', 2: 'c'}", imgsz: '320' }), /indices 0..1/);
    assert.throws(() => parseModelMetadata({ names: "['a']", imgsz: '[320, 320, 3]' }), /'imgsz'/);
    assert.throws(() => parseModelMetadata({ names: "['a']", imgsz: '320', stride: '-1' }), /'stride'/);
  });
});

describe('parseLiteral', () => {
  it('parses nested Python and JSON literals without evaluating anything', () => {
    assert.deepEqual(parseLiteral("{'a': [1, 2.5, -3e2], 'b': (True, None, false), 'c': {'d': '\\u00e9\\n'}}"), { a: [1, 2.5, -300], b: [true, null, false], c: { d: 'é\n' } });
    assert.throws(() => parseLiteral("__import__('os')"), SyntaxError);
    assert.throws(() => parseLiteral('[1, 2] 3'), /after the value/);
  });
});
