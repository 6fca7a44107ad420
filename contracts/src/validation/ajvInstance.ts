import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export function createAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    // NaN and ±Infinity are not numbers any consumer can store or compare.
    strictNumbers: true,
    verbose: true,
    strict: true,
    // `then: { required: [...] }` names properties defined beside it, which strictRequired cannot see.
    strictRequired: false,
    allowUnionTypes: true,
  });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-hint', schemaType: 'string' });
  return ajv;
}
