import type { Static, TObject } from '@sinclair/typebox';
import type { ErrorObject } from 'ajv';
import envSchema from 'env-schema';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly retriable = false;
}

/**
 * One typed, validated, frozen config object from environment variables. Defaults come from the
 * schema; a bad value fails here, at start, with a message naming the variable.
 */
export function loadEnvConfig<S extends TObject>(schema: S, env: NodeJS.ProcessEnv): Readonly<Static<S>> {
  try {
    return Object.freeze(envSchema<Static<S>>({ schema, data: env, env: false }));
  } catch (error) {
    const errors = (error as { errors?: ErrorObject[] }).errors;
    const problems = errors?.map(describe) ?? [(error as Error).message];
    throw new ConfigError(`invalid configuration: ${[...new Set(problems)].join('; ')}`);
  }
}

function describe(error: ErrorObject): string {
  const variable = error.keyword === 'required' ? String(error.params.missingProperty) : error.instancePath.replace(/^\//, '');
  switch (error.keyword) {
    case 'required':
      return `${variable} is required`;
    case 'enum':
      return `${variable} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    default:
      return `${variable} ${error.message ?? 'is invalid'}`;
  }
}
