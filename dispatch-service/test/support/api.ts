import { generateKeyPairSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '@gridsight/service-kit';
import { hashPassword } from '@gridsight/service-kit';
import { createSessionStore, type SessionStore } from '../../src/adapters/auth/sessions.js';
import { createTokenService, type TokenService } from '../../src/adapters/auth/tokens.js';
import { upsertPerson } from '../../src/adapters/db/adminStore.js';
import { buildHttpServer, type HttpDeps } from '../../src/adapters/http/server.js';
import { addWorker, createWorld, type World } from './world.js';

export const PASSWORD = 'correct horse battery';

export function testSigningKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export interface ApiWorld extends World {
  app: FastifyInstance;
  tokens: TokenService;
  sessions: SessionStore;
  privateKeyPem: string;
  /** Bearer header for a person, by id (w-a, w-b: workers of cell-a and cell-b; s-1: supervisor of both; s-2: a supervisor a test may add; ops-1: ops). */
  as(id: 'w-a' | 'w-b' | 's-1' | 's-2' | 'ops-1'): Promise<{ authorization: string }>;
}

export async function createApiWorld(options: { photoMaxBytes?: number; plugins?: HttpDeps['plugins'] } = {}): Promise<ApiWorld> {
  const world = await createWorld();
  const passwordHash = await hashPassword(PASSWORD);
  await addWorker(world.pool, 'w-a', 'cell-a', { passwordHash });
  await addWorker(world.pool, 'w-b', 'cell-b', { passwordHash });
  await upsertPerson(world.pool, { workerId: 's-1', displayName: 'Supervisor One', role: 'supervisor', passwordHash });
  await upsertPerson(world.pool, { workerId: 'ops-1', displayName: 'Ops One', role: 'ops', passwordHash });
  const privateKeyPem = testSigningKey();
  const tokens = createTokenService({ privateKeyPem, ttlSeconds: 3600 });
  // No caching: tests see a revocation on the very next request.
  const sessions = createSessionStore({ pool: world.pool, cacheMs: 0 });
  const app = await buildHttpServer({ workflows: world.deps, tokens, sessions, photoMaxBytes: options.photoMaxBytes ?? 2 * 1024 * 1024, publicUrl: '', logger: createLogger('dispatch-test', 'silent'), ...(options.plugins ? { plugins: options.plugins } : {}) });
  const roles = { 'w-a': 'worker', 'w-b': 'worker', 's-1': 'supervisor', 's-2': 'supervisor', 'ops-1': 'ops' } as const;
  const cache = new Map<string, string>();
  return {
    ...world,
    app,
    tokens,
    sessions,
    privateKeyPem,
    async as(id) {
      let token = cache.get(id);
      if (!token) {
        const issued = await tokens.issue(id, roles[id]);
        await sessions.record(id, roles[id], issued);
        cache.set(id, (token = issued.token));
      }
      return { authorization: `Bearer ${token}` };
    },
    close: async () => {
      await app.close();
      await world.close();
    },
  };
}

/** A multipart/form-data body with one file field, as a phone's browser sends it. */
export function multipartBody(fileName: string, contentType: string, bytes: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----gridsight${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
