import type pg from 'pg';
import type { Logger } from '@gridsight/service-kit';
import type { DispatchConfig } from '../config.js';

/** What every workflow needs: the database, the settings that shape decisions, a clock and a logger. */
export interface WorkflowDeps {
  pool: pg.Pool;
  config: Pick<DispatchConfig, 'sla' | 'timeZone' | 'nearbyRadiusM' | 'reopenGraceMs' | 'kafka'>;
  clock: () => Date;
  logger: Logger;
}
