import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './stringEnum.js';
import { Identifier, Uuid } from './common.js';
import { createCodec } from '../validation/codec.js';

/**
 * Access tokens for people (grid workers, supervisors, ops staff): issued by dispatch-service,
 * checked by dispatch-service's HTTP API and by the broker on MQTT connect (username `token`,
 * the JWT as password). A JWT signed with ES256; the issuer holds the private key, every checker
 * only the public key.
 */
export const ACCESS_TOKEN_ALGORITHM = 'ES256';
export const ACCESS_TOKEN_ISSUER = 'gridsight-dispatch';
export const ACCESS_TOKEN_AUDIENCE = 'gridsight';
/** MQTT CONNECT username that marks the password as an access token. */
export const ACCESS_TOKEN_MQTT_USERNAME = 'token';
export const ACCESS_TOKEN_ROLES = ['worker', 'supervisor', 'ops'] as const;
export type AccessTokenRole = (typeof ACCESS_TOKEN_ROLES)[number];

export const AccessTokenClaims = Type.Object(
  {
    sub: Identifier('Worker, supervisor or ops user id (workers.worker_id)'),
    role: StringEnum(ACCESS_TOKEN_ROLES),
    iss: Type.Literal(ACCESS_TOKEN_ISSUER),
    aud: Type.Literal(ACCESS_TOKEN_AUDIENCE),
    iat: Type.Integer({ minimum: 0, description: 'Issued at, seconds since the epoch' }),
    exp: Type.Integer({ minimum: 0, description: 'Expires at, seconds since the epoch' }),
    jti: Type.Optional(Uuid('Token id; dispatch-service keeps a row per id (table access_tokens) so that a token can be revoked before it expires')),
  },
  // jose adds nothing on its own, but other issuers may (jti, nbf): tolerate extra registered claims.
  { title: 'AccessTokenClaims', additionalProperties: true },
);
export type AccessTokenClaims = Static<typeof AccessTokenClaims>;

/** Checks the claims of a JWT whose signature, issuer, audience and expiry the JWT library already verified. */
export const accessTokenClaimsCodec = createCodec(AccessTokenClaims, { messageType: 'AccessTokenClaims', maxBytes: 4 * 1024 });
