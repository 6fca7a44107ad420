import { MQTT_TOPIC_ROOT, parseMqttTopic } from '@gridsight/contracts';
import type { Principal } from './principal.js';

export type AclDecision = { allowed: true } | { allowed: false; reason: string };

const ALLOW: AclDecision = { allowed: true };
const deny = (reason: string): AclDecision => ({ allowed: false, reason });

/**
 * Who may publish where:
 * - a gateway: its own events, telemetry and status, nothing else;
 * - a service account (dispatch-service): worker ticket notifications and gateway commands;
 * - ops staff: gateway commands;
 * - workers and supervisors: nothing (the app writes through dispatch-service's HTTP API).
 */
export function authorizePublish(principal: Principal, topic: string): AclDecision {
  const parsed = parseMqttTopic(topic);
  if (!parsed) return deny(`topic ${quote(topic)} is not part of the v1 contract`);
  switch (principal.kind) {
    case 'gateway':
      if (parsed.channel === 'gateway-commands' || parsed.channel === 'worker-tickets') {
        return deny(`a gateway may not publish on ${quote(topic)}`);
      }
      return parsed.gatewayId === principal.gatewayId
        ? ALLOW
        : deny(`gateway ${principal.gatewayId} may publish only under ${MQTT_TOPIC_ROOT}/gateways/${principal.gatewayId}/`);
    case 'service':
      return parsed.channel === 'worker-tickets' || parsed.channel === 'gateway-commands'
        ? ALLOW
        : deny(`service ${principal.accountId} may publish only worker tickets and gateway commands`);
    case 'user':
      return principal.role === 'ops' && parsed.channel === 'gateway-commands'
        ? ALLOW
        : deny(`${principal.role} ${principal.userId} may not publish on ${quote(topic)}`);
  }
}

/**
 * Who may subscribe to what: a gateway to its own commands, a worker (or supervisor) to topics
 * under its own `v1/workers/{id}/`; only ops may use `#`, a wildcard id or `$SYS`.
 */
export function authorizeSubscribe(principal: Principal, filter: string): AclDecision {
  if (principal.kind === 'user' && principal.role === 'ops') return ALLOW;
  if (filter.startsWith('$SYS')) return deny('only the ops role may subscribe to $SYS');
  switch (principal.kind) {
    case 'gateway': {
      const own = `${MQTT_TOPIC_ROOT}/gateways/${principal.gatewayId}/commands`;
      return filter === own ? ALLOW : deny(`gateway ${principal.gatewayId} may subscribe only to ${own}`);
    }
    case 'user': {
      const prefix = `${MQTT_TOPIC_ROOT}/workers/${principal.userId}/`;
      return filter.startsWith(prefix) && filter.length > prefix.length
        ? ALLOW
        : deny(`${principal.role} ${principal.userId} may subscribe only under ${prefix}`);
    }
    case 'service':
      return deny(`service ${principal.accountId} publishes only; it has no subscriptions`);
  }
}

function quote(topic: string): string {
  return JSON.stringify(topic.length > 120 ? `${topic.slice(0, 120)}…` : topic);
}
