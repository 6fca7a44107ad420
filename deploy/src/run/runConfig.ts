import { loadEnvConfig } from '@gridsight/service-kit';
import { Type } from '@sinclair/typebox';
import type { PipelinePorts } from './pipeline.js';

const Port = (fallback: number, description: string) => Type.Integer({ minimum: 1, maximum: 65535, default: fallback, description });

// The same variable names the services read, so one setting moves a port for `npm start` and the service alike.
const RunEnv = Type.Object({
  GRIDSIGHT_MQTT_PORT: Port(1883, 'broker: MQTT over TCP'),
  GRIDSIGHT_MQTT_WS_PORT: Port(8083, 'broker: MQTT over WebSocket'),
  GRIDSIGHT_DISPATCH_HTTP_PORT: Port(8080, 'dispatch-service: worker app and API'),
  GRIDSIGHT_BROKER_OPS_PORT: Port(9301, 'broker: /health and /metrics'),
  GRIDSIGHT_SP_OPS_PORT: Port(9302, 'stream-processor: /health and /metrics'),
  GRIDSIGHT_DISPATCH_OPS_PORT: Port(9303, 'dispatch-service: /health and /metrics'),
});

export const PORT_SETTINGS: Record<keyof PipelinePorts, keyof typeof RunEnv.properties> = {
  mqtt: 'GRIDSIGHT_MQTT_PORT',
  mqttWebSocket: 'GRIDSIGHT_MQTT_WS_PORT',
  http: 'GRIDSIGHT_DISPATCH_HTTP_PORT',
  brokerOps: 'GRIDSIGHT_BROKER_OPS_PORT',
  streamProcessorOps: 'GRIDSIGHT_SP_OPS_PORT',
  dispatchOps: 'GRIDSIGHT_DISPATCH_OPS_PORT',
};

const DemoEnv = Type.Object({
  GRIDSIGHT_EDGE_OPS_PORT: Port(9304, 'edge-agent of the demo gateway: /health and /metrics'),
});

export const EDGE_OPS_PORT_SETTING = 'GRIDSIGHT_EDGE_OPS_PORT';

/** The demo gateway's edge agent; its own setting, as only `npm start` with the demo runs it. */
export function loadEdgeOpsPort(env: NodeJS.ProcessEnv): number {
  return loadEnvConfig(DemoEnv, env).GRIDSIGHT_EDGE_OPS_PORT;
}

export function loadPipelinePorts(env: NodeJS.ProcessEnv): PipelinePorts {
  const raw = loadEnvConfig(RunEnv, env);
  return Object.fromEntries(Object.entries(PORT_SETTINGS).map(([key, setting]) => [key, raw[setting]])) as unknown as PipelinePorts;
}
