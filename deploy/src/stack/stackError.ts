import { CodedError } from '@gridsight/contracts';

/**
 * Every way the local stack can fail to start or stop, as a code a caller can branch on.
 * The message is written for the person at the terminal: what happened and what to do next.
 */
export type StackErrorCode =
  | 'CONFIG_INVALID'
  | 'STACK_RUNNING'
  | 'PORT_TAKEN'
  | 'DATA_DIR_UNREACHABLE'
  | 'JAVA_MISSING'
  | 'JAVA_TOO_OLD'
  | 'MAVEN_MISSING'
  | 'MAVEN_FAILED'
  | 'POSTGRES_MISSING'
  | 'POSTGRES_USER_MISSING'
  | 'REDIS_MISSING'
  | 'COMMAND_FAILED'
  | 'EXITED_EARLY'
  | 'WRONG_SERVER'
  | 'START_TIMEOUT'
  | 'ABORTED';

// Not retriable: each is for the person at the terminal to act on (free the port, install Java); nothing retries a start.
export class StackError extends CodedError<StackErrorCode> {
  override readonly name = 'StackError';

  constructor(code: StackErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, { retriable: false, cause: options?.cause });
  }
}

export function isStackError(error: unknown, code?: StackErrorCode): error is StackError {
  return error instanceof StackError && (code === undefined || error.code === code);
}

export function startInterrupted(): StackError {
  return new StackError('ABORTED', 'start-up was interrupted before the stack was up');
}
