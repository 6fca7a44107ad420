import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/** The worker web app (/app/) and the ops map (/ops/): static files from dispatch-service/web, no build step. */
export const WEB_ROOT = fileURLToPath(new URL('../../../../web/', import.meta.url));
const LEAFLET_DIST = join(dirname(createRequire(import.meta.url).resolve('leaflet/package.json')), 'dist');

export function webAppRoutes() {
  return async (app: FastifyInstance): Promise<void> => {
    // no-cache, not no-store: the browser revalidates, so a new deployment reaches phones at once.
    const setHeaders = (res: { setHeader(name: string, value: string): void }) => res.setHeader('cache-control', 'no-cache');
    await app.register(fastifyStatic, { root: WEB_ROOT, prefix: '/', index: ['index.html'], cacheControl: false, setHeaders });
    await app.register(fastifyStatic, { root: LEAFLET_DIST, prefix: '/vendor/leaflet/', decorateReply: false, cacheControl: false, setHeaders });
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/app/'));
  };
}
