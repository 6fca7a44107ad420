import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  accessTokenClaimsCodec,
  type AccessTokenClaims,
  type AccessTokenRole,
} from '@gridsight/contracts';
import { DispatchError } from '../../errors.js';

export interface IssuedToken {
  token: string;
  /** The token's `jti`: the key of its row in access_tokens. */
  jti: string;
  issuedAt: Date;
  expiresAt: Date;
}

export interface TokenService {
  issue(subject: string, role: AccessTokenRole): Promise<IssuedToken>;
  /** Checks signature, issuer, audience, expiry and claim shape (not revocation: see sessions.ts); throws DSP_TOKEN_EXPIRED or DSP_UNAUTHENTICATED. */
  verify(token: string): Promise<AccessTokenClaims>;
  readonly publicKey: KeyObject;
}

/** Access tokens per the team's contract (contracts/src/schemas/accessToken.ts): ES256 JWTs; the broker checks them with the public key only. */
export function createTokenService(options: { privateKeyPem: string; ttlSeconds: number; clock?: () => Date }): TokenService {
  const privateKey = createPrivateKey(options.privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new DispatchError('DSP_BAD_REQUEST', 'the token signing key must be an EC P-256 private key (ES256)');
  }
  const publicKey = createPublicKey(privateKey);
  const clock = options.clock ?? (() => new Date());
  // An ES256 verification costs ~0.2 ms of CPU, the largest share of a small API request; a token
  // cannot change, so its checked claims are kept (bounded, oldest out) and only expiry is re-checked.
  const verified = new Map<string, AccessTokenClaims>();
  const VERIFIED_CACHE_SIZE = 10_000;

  return {
    publicKey,
    async issue(subject, role) {
      const issuedAt = Math.floor(clock().getTime() / 1000);
      const expiresAt = issuedAt + options.ttlSeconds;
      const jti = randomUUID();
      const token = await new SignJWT({ role })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: 'JWT' })
        .setSubject(subject)
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .setJti(jti)
        .sign(privateKey);
      return { token, jti, issuedAt: new Date(issuedAt * 1000), expiresAt: new Date(expiresAt * 1000) };
    },
    async verify(token) {
      const cached = verified.get(token);
      if (cached) {
        if (cached.exp * 1000 > clock().getTime()) return cached;
        verified.delete(token);
        throw new DispatchError('DSP_TOKEN_EXPIRED', 'the access token has expired; sign in again');
      }
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, publicKey, {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer: ACCESS_TOKEN_ISSUER,
          audience: ACCESS_TOKEN_AUDIENCE,
          currentDate: clock(),
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw new DispatchError('DSP_TOKEN_EXPIRED', 'the access token has expired; sign in again');
        throw new DispatchError('DSP_UNAUTHENTICATED', `the access token is not valid (${(error as Error).message})`);
      }
      const checked = accessTokenClaimsCodec.check(payload);
      if (!checked.ok) throw new DispatchError('DSP_UNAUTHENTICATED', `the access token claims are not valid: ${checked.error.message}`);
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
      verified.set(token, checked.value);
      return checked.value;
    },
  };
}
