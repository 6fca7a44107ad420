import { createHash } from 'node:crypto';
import { ACCESS_TOKEN_MQTT_USERNAME, isValidIdentifier } from '@gridsight/contracts';
import { verifySecret } from '@gridsight/service-kit';
import type { IdentityStore, StoredIdentity } from '../db/identityStore.js';
import { clientIdMatches, expectedClientId, SERVICE_USERNAME_PREFIX, type Principal } from '../../core/principal.js';
import type { AccessTokenVerifier } from './accessTokens.js';

export interface Credentials {
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
  /** SHA-256 of a TLS client certificate that the listener's CA verified; lower-case hex. */
  certFingerprint?: string;
}

export type AuthResult =
  | {
      ok: true;
      principal: Principal;
      identity: string;
      expiresAtMs?: number;
      /** The access token's id (`jti`): its revocation closes the session (`token:<jti>` on the change feed). */
      tokenId?: string;
    }
  | { ok: false; code: 'BROKER_AUTH_FAILED' | 'BROKER_CLIENT_ID_MISMATCH'; reason: string };

export interface Authenticator {
  authenticate(credentials: Credentials): Promise<AuthResult>;
  /** Drops what is cached for `gateway:<id>` / `service:<id>`, or everything for `*`. */
  forget(identity: string): void;
}

interface CacheEntry {
  secretDigest: string;
  expiresAtMs: number;
}

const fail = (reason: string): AuthResult => ({ ok: false, code: 'BROKER_AUTH_FAILED', reason });

/**
 * Verified secrets are cached for `cacheMs` as a SHA-256 digest, so that a reconnect storm after a
 * broker restart does not cost one scrypt (~50 ms of CPU) per gateway. A change in the database
 * (revoke, rotate) evicts the entry at once through the store's change feed; the TTL only bounds
 * how stale a broker can be while that feed is down.
 */
export function createAuthenticator(store: IdentityStore, tokens: AccessTokenVerifier, cacheMs: number, now: () => number = Date.now): Authenticator {
  const cache = new Map<string, CacheEntry>();

  const checkSecret = async (identity: string, stored: StoredIdentity | undefined, password: Buffer | undefined, what: string): Promise<string | undefined> => {
    if (!stored) return `unknown ${what}`;
    if (stored.state !== 'active') return `${what} is ${stored.state}`;
    if (!password || password.length === 0) return 'a password is required';
    if (!stored.secretHash) {
      const hasCert = 'certFingerprint' in stored && typeof stored.certFingerprint === 'string';
      return `${what} has no password yet (issue one with the gateways CLI's rotate${hasCert ? ', or log in with its client certificate' : ''})`;
    }
    const secret = password.toString('utf8');
    const digest = createHash('sha256').update(secret).digest('hex');
    const cached = cache.get(identity);
    if (cached && cached.secretDigest === digest && cached.expiresAtMs > now()) return undefined;
    if (!(await verifySecret(secret, stored.secretHash))) return 'wrong password';
    if (cacheMs > 0) cache.set(identity, { secretDigest: digest, expiresAtMs: now() + cacheMs });
    return undefined;
  };

  const withClientId = (credentials: Credentials, principal: Principal, identity: string, token?: { expiresAtMs: number; tokenId: string }): AuthResult =>
    clientIdMatches(principal, credentials.clientId)
      ? { ok: true, principal, identity, ...token }
      : { ok: false, code: 'BROKER_CLIENT_ID_MISMATCH', reason: `client id ${JSON.stringify(credentials.clientId)} must be ${expectedClientId(principal)}` };

  const authenticate = async (credentials: Credentials): Promise<AuthResult> => {
    const { username, password, clientId, certFingerprint } = credentials;
    if (username === ACCESS_TOKEN_MQTT_USERNAME) {
      const check = await tokens.verify(password?.toString('utf8') ?? '');
      if (!check.ok) return fail(check.reason);
      // A valid signature is not enough: dispatch may have revoked the token (sign-out, an admin,
      // a deactivated account or a changed role) before it expires.
      const { jti, sub, role } = check.claims;
      if (jti === undefined) return fail('token has no id (jti), so its revocation cannot be checked');
      if (!(await store.isAccessTokenLive(jti, sub, role))) return fail('token revoked');
      const principal: Principal = { kind: 'user', userId: check.claims.sub, role: check.claims.role };
      return withClientId(credentials, principal, `user:${check.claims.sub}`, { expiresAtMs: check.claims.exp * 1000, tokenId: jti });
    }
    if (username?.startsWith(SERVICE_USERNAME_PREFIX)) {
      const accountId = username.slice(SERVICE_USERNAME_PREFIX.length);
      if (!isValidIdentifier(accountId)) return fail('unknown service account');
      const identity = `service:${accountId}`;
      const problem = await checkSecret(identity, await store.findServiceAccount(accountId), password, 'service account');
      return problem ? fail(problem) : withClientId(credentials, { kind: 'service', accountId }, identity);
    }
    if (certFingerprint && (password === undefined || password.length === 0)) {
      const gateway = await store.findGatewayByCertFingerprint(certFingerprint);
      if (!gateway) return fail('no gateway holds this client certificate');
      if (gateway.state !== 'active') return fail(`gateway is ${gateway.state}`);
      return withClientId(credentials, { kind: 'gateway', gatewayId: gateway.id }, `gateway:${gateway.id}`);
    }
    // A gateway logs in with its id as both username and client id.
    const gatewayId = username ?? clientId;
    if (!isValidIdentifier(gatewayId)) return fail('unknown gateway');
    const identity = `gateway:${gatewayId}`;
    const problem = await checkSecret(identity, await store.findGateway(gatewayId), password, 'gateway');
    return problem ? fail(problem) : withClientId(credentials, { kind: 'gateway', gatewayId }, identity);
  };

  return {
    authenticate,
    forget: (identity) => {
      if (identity === '*') cache.clear();
      else cache.delete(identity);
    },
  };
}
