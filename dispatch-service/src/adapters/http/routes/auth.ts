import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Identifier, type AccessTokenRole } from '@gridsight/contracts';
import { verifyPassword } from '@gridsight/service-kit';
import { DispatchError } from '../../../errors.js';
import { requireUser } from '../authenticate.js';
import type { HttpDeps } from '../server.js';
import { TokenRequest, TokenResponse } from '../schemas.js';

const errors = { 400: { $ref: 'ErrorResponse#' }, 401: { $ref: 'ErrorResponse#' } } as const;
const adminErrors = { ...errors, 403: { $ref: 'ErrorResponse#' }, 404: { $ref: 'ErrorResponse#' } } as const;

export const authRoutes =
  (deps: HttpDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post('/auth/token', { schema: { tags: ['auth'], security: [], body: TokenRequest, response: { 200: TokenResponse, ...errors } } }, async (request) => {
      const { username, password } = request.body;
      const { rows } = await deps.workflows.pool.query<{ role: AccessTokenRole; password_hash: string | null; active: boolean }>(
        'SELECT role, password_hash, active FROM workers WHERE worker_id = $1',
        [username],
      );
      const person = rows[0];
      // One answer for an unknown name, a wrong password and a disabled account: nothing to enumerate.
      const ok = person?.active === true && person.password_hash !== null && (await verifyPassword(password, person.password_hash));
      if (!ok || !person) throw new DispatchError('DSP_UNAUTHENTICATED', 'unknown user name or wrong password');
      const issued = await deps.tokens.issue(username, person.role);
      await deps.sessions.record(username, person.role, issued);
      return { token: issued.token, tokenType: 'Bearer' as const, expiresAt: issued.expiresAt.toISOString(), workerId: username, role: person.role };
    });

    app.get(
      '/me',
      { schema: { tags: ['auth'], response: { 200: Type.Object({ workerId: Type.String(), role: Type.String(), displayName: Type.String(), homeCellId: Type.Union([Type.String(), Type.Null()]) }), ...errors } } },
      async (request) => {
        const claims = requireUser(request);
        const { rows } = await deps.workflows.pool.query<{ display_name: string; home_cell_id: string | null }>({
          name: 'dispatch-me',
          text: 'SELECT display_name, home_cell_id FROM workers WHERE worker_id = $1',
          values: [claims.sub],
        });
        if (!rows[0]) throw new DispatchError('DSP_UNAUTHENTICATED', 'the account behind this token no longer exists');
        return { workerId: claims.sub, role: claims.role, displayName: rows[0].display_name, homeCellId: rows[0].home_cell_id };
      },
    );

    app.post(
      '/auth/sign-out',
      { schema: { tags: ['auth'], description: 'Revokes the access token sent with this request; it is refused from then on', response: { 204: Type.Null(), ...errors } } },
      async (request, reply) => {
        const claims = requireUser(request);
        await deps.sessions.revokeToken(claims.jti!, claims.sub);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/people/:workerId/revoke-tokens',
      {
        schema: {
          tags: ['auth', 'people'],
          description: "Revokes every access token of a person (ops), e.g. for a lost phone; the person's MQTT and API sessions need a new sign-in",
          params: Type.Object({ workerId: Identifier('Account id') }),
          response: { 200: Type.Object({ workerId: Type.String(), revoked: Type.Integer({ description: 'How many live tokens were revoked' }) }), ...adminErrors },
        },
      },
      async (request) => {
        const claims = requireUser(request, 'ops');
        const { workerId } = request.params;
        const { rows } = await deps.workflows.pool.query('SELECT 1 FROM workers WHERE worker_id = $1', [workerId]);
        if (!rows[0]) throw new DispatchError('DSP_NOT_FOUND', `no account ${workerId}`);
        return { workerId, revoked: await deps.sessions.revokePerson(workerId, claims.sub) };
      },
    );
  };
