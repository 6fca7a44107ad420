import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AccessTokenRole } from '@gridsight/contracts';
import { DispatchError } from '../../../errors.js';
import { verifyPassword } from '../../auth/passwords.js';
import { requireUser } from '../authenticate.js';
import type { HttpDeps } from '../server.js';
import { TokenRequest, TokenResponse } from '../schemas.js';

const errors = { 400: { $ref: 'ErrorResponse#' }, 401: { $ref: 'ErrorResponse#' } } as const;

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
      return { token: issued.token, tokenType: 'Bearer' as const, expiresAt: issued.expiresAt.toISOString(), workerId: username, role: person.role };
    });

    app.get(
      '/me',
      { schema: { tags: ['auth'], response: { 200: Type.Object({ workerId: Type.String(), role: Type.String(), displayName: Type.String(), homeCellId: Type.Union([Type.String(), Type.Null()]) }), ...errors } } },
      async (request) => {
        const claims = requireUser(request);
        const { rows } = await deps.workflows.pool.query<{ display_name: string; home_cell_id: string | null }>('SELECT display_name, home_cell_id FROM workers WHERE worker_id = $1', [claims.sub]);
        if (!rows[0]) throw new DispatchError('DSP_UNAUTHENTICATED', 'the account behind this token no longer exists');
        return { workerId: claims.sub, role: claims.role, displayName: rows[0].display_name, homeCellId: rows[0].home_cell_id };
      },
    );
  };
