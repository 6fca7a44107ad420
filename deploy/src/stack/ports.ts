import { createServer } from 'node:net';
import { StackError } from './stackError.js';

export const LOOPBACK = '127.0.0.1';

export interface PortClaim {
  port: number;
  /** Who usually holds this port, for the hint in the message: "another Kafka?". */
  likelyHolder: string;
  /** The setting that moves our service elsewhere, e.g. GRIDSIGHT_KAFKA_PORT. */
  setting: string;
}

export function portTakenMessage(claim: PortClaim, host: string): string {
  return (
    `port ${claim.port} on ${host} is already in use (${claim.likelyHolder}?); ` +
    `set ${claim.setting} to use another port`
  );
}

/**
 * Binding is the only reliable test: a connect probe misses a socket that is bound but not yet
 * listening, and a server that only listens on another address of the same port.
 */
export async function assertPortFree(claim: PortClaim, host = LOOPBACK): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: claim.port, host, exclusive: true }, resolve);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StackError('PORT_TAKEN', portTakenMessage(claim, host), { cause: error });
    }
    throw error;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
