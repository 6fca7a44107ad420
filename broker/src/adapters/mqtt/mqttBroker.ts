import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from '@gridsight/service-kit';
import type { Counter } from 'prom-client';
import { authorizePublish, authorizeSubscribe } from '../../core/acl.js';
import { routePublish } from '../../core/bridgeRoute.js';
import { describePrincipal, type Principal } from '../../core/principal.js';
import { giveBack, newBucket, take, type RateLimit, type TokenBucket } from '../../core/tokenBucket.js';
import { BrokerError } from '../../errors.js';
import type { BrokerMetrics } from '../../metrics.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { AccessTokenRef } from '../db/identityStore.js';
import type { KafkaBridge } from '../kafka/kafkaBridge.js';
import { limitPacketSize } from './packetSizeLimit.js';

export interface MqttBrokerOptions {
  authenticator: Authenticator;
  bridge: KafkaBridge;
  persistence: unknown;
  /** mqemitter for delivery; aedes's in-process one when absent. */
  mq?: unknown;
  logger: Logger;
  metrics: BrokerMetrics;
  rateLimit: RateLimit;
  rateMaxDelayMs: number;
  maxPacketBytes: number;
  drainTimeoutMs: number;
  connectTimeoutMs: number;
}

export interface MqttBroker {
  aedes: Aedes;
  /** Hands a connection of any listener to aedes, with the packet size limit in place. */
  handle(conn: Duplex, req?: IncomingMessage): void;
  /** Disconnects the live sessions of `gateway:<id>` / `service:<id>` (a revoked or rotated credential). */
  disconnectIdentity(identity: string): number;
  /**
   * Asks `findDead` about the access tokens of every open session that logged in with one, and
   * closes the sessions of the tokens it names (revoked, or their person deactivated or re-roled).
   * Resolves with how many closed.
   */
  closeDeadTokenSessions(findDead: (tokens: AccessTokenRef[]) => Promise<Set<string>>): Promise<number>;
  close(): Promise<void>;
}

interface Session {
  principal: Principal;
  identity: string;
  /** The access token of a session opened with one. */
  token?: AccessTokenRef;
  bucket: TokenBucket;
  expiryTimer?: NodeJS.Timeout;
}

// CONNACK return codes of MQTT 3.1.1 (section 3.2.2.3).
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;
const PUBLISH_DRAIN_MS = 5000;

