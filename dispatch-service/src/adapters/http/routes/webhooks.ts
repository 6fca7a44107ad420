import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { v7 as uuidv7 } from 'uuid';
import { StringEnum, TICKET_TRANSITIONS, Uuid } from '@gridsight/contracts';
import { IDEMPOTENCY_KEY_PATTERN, idempotencyKeyOf, requestFingerprint } from '../../../core/idempotencyKey.js';
import { DispatchError } from '../../../errors.js';
import { createSubscription } from '../../db/webhookSubscriptions.js';
import { requireUser } from '../authenticate.js';
import type { HttpDeps } from '../server.js';

const errors = { 400: { $ref: 'ErrorResponse#' }, 401: { $ref: 'ErrorResponse#' }, 403: { $ref: 'ErrorResponse#' }, 404: { $ref: 'ErrorResponse#' } } as const;

export const webhookRoutes =
  (deps: HttpDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { pool } = deps.workflows;

    app.post(
      '/webhooks',
      {
        schema: {
          tags: ['webhooks'],
          description: 'Subscribe a URL to ticket transitions (ops). Deliveries are POSTs of the TicketEvent, signed in x-gridsight-signature: v1=HMAC-SHA256(secret, "<x-gridsight-timestamp>.<body>"); the secret is shown only here.',
          body: Type.Object(
            {
              url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 }),
              transitions: Type.Optional(Type.Array(StringEnum(TICKET_TRANSITIONS), { minItems: 1, uniqueItems: true })),
            },
            { additionalProperties: false },
          ),
          headers: Type.Object(
            {
              'idempotency-key': Type.Optional(
                Type.String({ pattern: IDEMPOTENCY_KEY_PATTERN, description: 'Sending the same subscription again under the same key answers the first one and its secret instead of making a second' }),
              ),
            },
            { additionalProperties: true },
          ),
          response: { 201: Type.Object({ subscriptionId: Type.String(), secret: Type.String() }), ...errors, 422: { $ref: 'ErrorResponse#' } },
        },
      },
      async (request, reply) => {
        const claims = requireUser(request, 'ops');
        const header = request.headers['idempotency-key'];
        const transitions = request.body.transitions ?? null;
        const created = await createSubscription(pool, {
          subscriptionId: uuidv7(),
          url: request.body.url,
          secret: randomBytes(32).toString('base64url'),
          transitions,
          createdBy: claims.sub,
          idempotencyKey: header === undefined ? null : idempotencyKeyOf(header),
          requestSha256: requestFingerprint([request.body.url, transitions]),
        });
        if (created.replayed) reply.header('idempotent-replayed', 'true');
        return reply.code(201).send({ subscriptionId: created.subscriptionId, secret: created.secret });
      },
    );

    app.get('/webhooks', { schema: { tags: ['webhooks'], description: 'Subscriptions with delivery counts (ops); secrets are never shown again', response: { ...errors } } }, async (request) => {
      requireUser(request, 'ops');
      const { rows } = await pool.query(
        `SELECT s.subscription_id AS "subscriptionId", s.url, s.transitions, s.active,
                count(d.*) FILTER (WHERE d.delivered_at IS NOT NULL)::int AS delivered,
                count(d.*) FILTER (WHERE d.delivered_at IS NULL AND d.failed_at IS NULL)::int AS pending,
                count(d.*) FILTER (WHERE d.failed_at IS NOT NULL)::int AS failed
           FROM webhook_subscriptions s LEFT JOIN webhook_deliveries d USING (subscription_id)
          GROUP BY s.subscription_id ORDER BY s.created_at`,
      );
      return { subscriptions: rows };
    });

    app.delete('/webhooks/:subscriptionId', { schema: { tags: ['webhooks'], params: Type.Object({ subscriptionId: Uuid('Subscription id') }), response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
      requireUser(request, 'ops');
      const { rowCount } = await pool.query('UPDATE webhook_subscriptions SET active = false WHERE subscription_id = $1 AND active', [request.params.subscriptionId]);
      if (!rowCount) throw new DispatchError('DSP_NOT_FOUND', `no active subscription ${request.params.subscriptionId}`);
      return reply.code(204).send(null);
    });
  };
