import { Type, type Static } from '@sinclair/typebox';
import envSchema from 'env-schema';

const MigrateConfigSchema = Type.Object({
  GRIDSIGHT_DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection URL; unset means the running local stack' }),
  ),
  GRIDSIGHT_TIMESCALE: Type.Union([Type.Literal('auto'), Type.Literal('off'), Type.Literal('require')], {
    default: 'auto',
    description: 'auto: use timescaledb when the server offers it; require: fail without it; off: never',
  }),
});
type MigrateEnv = Static<typeof MigrateConfigSchema>;

export interface MigrateConfig {
  databaseUrl: string | undefined;
  timescale: MigrateEnv['GRIDSIGHT_TIMESCALE'];
}

export function loadMigrateConfig(env: NodeJS.ProcessEnv): Readonly<MigrateConfig> {
  const raw = envSchema<MigrateEnv>({ schema: MigrateConfigSchema, data: env, env: false });
  return Object.freeze({ databaseUrl: raw.GRIDSIGHT_DATABASE_URL, timescale: raw.GRIDSIGHT_TIMESCALE });
}
