import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DatabaseError, isTransientDatabaseError, type Logger } from '@gridsight/service-kit';
import { DISPATCH_ERRORS, DispatchError } from '../../errors.js';
import type { WorkflowDeps } from '../../workflows/deps.js';
import type { SessionStore } from '../auth/sessions.js';
import type { TokenService } from '../auth/tokens.js';
import { registerAuthentication } from './authenticate.js';
import { ErrorResponse } from './schemas.js';
import { validationMessage } from './validationMessage.js';
import { authRoutes } from './routes/auth.js';
import { cellRoutes } from './routes/cells.js';
import { mediaRoutes } from './routes/media.js';
import { open311Routes } from './routes/open311.js';
import { peopleRoutes } from './routes/people.js';
import { ticketRoutes } from './routes/tickets.js';
import { webhookRoutes } from './routes/webhooks.js';

export interface HttpDeps {
  workflows: WorkflowDeps;
  tokens: TokenService;
  sessions: SessionStore;
  photoMaxBytes: number;
  /** Prefix of links handed out (photo URLs); empty for links relative to this server. */
  publicUrl: string;
  logger: Logger;
  /** Extra routes mounted by the caller (the web app, the event stream). */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
}

export type DispatchApp = FastifyInstance;

/** The worker/supervisor/ops API with its OpenAPI document at /docs; `inject()` drives it in tests without a socket. */
export async function buildHttpServer(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Request lines would drown the service's own events; latency goes to the metrics instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    // The contracts' schemas carry an `x-hint` annotation for error messages; declare it so strict ajv accepts it.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true, verbose: true, keywords: ['x-hint'] } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ErrorResponse);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Gridsight dispatch API', version: '1.0.0', description: 'Tickets for grid workers, supervisors and ops staff.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(multipart, { limits: { fileSize: deps.photoMaxBytes, files: 1, fields: 4, parts: 5 } });

  app.setErrorHandler((error: FastifyError | DispatchError, request, reply) => {
    if (error instanceof DispatchError) {
      if (error.status >= 500) request.log.warn({ err: error }, 'request failed on a dependency');
      return reply.code(error.status).send({ error: error.code, message: error.message });
    }
    // A read outside a transaction meets an outage as a bare pg error; either way it is the database's, not the request's.
    if (error instanceof DatabaseError || isTransientDatabaseError(error)) {
      request.log.warn({ err: error }, 'request failed on the database');
      const message = error instanceof DatabaseError ? error.message : `the database is unreachable or busy for now; try again: ${error.message}`;
      return reply.code(DISPATCH_ERRORS.DSP_UNAVAILABLE.status).send({ error: 'DSP_UNAVAILABLE', message });
    }
    if (error.validation) {
      return reply.code(400).send({ error: 'DSP_BAD_REQUEST', message: validationMessage(error.validationContext ?? 'request', error.validation) });
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(500).send({ error: 'DSP_INTERNAL', message: 'something went wrong on our side; it has been logged' });
    }
    const code = status === 413 ? 'DSP_PAYLOAD_TOO_LARGE' : status === 415 ? 'DSP_UNSUPPORTED_MEDIA_TYPE' : 'DSP_BAD_REQUEST';
    return reply.code(status).send({ error: code, message: error.message });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'DSP_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}; see /docs` }));

  registerAuthentication(app, deps.tokens, deps.sessions);
  await app.register(authRoutes(deps), { prefix: '/api/v1' });
  await app.register(ticketRoutes(deps), { prefix: '/api/v1' });
  await app.register(mediaRoutes(deps), { prefix: '/api/v1' });
  await app.register(cellRoutes(deps), { prefix: '/api/v1' });
  await app.register(peopleRoutes(deps), { prefix: '/api/v1' });
  await app.register(webhookRoutes(deps), { prefix: '/api/v1' });
  await app.register(open311Routes(deps));
  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  return app;
}
