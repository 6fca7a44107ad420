import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessTokenClaims, AccessTokenRole } from '@gridsight/contracts';
import type { Actor } from '../../core/ticketStateMachine.js';
import { DispatchError } from '../../errors.js';
import type { SessionStore } from '../auth/sessions.js';
import type { TokenService } from '../auth/tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    claims: AccessTokenClaims | null;
  }
}

/** Reads `Authorization: Bearer <jwt>` (or `?access_token=` for EventSource, which cannot set headers) on every request, and refuses revoked tokens. */
export function registerAuthentication(app: FastifyInstance, tokens: TokenService, sessions: SessionStore): void {
  app.decorateRequest('claims', null);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const fromQuery = (request.query as { access_token?: unknown } | undefined)?.access_token;
    let token: string | undefined;
    if (header !== undefined) {
      const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header);
      if (!match) throw new DispatchError('DSP_UNAUTHENTICATED', 'the Authorization header must be "Bearer <access token>"');
      token = match[1];
    } else if (typeof fromQuery === 'string') {
      token = fromQuery;
    }
    if (token === undefined) return;
    const claims = await tokens.verify(token);
    await sessions.check(claims);
    request.claims = claims;
  });
}

/** The signed-in person, or 401; with `roles`, 403 for anyone else. */
export function requireUser(request: FastifyRequest, ...roles: AccessTokenRole[]): AccessTokenClaims {
  const claims = request.claims;
  if (!claims) throw new DispatchError('DSP_UNAUTHENTICATED', 'sign in first: send an access token as "Authorization: Bearer <token>" (POST /api/v1/auth/token)');
  if (roles.length > 0 && !roles.includes(claims.role)) {
    throw new DispatchError('DSP_FORBIDDEN', `this needs the role ${roles.join(' or ')}; you are ${claims.role}`);
  }
  return claims;
}

export function actorOf(claims: AccessTokenClaims): Actor {
  return { type: claims.role, id: claims.sub };
}
