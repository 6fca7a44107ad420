import type { Pool, PoolClient } from 'pg';
import { inTransaction as runInTransaction } from '@gridsight/service-kit';

// Besides the failures any transaction may meet again (service-kit): a unique violation (23505).
// Only the detections COPY can raise it, when another transaction stored the same eventId under
// other locks at the same moment, and the retry's lookup then skips that event.
const RETRY_ALSO = ['23505'];

/** service-kit's inTransaction with the stream processor's retry policy. */
export function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, retries = 5): Promise<T> {
  return runInTransaction(pool, work, { retries, retrySqlStates: RETRY_ALSO });
}
