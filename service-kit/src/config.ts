import { readFileSync } from 'node:fs';
import type { Static, TObject } from '@sinclair/typebox';
import type { ErrorObject } from 'ajv';
import envSchema from 'env-schema';
import { CodedError } from '@gridsight/contracts';

export class ConfigError extends CodedError<'CONFIG_INVALID'> {
  override readonly name = 'ConfigError';

  constructor(message: string) {
    super('CONFIG_INVALID', message, { retriable: false });
  }
}

/**
 * One typed, validated, frozen config object from environment variables. Defaults come from the
 * schema; a bad value fails here, at start, with a message naming the variable. Any variable may
 * instead be given as `<NAME>_FILE`, a path whose content is the value: Docker and Kubernetes
 * mount secrets as files, and a secret should not sit in the environment.
 */
export function loadEnvConfig<S extends TObject>(schema: S, env: NodeJS.ProcessEnv): Readonly<Static<S>> {
  const data = withSecretFiles(Object.keys(schema.properties), env);
  try {
    return Object.freeze(envSchema<Static<S>>({ schema, data, env: false }));
  } catch (error) {
    const errors = (error as { errors?: ErrorObject[] }).errors;
    const problems = errors?.map(describe) ?? [(error as Error).message];
    throw new ConfigError(`invalid configuration: ${[...new Set(problems)].join('; ')}`);
  }
}

function withSecretFiles(names: string[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const data = { ...env };
  for (const name of names) {
    const file = env[`${name}_FILE`];
    if (file === undefined || env[name] !== undefined) continue;
    try {
      data[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new ConfigError(`invalid configuration: ${name}_FILE=${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  return data;
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
