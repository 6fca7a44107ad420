import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, accessTokenClaimsCodec, type AccessTokenClaims } from '@gridsight/contracts';
import { importSPKI, jwtVerify, type CryptoKey } from 'jose';

export type TokenCheck = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: string };

export interface AccessTokenVerifier {
  verify(token: string): Promise<TokenCheck>;
}

/** Checks signature, issuer, audience and expiry with jose, then the claim shape with the contract's codec. */
export async function createAccessTokenVerifier(publicKeyPem: string | undefined): Promise<AccessTokenVerifier> {
  if (publicKeyPem === undefined) {
    return { verify: () => Promise.resolve({ ok: false, reason: 'token logins are disabled (GRIDSIGHT_TOKEN_PUBLIC_KEY_FILE is not set)' }) };
  }
  const key: CryptoKey = await importSPKI(publicKeyPem, ACCESS_TOKEN_ALGORITHM);
  return {
    verify: async (token) => {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer: ACCESS_TOKEN_ISSUER,
          audience: ACCESS_TOKEN_AUDIENCE,
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        const checked = accessTokenClaimsCodec.check(payload);
        return checked.ok ? { ok: true, claims: checked.value } : { ok: false, reason: checked.error.message };
      } catch (error) {
        return { ok: false, reason: `token rejected: ${(error as { code?: string }).code ?? (error as Error).message}` };
      }
    },
  };
}
