import type { AccessTokenRole } from '@gridsight/contracts';

/** Who is on the other end of an MQTT connection, once authenticated. */
export type Principal =
  | { kind: 'gateway'; gatewayId: string }
  | { kind: 'user'; userId: string; role: AccessTokenRole }
  | { kind: 'service'; accountId: string };

/** CONNECT username prefix of a service account: `service:<accountId>`. */
export const SERVICE_USERNAME_PREFIX = 'service:';

/**
 * Client ids live in three namespaces that cannot overlap: a gateway's id (which never holds `/`),
 * `token/<userId>/<anything>` and `service/<accountId>/<anything>`. Since MQTT lets a new
 * connection take over a session by its client id, no principal may use another's id.
 */
export function clientIdMatches(principal: Principal, clientId: string): boolean {
  switch (principal.kind) {
    case 'gateway':
      return clientId === principal.gatewayId;
    case 'user':
      return hasSuffix(clientId, `token/${principal.userId}/`);
    case 'service':
      return hasSuffix(clientId, `service/${principal.accountId}/`);
  }
}

function hasSuffix(clientId: string, prefix: string): boolean {
  return clientId.startsWith(prefix) && clientId.length > prefix.length;
}

export function expectedClientId(principal: Principal): string {
  switch (principal.kind) {
    case 'gateway':
      return principal.gatewayId;
    case 'user':
      return `token/${principal.userId}/<device>`;
    case 'service':
      return `service/${principal.accountId}/<instance>`;
  }
}

export function describePrincipal(principal: Principal): string {
  switch (principal.kind) {
    case 'gateway':
      return `gateway ${principal.gatewayId}`;
    case 'user':
      return `${principal.role} ${principal.userId}`;
    case 'service':
      return `service ${principal.accountId}`;
  }
}
