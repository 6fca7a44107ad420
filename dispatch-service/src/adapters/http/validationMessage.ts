import type { FastifySchemaValidationError } from 'fastify/types/schema.js';

/**
 * `body.action must be one of accept, start, …` rather than ajv's bare `/action must be equal to
 * one of the allowed values`: the field in dotted form, the contract's `x-hint` where it has one,
 * and the allowed values of an enum.
 */
export function validationMessage(context: string, errors: readonly FastifySchemaValidationError[]): string {
  const described = errors.map((error) => {
    const field = [context, ...error.instancePath.split('/').filter(Boolean)].join('.');
    const params = error.params as { allowedValues?: unknown[]; additionalProperty?: string };
    const hint = (error as { parentSchema?: { 'x-hint'?: string } }).parentSchema?.['x-hint'];
    if (error.keyword === 'enum' && params.allowedValues) return `${field} must be one of ${params.allowedValues.join(', ')}`;
    if (error.keyword === 'additionalProperties' && params.additionalProperty) return `${field} has an unknown field ${params.additionalProperty}`;
    if (error.keyword === 'pattern' && hint) return `${field} must be ${hint}`;
    return `${field} ${error.message ?? 'is invalid'}`;
  });
  return [...new Set(described)].join('; ');
}
