import { StringEnum } from '@gridsight/contracts';
import { loadEnvConfig } from '@gridsight/service-kit';
import { Type, type Static } from '@sinclair/typebox';

const MigrateConfigSchema = Type.Object({
  GRIDSIGHT_DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection URL; unset means the running local stack' }),
  ),
  GRIDSIGHT_TIMESCALE: StringEnum(['auto', 'off', 'require'], {
    default: 'auto',
    description: 'auto: use timescaledb when the server offers it; require: fail without it; off: never',
  }),
});

export type MigrateConfig = Readonly<Static<typeof MigrateConfigSchema>>;

export function loadMigrateConfig(env: NodeJS.ProcessEnv): MigrateConfig {
  return loadEnvConfig(MigrateConfigSchema, env);
}
