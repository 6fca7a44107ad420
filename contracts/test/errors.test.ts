import assert from 'node:assert/strict';
import { CodedError, ContractValidationError, isCodedError } from '../src/index.js';

describe('CodedError, the base of every package error', () => {
  it('keeps the subclass name, its code and retriable flag, and both instanceof checks', () => {
    const error = new ContractValidationError('CONTRACT_INVALID_JSON', 'anomaly/v1', [{ field: '(root)', reason: 'not JSON' }]);
    assert.ok(error instanceof ContractValidationError);
    assert.ok(error instanceof CodedError);
    assert.ok(isCodedError(error));
    assert.equal(error.name, 'ContractValidationError');
    assert.equal(error.code, 'CONTRACT_INVALID_JSON');
    assert.equal(error.retriable, false);
    assert.equal(error.message, 'anomaly/v1: (root): not JSON');
    assert.ok(!isCodedError(new Error('plain')));
  });

  it('carries the cause it wraps, and none when there is none', () => {
    class ExampleError extends CodedError<'EX_A'> {
      override readonly name = 'ExampleError';
      constructor(cause?: unknown) {
        super('EX_A', 'example', { retriable: true, ...(cause === undefined ? {} : { cause }) });
      }
    }
    const cause = new Error('socket closed');
    assert.equal(new ExampleError(cause).cause, cause);
    assert.ok(!('cause' in new ExampleError()));
    assert.equal(new ExampleError().retriable, true);
  });
});
