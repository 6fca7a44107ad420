import { readFileSync } from 'node:fs';
import { anomalyEventCodec, mqttTopics, type AnomalyEvent, type CameraHealth, type GatewayStatus, type ModelInfo } from '@gridsight/contracts';
import { startOpsServer, type OpsServer } from '@gridsight/service-kit';
import type { Logger } from 'pino';
import { createCameraPipeline, type CameraPipeline } from './adapters/cameraPipeline.js';
import { startCameraRunner, type CameraRunner } from './adapters/cameraRunner.js';
import { openEventStore } from './adapters/eventStore.js';
import { createFrameQueue, type QueuedFrame } from './adapters/frameQueue.js';
import { createMqttLink } from './adapters/mqttLink.js';
import { createSensorChannel, type SensorChannel } from './adapters/sensorChannel.js';
import { startSensorHttpInput, type SensorHttpInput } from './adapters/sensorHttpInput.js';
import { startSensorMqttInput, type SensorMqttInput } from './adapters/sensorMqttInput.js';
import { createSource } from './adapters/sources/createSource.js';
import type { EdgeConfig } from './config.js';
import { createDetector, DetectorError, type DetectionResult, type Detector } from './detector.js';
import { createEdgeMetrics } from './metrics.js';

export interface Agent {
  readonly opsPort: number;
  readonly sensorInputPort: number | undefined;
  /** Resolves when every camera source has ended and the frames are processed (only with `once`). */
  readonly drained: Promise<void>;
  /** Waits up to `timeoutMs` for the store to empty (every event PUBACKed); true when it did. */
  flushed(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

const FPS_WINDOW_MS = 10_000;

export async function startAgent(config: EdgeConfig, options: { logger: Logger; once: boolean; agentVersion: string }): Promise<Agent> {
  const { logger } = options;
  const labels = { gateway_id: config.gatewayId };
  const metrics = createEdgeMetrics();
  const store = openEventStore(config.buffer);
  const backlog = store.stats();
  if (backlog.messages > 0) logger.info(backlog, 'replaying the events left on disk');

  let detector: Detector | undefined;
  let detectorError: string | undefined;
  if (config.cameras.length > 0) {
    try {
      detector = await createDetector({ modelPath: config.model.path, threads: config.model.threads, maxInputPixels: config.model.maxInputPixels });
      logger.info({ model: detector.model.name, version: detector.model.version, classes: detector.model.names }, 'model loaded');
    } catch (error) {
      // The sensors and the backlog still work without a model; the cameras report why they do not.
      detectorError = (error as Error).message.slice(0, 500);
      logger.error({ err: error }, 'model cannot be loaded; cameras are stopped');
    }
  }
  const model: ModelInfo | undefined = detector ? { name: detector.model.name, version: detector.model.version, sha256: detector.model.sha256 } : undefined;

  const frameErrors = new Map<string, string>();
  const frameTimes = new Map<string, number[]>();
  const runners = new Map<string, CameraRunner>();
  const cameraHealth = (): CameraHealth[] =>
    config.cameras.map((camera) => {
      if (!detector) return { deviceId: camera.id, state: 'stopped', lastError: detectorError ?? 'no detector' };
      const health = runners.get(camera.id)?.health() ?? { deviceId: camera.id, state: 'stopped' as const };
      const recent = frameTimes.get(camera.id) ?? [];
      const lastError = health.lastError ?? frameErrors.get(camera.id);
      return { ...health, fps: Number((recent.length / (FPS_WINDOW_MS / 1000)).toFixed(2)), ...(lastError ? { lastError } : {}) };
    });
  const status = (state: 'online' | 'offline'): GatewayStatus => ({
    schema: 'gateway-status/v1',
    gatewayId: config.gatewayId,
    state,
    at: new Date().toISOString(),
    agentVersion: options.agentVersion,
    ...(model ? { model } : {}),
    ...(state === 'online' && config.cameras.length > 0 ? { cameras: cameraHealth() } : {}),
  });

  const updateBufferMetrics = (): void => {
    const stats = store.stats();
    metrics.eventsBuffered.set(labels, stats.messages);
    metrics.eventsBufferedBytes.set(labels, stats.bytes);
  };
  updateBufferMetrics();

  let lastConnectionError: string | undefined;
  let wasConnected = false;
  const link = createMqttLink(
    {
      url: config.broker.url,
      gatewayId: config.gatewayId,
      ...(config.broker.username !== undefined ? { username: config.broker.username } : {}),
      ...(config.broker.passwordFile ? { password: readFileSync(config.broker.passwordFile, 'utf8').trim() } : {}),
      ...(config.broker.caFile ? { caFile: config.broker.caFile } : {}),
      ...(config.broker.certFile ? { certFile: config.broker.certFile } : {}),
      ...(config.broker.keyFile ? { keyFile: config.broker.keyFile } : {}),
      rejectUnauthorized: config.broker.rejectUnauthorized,
      reconnectMs: config.broker.reconnectMs,
      maxPublishPerSecond: config.broker.maxPublishPerSecond,
      maxInFlight: config.broker.maxInFlight,
    },
    store,
    status('offline'),
    {
      onPublished: () => {
        metrics.eventsPublished.inc(labels);
        updateBufferMetrics();
      },
      onConnectionChange: (connected, error) => {
        // A gateway may be offline for days; one line per kind of failure, not one per retry.
        if (error) {
          if (error.message !== lastConnectionError) logger.warn({ err: error.message }, 'mqtt connection error; retrying');
          lastConnectionError = error.message;
          return;
        }
        if (connected === wasConnected) return;
        wasConnected = connected;
        if (connected) lastConnectionError = undefined;
        logger.info({ connected }, connected ? 'mqtt connected' : 'mqtt disconnected');
        if (connected) link.publishStatus(status('online')).catch((e: unknown) => logger.warn({ err: e }, 'status publish failed'));
      },
    },
  );

  const appendEvent = (event: AnomalyEvent): void => {
    let appended: { seq: number; dropped: number };
    try {
      appended = store.append(mqttTopics.gatewayEvents(config.gatewayId), anomalyEventCodec.encode(event));
    } catch (error) {
      // A full or failing disk loses this event; the agent itself must stay up for the next ones.
      metrics.eventsDropped.inc(labels);
      logger.error({ eventId: event.eventId, type: event.type, kind: event.kind, err: error }, 'event could not be stored; dropped');
      return;
    }
    const { seq, dropped } = appended;
    metrics.eventsStored.inc({ ...labels, type: event.type });
    if (dropped > 0) {
      metrics.eventsDropped.inc(labels, dropped);
      logger.warn({ dropped, maxBytes: config.buffer.maxBytes }, 'event store full; dropped the oldest events');
    }
    updateBufferMetrics();
    logger.info({ eventId: event.eventId, type: event.type, kind: event.kind, deviceId: event.source.deviceId, seq }, 'event stored');
    link.notify();
  };

  const queue = createFrameQueue(config.queue.maxFramesPerCamera, (cameraId) => metrics.framesDropped.inc({ ...labels, camera_id: cameraId }));
  const pipelines = new Map<string, CameraPipeline>();
  if (detector && model) {
    for (const camera of config.cameras) {
      pipelines.set(
        camera.id,
        createCameraPipeline(camera, {
          gatewayId: config.gatewayId,
          model,
          classes: config.classes,
          tracking: config.tracking,
          onSnapshotError: (error) => logger.warn({ cameraId: camera.id, err: error.message }, 'no snapshot for the event'),
        }),
      );
      runners.set(camera.id, startCameraRunner({ cameraId: camera.id, fps: camera.source.fps, source: createSource(camera.source, options.once), queue, logger }));
    }
  }

  type Started = { item: QueuedFrame; result: Promise<DetectionResult> };
  const begin = (active: Detector, item: QueuedFrame): Started => {
    const result = active.detect(item.frame.bytes);
    // Awaited in its turn below; a failure before then must not count as an unhandled rejection.
    result.catch(() => undefined);
    return { item, result };
  };
  const finish = async ({ item, result: pending }: Started): Promise<void> => {
    const pipeline = pipelines.get(item.cameraId);
    if (!pipeline) return;
    try {
      const result = await pending;
      const trackStart = performance.now();
      const events = await pipeline.process(result, item.frame.bytes, item.capturedAt);
      const t = result.timings;
      metrics.inferenceSeconds.observe(labels, t.inferenceMs / 1000);
      for (const [stage, ms] of [['decode', t.decodeMs], ['preprocess', t.preprocessMs], ['inference', t.inferenceMs], ['postprocess', t.postprocessMs], ['track', performance.now() - trackStart]] as const) {
        metrics.stageSeconds.observe({ ...labels, stage }, ms / 1000);
      }
      const now = Date.now();
      frameTimes.set(item.cameraId, [...(frameTimes.get(item.cameraId) ?? []).filter((at) => now - at < FPS_WINDOW_MS), now]);
      frameErrors.delete(item.cameraId);
      for (const event of events) appendEvent(event);
    } catch (error) {
      const code = error instanceof DetectorError ? error.code : 'FRAME_FAILED';
      metrics.framesFailed.inc({ ...labels, camera_id: item.cameraId, code });
      frameErrors.set(item.cameraId, (error as Error).message.slice(0, 500));
      logger.warn({ cameraId: item.cameraId, frame: item.frame.label, code, err: (error as Error).message }, 'frame skipped');
    }
  };
  // One frame ahead: while the model runs a frame on the main thread, sharp decodes the next one on
  // libuv's threads (a second core on the gateway). Frames still finish in the order taken.
  const work = async (active: Detector): Promise<void> => {
    let current: Started | undefined;
    for (;;) {
      metrics.queueDepth.set(labels, queue.depth());
      if (!current) {
        const item = await queue.next();
        if (!item) return;
        current = begin(active, item);
      }
      const following = queue.poll();
      const ahead = following ? begin(active, following) : undefined;
      await finish(current);
      current = ahead;
    }
  };
  const worker = detector ? work(detector) : Promise.resolve();

  const fpsTimer = setInterval(() => {
    for (const camera of cameraHealth()) metrics.fps.set({ ...labels, camera_id: camera.deviceId }, camera.fps ?? 0);
  }, 2000);
  fpsTimer.unref();
  const statusTimer = setInterval(() => {
    link.publishStatus(status('online')).catch((error: unknown) => logger.warn({ err: error }, 'status publish failed'));
  }, config.statusEveryMs);
  statusTimer.unref();

  const sensors = new Map<string, SensorChannel>(
    config.sensors.map((sensor) => [
      sensor.id,
      createSensorChannel(sensor, {
        gatewayId: config.gatewayId,
        onEvent: appendEvent,
        onTelemetry: (payload) => link.publishTelemetry(payload),
        onError: (error) => logger.warn({ sensorId: sensor.id, err: error.message }, 'sensor reading skipped'),
      }),
    ]),
  );
  const httpSensors = new Map([...sensors].filter(([id]) => config.sensors.find((sensor) => sensor.id === id)?.driver.type === 'http'));
  const sensorMqtt = startMqttSensors(config, sensors, logger, (sensorId, reason) => metrics.sensorMessagesRejected.inc({ ...labels, sensor_id: sensorId, reason }));
  let sensorInput: SensorHttpInput | undefined;
  if (httpSensors.size > 0 && config.sensorInput.tokenFile) {
    const token = readFileSync(config.sensorInput.tokenFile, 'utf8').trim();
    sensorInput = await startSensorHttpInput({ host: config.sensorInput.host, port: config.sensorInput.port, token, channels: httpSensors });
    logger.info({ port: sensorInput.port, sensors: [...httpSensors.keys()] }, 'sensor input listening');
  }

  const ops: OpsServer = await startOpsServer({
    host: config.ops.host,
    port: config.ops.port,
    registry: metrics.registry,
    health: () => {
      const cameras = cameraHealth();
      return {
        healthy: config.cameras.length === 0 || cameras.some((camera) => camera.state === 'ok'),
        checks: {
          mqtt: link.connected() ? 'connected' : 'disconnected',
          ...(sensorMqtt ? { sensorMqtt: sensorMqtt.connected() ? 'connected' : 'disconnected' } : {}),
          buffered: store.stats(),
          cameras,
          ...(detectorError ? { model: detectorError } : {}),
        },
      };
    },
  });

  const drained = (async () => {
    await Promise.all([...runners.values()].map((runner) => runner.done));
    while (queue.depth() > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    queue.close();
    await worker;
  })();

  let stopped = false;
  return {
    opsPort: ops.port,
    sensorInputPort: sensorInput?.port,
    drained,
    async flushed(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (store.stats().messages > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      return store.stats().messages === 0;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(fpsTimer);
      clearInterval(statusTimer);
      for (const sensor of sensors.values()) sensor.stop();
      await sensorInput?.close();
      await sensorMqtt?.close();
      await Promise.all([...runners.values()].map((runner) => runner.stop()));
      queue.close();
      await worker;
      await link.close(status('offline'));
      store.close();
      await detector?.close();
      await ops.close();
    },
  };
}

const REJECTION_LOG_EVERY_MS = 60_000;

/** The MQTT sensor input, when sensors use the mqtt driver; a chatty broken sensor is logged once a minute with a count. */
function startMqttSensors(config: EdgeConfig, channels: ReadonlyMap<string, SensorChannel>, logger: Logger, count: (sensorId: string, reason: string) => void): SensorMqttInput | undefined {
  const settings = config.sensorMqtt;
  const sensors = config.sensors.flatMap((sensor) => {
    const channel = channels.get(sensor.id);
    return sensor.driver.type === 'mqtt' && channel ? [{ id: sensor.id, topic: sensor.driver.topic, mapping: sensor.driver, channel }] : [];
  });
  if (!settings || sensors.length === 0) return undefined;
  const lastLogged = new Map<string, { at: number; suppressed: number }>();
  let lastError: string | undefined;
  let wasConnected = false;
  return startSensorMqttInput(
    {
      url: settings.url,
      clientId: settings.clientId ?? `${config.gatewayId}-sensors`,
      ...(settings.username !== undefined ? { username: settings.username } : {}),
      ...(settings.passwordFile ? { password: readFileSync(settings.passwordFile, 'utf8').trim() } : {}),
      ...(settings.caFile ? { caFile: settings.caFile } : {}),
      ...(settings.certFile ? { certFile: settings.certFile } : {}),
      ...(settings.keyFile ? { keyFile: settings.keyFile } : {}),
      rejectUnauthorized: settings.rejectUnauthorized,
      qos: settings.qos as 0 | 1 | 2,
      reconnectMs: settings.reconnectMs,
      sensors,
    },
    {
      onRejected: (sensorId, topic, reason, detail) => {
        count(sensorId, reason);
        const now = Date.now();
        const last = lastLogged.get(sensorId);
        if (last && now - last.at < REJECTION_LOG_EVERY_MS) {
          last.suppressed++;
          return;
        }
        lastLogged.set(sensorId, { at: now, suppressed: 0 });
        logger.warn({ sensorId, topic, reason, detail, suppressedSinceLast: last?.suppressed ?? 0 }, 'sensor message rejected');
      },
      onConnectionChange: (connected, error) => {
        if (error) {
          if (error.message !== lastError) logger.warn({ url: settings.url, err: error.message }, 'sensor mqtt connection error; retrying');
          lastError = error.message;
          return;
        }
        if (connected === wasConnected) return;
        wasConnected = connected;
        if (connected) lastError = undefined;
        logger.info({ url: settings.url, connected, sensors: sensors.map((sensor) => sensor.id) }, connected ? 'sensor mqtt connected' : 'sensor mqtt disconnected');
      },
      onSubscribeRefused: (topic) => logger.error({ url: settings.url, topic }, 'the sensor broker refused the subscription; no readings arrive on this topic'),
    },
  );
}
