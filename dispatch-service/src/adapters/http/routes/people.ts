import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ACCESS_TOKEN_ROLES, Identifier, StringEnum } from '@gridsight/contracts';
import { hashPassword, inTransaction } from '@gridsight/service-kit';
import { DispatchError } from '../../../errors.js';
import { replaceShifts, upsertPerson } from '../../db/adminStore.js';
import { requireUser } from '../authenticate.js';
import type { HttpDeps } from '../server.js';

export const Shift = Type.Object(
  {
    weekday: Type.Integer({ minimum: 1, maximum: 7, description: '1 = Monday … 7 = Sunday' }),
    startMinute: Type.Integer({ minimum: 0, maximum: 1439 }),
    endMinute: Type.Integer({ minimum: 1, maximum: 1440, description: 'At or before the start: the shift runs past midnight' }),
  },
  { additionalProperties: false },
);

const errors = { 400: { $ref: 'ErrorResponse#' }, 401: { $ref: 'ErrorResponse#' }, 403: { $ref: 'ErrorResponse#' }, 404: { $ref: 'ErrorResponse#' } } as const;
const FOREIGN_KEY_VIOLATION = '23503';

export const peopleRoutes =
  (deps: HttpDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { pool } = deps.workflows;

    app.put(
      '/people/:workerId',
      {
        schema: {
          tags: ['people'],
          description: 'Create or update a worker, supervisor or ops account (ops)',
          params: Type.Object({ workerId: Identifier('Account id') }),
          body: Type.Object(
            {
              displayName: Type.String({ minLength: 1, maxLength: 100 }),
              role: StringEnum(ACCESS_TOKEN_ROLES),
              password: Type.Optional(Type.String({ minLength: 10, maxLength: 256, description: 'At least 10 characters; kept only as a scrypt hash' })),
              homeCellId: Type.Optional(Identifier('Grid cell the worker owns')),
              phone: Type.Optional(Type.String({ maxLength: 32 })),
              shifts: Type.Optional(Type.Array(Shift, { maxItems: 50 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ workerId: Type.String() }), ...errors },
        },
      },
      async (request) => {
        requireUser(request, 'ops');
        const { workerId } = request.params;
        const body = request.body;
        const passwordHash = body.password ? await hashPassword(body.password) : null;
        try {
          await inTransaction(pool, async (client) => {
            await upsertPerson(client, { workerId, displayName: body.displayName, role: body.role, passwordHash, homeCellId: body.homeCellId ?? null, phone: body.phone ?? null });
            if (body.shifts) await replaceShifts(client, workerId, body.shifts);
          });
        } catch (error) {
          if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) throw new DispatchError('DSP_BAD_REQUEST', `homeCellId ${body.homeCellId} is not a grid cell`);
          throw error;
        }
        return { workerId };
      },
    );

    app.get(
      '/people',
      { schema: { tags: ['people'], description: 'Accounts with their roster (supervisors and ops)', response: { ...errors } } },
      async (request) => {
        requireUser(request, 'supervisor', 'ops');
        const { rows } = await pool.query(
          `SELECT w.worker_id AS "workerId", w.display_name AS "displayName", w.role, w.home_cell_id AS "homeCellId", w.active,
                  (SELECT count(*)::int FROM tickets t WHERE t.assignee_id = w.worker_id AND t.status IN ('assigned', 'accepted', 'in_progress')) AS "openTickets"
             FROM workers w ORDER BY w.worker_id`,
        );
        return { people: rows };
      },
    );
  };
