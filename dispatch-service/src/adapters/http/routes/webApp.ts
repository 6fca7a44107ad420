import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/** The worker web app (/app/) and the ops map (/ops/): static files from dispatch-service/web, no build step. */
export const WEB_ROOT = fileURLToPath(new URL('../../../../web/', import.meta.url));

export function webAppRoutes() {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(fastifyStatic, { root: WEB_ROOT, prefix: '/', index: ['index.html'], cacheControl: false, setHeaders: (res) => res.setHeader('cache-control', 'no-cache') });
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/app/'));
  };
}
