import { hostname } from 'node:os';
import { createMetricsRegistry, startOpsServer, type HealthReport, type Logger, type OpsServer } from '@gridsight/service-kit';
import type { BrokerConfig } from './config.js';
import { createAccessTokenVerifier } from './adapters/auth/accessTokens.js';
import { createAuthenticator } from './adapters/auth/authenticator.js';
import { createIdentityStore, type IdentityStore } from './adapters/db/identityStore.js';
import { createKafkaBridge } from './adapters/kafka/kafkaBridge.js';
import { startListeners, type Listeners } from './adapters/mqtt/listeners.js';
import { createMqttBroker, type MqttBroker } from './adapters/mqtt/mqttBroker.js';
import { createRedisEmitter, createSessionStore } from './adapters/redis/sessionStore.js';
import { createBrokerMetrics } from './metrics.js';

export interface RunningBroker {
  ports: Listeners['ports'] & { ops: number };
  health(): HealthReport;
  /** Stop taking connections, flush what Kafka has in hand, close sessions, disconnect. */
  close(): Promise<void>;
}

/** Builds every part of the broker from its config and starts listening. */
export async function startBroker(config: BrokerConfig, logger: Logger): Promise<RunningBroker> {
  const registry = createMetricsRegistry('broker');
  const metrics = createBrokerMetrics(registry);
  const store = createIdentityStore(config.databaseUrl, logger);
  const tokens = await createAccessTokenVerifier(config.tokenPublicKeyPem);
  const authenticator = createAuthenticator(store, tokens, config.authCacheMs);
  const bridge = await createKafkaBridge({
    brokers: config.kafkaBrokers,
    clientId: `gridsight-broker-${hostname()}`,
    ...config.bridge,
    logger,
    onBatch: (size, seconds) => {
      metrics.kafkaBatchSize.observe(size);
      metrics.kafkaBatchSeconds.observe(seconds);
    },
    onSendError: () => metrics.kafkaSendErrors.inc(),
  });
  const mqtt = await createMqttBroker({
    authenticator,
    bridge,
    persistence: createSessionStore({ redisUrl: config.redisUrl, ...config.session }),
    mq: config.emitter === 'redis' ? createRedisEmitter(config.redisUrl) : undefined,
    logger,
    metrics,
    rateLimit: { ratePerSecond: config.limits.ratePerSecond, burst: config.limits.rateBurst },
    rateMaxDelayMs: config.limits.rateMaxDelayMs,
    maxPacketBytes: config.limits.maxPacketBytes,
    drainTimeoutMs: config.limits.drainTimeoutMs,
    connectTimeoutMs: config.limits.connectTimeoutMs,
  });
  store.onChange((identity) => {
    authenticator.forget(identity);
    if (identity === '*') return;
    const closed = mqtt.disconnectIdentity(identity);
    if (closed > 0) logger.info({ identity, closed }, 'credential changed; disconnected its live sessions');
  });
  const listeners = await startListeners({
    host: config.host,
    tcpPort: config.mqttPort,
    tlsPort: config.mqttsPort,
    wsPort: config.wsPort,
    tls: config.tls,
    maxConnections: config.limits.maxConnections,
    maxPacketBytes: config.limits.maxPacketBytes,
    handle: mqtt.handle,
    onConnection: (listener, open) => metrics.connections.set({ listener }, open),
    onRefused: (reason) => metrics.connectionsRefused.inc({ reason }),
  });

  const tokenRecheck = startTokenRecheck(mqtt, store, config.tokenRecheckMs, logger);
  const health = (): HealthReport => {
    const kafka = bridge.status();
    return {
      // Kafka down means no PUBACKs, which a load balancer should know about.
      healthy: kafka.connected,
      checks: {
        kafka: kafka.connected ? 'connected' : `unavailable since ${new Date(kafka.unavailableSinceMs ?? Date.now()).toISOString()}: ${kafka.lastError ?? ''}`,
        bridgeInFlight: kafka.inFlight,
        bridgeWaiting: kafka.waiting,
        credentialChangeFeed: store.listening() ? 'listening' : 'down (revocations wait for the auth cache to expire)',
        tokenRecheck: tokenRecheck.status(),
        clients: mqtt.aedes.connectedClients,
      },
    };
  };
  let ops: OpsServer;
  try {
    ops = await startOpsServer({ host: config.opsHost, port: config.opsPort, registry, health });
  } catch (error) {
    tokenRecheck.stop();
    await listeners.close();
    throw error;
  }
  logger.info({ ports: listeners.ports, ops: ops.port, brokerId: mqtt.aedes.id }, 'broker listening');

  let closing: Promise<void> | undefined;
  return {
    ports: { ...listeners.ports, ops: ops.port },
    health,
    close: () =>
      (closing ??= (async () => {
        tokenRecheck.stop();
        const listenersClosed = listeners.close();
        // Messages already handed to Kafka still get their PUBACK; later ones are refused and resent.
        await bridge.close(Math.min(10_000, config.shutdownTimeoutMs / 2));
        await mqtt.close();
        await listenersClosed;
        await store.close();
        await ops.close();
      })()),
  };
}

/**
 * dispatch-service revokes access tokens in its own table (access_tokens, migration 0033), which the
 * broker's migrations cannot put a trigger on (they run before it), so the tokens of open sessions
 * are checked again every `intervalMs`: one query for all of them, and the sessions of revoked
 * tokens are closed. Expiry needs no query: each session has a timer for it.
 */
function startTokenRecheck(mqtt: MqttBroker, store: IdentityStore, intervalMs: number, logger: Logger): { stop(): void; status(): string } {
  let running = false;
  let failing = false;
  let lastSuccessMs = Date.now();
  // A query that hangs (the database stalled, not refusing) must not stop every later check.
  const giveUpAfterMs = Math.max(10_000, 5 * intervalMs);
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    let giveUp: NodeJS.Timeout | undefined;
    Promise.race([
      mqtt.closeDeadTokenSessions((tokens) => store.deadAccessTokens(tokens)),
      new Promise<never>((_, reject) => {
        giveUp = setTimeout(() => reject(new Error(`no answer from the database within ${giveUpAfterMs} ms`)), giveUpAfterMs);
      }),
    ])
      .then(
        (closed) => {
          if (failing) logger.info('access tokens of open sessions can be checked again');
          failing = false;
          lastSuccessMs = Date.now();
          if (closed > 0) logger.info({ closed }, 'closed the sessions of revoked access tokens');
        },
        (error: unknown) => {
          if (!failing) logger.warn({ err: error }, 'cannot check the access tokens of open sessions; revoked ones stay connected until this recovers');
          failing = true;
        },
      )
      .finally(() => {
        clearTimeout(giveUp);
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    status: () => (failing ? `failing; last checked ${new Date(lastSuccessMs).toISOString()} (revoked tokens stay connected meanwhile)` : 'ok'),
  };
}