export async function createMqttBroker(options: MqttBrokerOptions): Promise<MqttBroker> {
  const { authenticator, bridge, logger, metrics, rateLimit } = options;
  const sessions = new WeakMap<Client, Session>();

  // Publishes let through authorizePublish whose persistence work (retained, offline queues) has
  // not finished: aedes sends the PUBACK before it, so shutdown waits for them.
  let publishing = 0;
  const proceed = (done: (error?: Error | null) => void): void => {
    publishing++;
    done(null);
  };

  const refuse = (code: number, message: string): AuthenticateError => Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;

  const aedes = await Aedes.createBroker({
    persistence: options.persistence,
    ...(options.mq ? { mq: options.mq } : {}),
    drainTimeout: options.drainTimeoutMs,
    connectTimeout: options.connectTimeoutMs,
    // Ids of the form token/<user>/<device> run longer than MQTT 3.1's 23 characters.
    maxClientsIdLength: 160,
    maxTopicLevels: 16,
    // A gateway's QoS 1 pipeline is bounded by its read chunk; QoS 2 is not used here.
    maxInflightInbound: 100,
    concurrency: 1000,

    authenticate: (client, username, password, done) => {
      const certFingerprint = peerCertFingerprint(client.conn);
      authenticator
        .authenticate({ clientId: client.id, username: username ?? undefined, password: password ?? undefined, certFingerprint })
        .then((result) => {
          if (!result.ok) {
            metrics.authFailures.inc({ code: result.code });
            logger.warn({ clientId: client.id, username, code: result.code, reason: result.reason }, 'refused a connection');
            done(refuse(result.code === 'BROKER_CLIENT_ID_MISMATCH' ? IDENTIFIER_REJECTED : BAD_USERNAME_OR_PASSWORD, result.reason), false);
            return;
          }
          const session: Session = { principal: result.principal, identity: result.identity, bucket: newBucket(rateLimit, Date.now()) };
          if (result.tokenId !== undefined && result.principal.kind === 'user') {
            session.token = { jti: result.tokenId, workerId: result.principal.userId, role: result.principal.role };
          }
          if (result.expiresAtMs !== undefined) {
            session.expiryTimer = setTimeout(() => {
              logger.info({ clientId: client.id }, 'access token expired; disconnecting');
              client.close();
            }, Math.max(0, result.expiresAtMs - Date.now()));
            session.expiryTimer.unref();
          }
          sessions.set(client, session);
          done(null, true);
        })
        .catch((error: unknown) => {
          metrics.authFailures.inc({ code: 'BROKER_IDENTITY_STORE_UNAVAILABLE' });
          logger.error({ err: error, clientId: client.id }, 'could not check credentials');
          done(refuse(SERVER_UNAVAILABLE, 'identity store unavailable'), false);
        });
    },

    authorizeSubscribe: (client, subscription, done) => {
      const session = sessions.get(client);
      const decision = session ? authorizeSubscribe(session.principal, subscription.topic) : { allowed: false as const, reason: 'not authenticated' };
      if (decision.allowed) {
        done(null, subscription);
        return;
      }
      metrics.aclDenials.inc({ action: 'subscribe', principal: session?.principal.kind ?? 'none' });
      logger.warn({ clientId: client.id, topic: subscription.topic, reason: decision.reason }, 'refused a subscription');
      // [MQTT-3.9.3] a refused filter gets return code 0x80 in SUBACK; the session stays up.
      done(null, null);
    },

    published: (_packet, client, done) => {
      if (client) publishing = Math.max(0, publishing - 1);
      done(null);
    },

    authorizePublish: (client, packet, done) => {
      // aedes passes no client for the Last Will of a session that is already gone.
      if (!client) {
        done(null);
        return;
      }
      const session = sessions.get(client);
      const decision = session ? authorizePublish(session.principal, packet.topic) : { allowed: false as const, reason: 'not authenticated' };
      if (!session || !decision.allowed) {
        metrics.aclDenials.inc({ action: 'publish', principal: session?.principal.kind ?? 'none' });
        logger.warn({ clientId: client.id, topic: packet.topic.slice(0, 200), reason: decision.allowed ? undefined : decision.reason }, 'refused a publish; disconnecting');
        done(new BrokerError('BROKER_NOT_AUTHORIZED', decision.allowed ? undefined : decision.reason));
        return;
      }
      const waitMs = take(session.bucket, rateLimit, Date.now());
      if (waitMs > options.rateMaxDelayMs) {
        giveBack(session.bucket, rateLimit);
        metrics.rateLimited.inc({ outcome: 'disconnected' });
        logger.warn({ clientId: client.id, ratePerSecond: rateLimit.ratePerSecond }, 'publish rate far over the limit; disconnecting');
        done(new BrokerError('BROKER_RATE_LIMITED'));
        return;
      }
      const bridgeIt = (): void => {
        bridgePublish(client, session, packet, done);
      };
      if (waitMs > 0) {
        metrics.rateLimited.inc({ outcome: 'delayed' });
        setTimeout(bridgeIt, waitMs);
      } else {
        bridgeIt();
      }
    },
  });

  // One counter child per Kafka topic, looked up once rather than by label for every message.
  const bridgedCounters = new Map<string, Counter.Internal>();
  const bridgedTo = (topic: string): Counter.Internal => {
    let counter = bridgedCounters.get(topic);
    if (!counter) bridgedCounters.set(topic, (counter = metrics.bridged.labels({ topic })));
    return counter;
  };

  // The Kafka write happens here, inside authorizePublish: aedes writes the PUBACK right after this
  // callback and before `published` fires, so a PUBACK means Kafka has the message (acks=all).
  const bridgePublish = (client: Client, session: Session, packet: { topic: string; payload: Buffer | string; retain?: boolean }, done: (error?: Error | null) => void): void => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const route = routePublish({ topic: packet.topic, payload, clientId: client.id, receivedAt: new Date() });
    if (route.action === 'none') {
      proceed(done);
      return;
    }
    if (route.action === 'dead-letter') {
      // Not retained and so not replayed to later subscribers; the DLQ keeps it.
      packet.retain = false;
      logger.warn({ clientId: client.id, principal: describePrincipal(session.principal), topic: packet.topic, reason: route.reason }, 'invalid payload sent to the DLQ');
    }
    metrics.bridgeInFlight.inc();
    bridge.send(route.record, client.id).then(
      () => {
        metrics.bridgeInFlight.dec();
        if (route.action === 'dead-letter') metrics.deadLettered.inc({ channel: packet.topic.split('/')[3] ?? 'unknown' });
        else bridgedTo(route.record.topic).inc();
        proceed(done);
      },
      (error: Error) => {
        metrics.bridgeInFlight.dec();
        metrics.bridgeFailures.inc();
        // Every message the client has in flight fails together; one line per client is enough.
        if (!client.closed) logger.warn({ clientId: client.id, err: error }, 'Kafka did not take the message; disconnecting without PUBACK so the client resends');
        done(error);
      },
    );
  };

  const liveClients = (): Client[] => Object.values((aedes as unknown as { clients: Record<string, Client> }).clients);

  aedes.on('clientDisconnect', (client) => clearTimeout(sessions.get(client)?.expiryTimer));
  aedes.on('clientError', (client, error) => {
    clearTimeout(sessions.get(client)?.expiryTimer);
    logger.debug({ clientId: client.id, err: error }, 'client error');
  });
  aedes.on('connectionError', (client, error) => logger.debug({ clientId: client.id, err: error }, 'connection error before CONNECT completed'));

  return {
    aedes,
    handle: (conn, req) => {
      const client = aedes.handle(conn, req);
      limitPacketSize(client, options.maxPacketBytes, (bytes) => {
        metrics.oversizePackets.inc();
        logger.warn({ clientId: client.id || undefined, bytes, limit: options.maxPacketBytes }, 'packet over the size limit; disconnecting');
      });
    },
    disconnectIdentity: (identity) => {
      let closed = 0;
      for (const client of liveClients()) {
        if (sessions.get(client)?.identity === identity) {
          client.close();
          closed++;
        }
      }
      return closed;
    },
    closeDeadTokenSessions: async (findDead) => {
      const holders = liveClients().filter((client) => sessions.get(client)?.token !== undefined);
      if (holders.length === 0) return 0;
      const dead = await findDead(holders.map((client) => sessions.get(client)?.token as AccessTokenRef));
      let closed = 0;
      for (const client of holders) {
        const token = sessions.get(client)?.token;
        if (!token || !dead.has(token.jti) || client.closed) continue;
        logger.info({ clientId: client.id }, 'access token revoked; disconnecting');
        client.close();
        closed++;
      }
      return closed;
    },
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      const until = Date.now() + PUBLISH_DRAIN_MS;
      while (publishing > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
      await (options.persistence as { destroy?: () => Promise<void> }).destroy?.();
    },
  };
}

/** SHA-256 of a client certificate that the TLS listener verified against its CA, lower-case hex without colons. */
function peerCertFingerprint(conn: unknown): string | undefined {
  if (!(conn instanceof TLSSocket) || !conn.authorized) return undefined;
  const fingerprint = conn.getPeerCertificate()?.fingerprint256;
  return fingerprint ? fingerprint.replace(/:/g, '').toLowerCase() : undefined;
}
