import { readFileSync } from 'node:fs';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { StringEnum } from '@gridsight/contracts';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { createHomographyProjector } from './core/geoProjection.js';
import { isValidTopicFilter } from './core/topicFilter.js';
import { EdgeError } from './errors.js';

const Id = (description: string) => Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$', description });
const Fraction = Type.Number({ minimum: 0, maximum: 1 });
const ImagePoint = Type.Tuple([Fraction, Fraction], { description: '[x, y] normalised to the frame, origin top left' });
const Location = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    accuracyM: Type.Number({ minimum: 0, maximum: 10_000, default: 10 }),
  },
  { additionalProperties: false },
);
const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });

const FolderSource = strict({
  type: Type.Literal('folder'),
  dir: Type.String({ minLength: 1, description: 'Directory of still images, replayed in name order' }),
  extensions: Type.Array(Type.String(), { default: ['.jpg', '.jpeg', '.png'] }),
  fps: Type.Number({ exclusiveMinimum: 0, maximum: 60, default: 1 }),
  loop: Type.Boolean({ default: true, description: 'Start again after the last file (ignored with --once)' }),
});
const HttpSource = strict({
  type: Type.Literal('http'),
  url: Type.String({ pattern: '^https?://', description: 'JPEG snapshot URL' }),
  fps: Type.Number({ exclusiveMinimum: 0, maximum: 30, default: 1 }),
  timeoutMs: Type.Integer({ minimum: 100, default: 5000 }),
  maxBytes: Type.Integer({ minimum: 1024, default: 20 * 1024 * 1024 }),
});
const FfmpegSource = strict({
  type: Type.Literal('ffmpeg'),
  url: Type.String({ minLength: 1, description: 'rtsp:// URL or video file, read by an ffmpeg child process' }),
  fps: Type.Number({ exclusiveMinimum: 0, maximum: 30, default: 1 }),
  ffmpegPath: Type.String({ default: 'ffmpeg' }),
});

const Pose = strict({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  headingDeg: Type.Number({ minimum: 0, maximum: 360 }),
  pitchDeg: Type.Number({ exclusiveMinimum: 0, maximum: 90, description: 'Downward tilt below the horizon' }),
  heightM: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
  horizontalFovDeg: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 180 }),
  verticalFovDeg: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 180 }),
  positionAccuracyM: Type.Number({ minimum: 0, default: 2 }),
  maxRangeM: Type.Number({ exclusiveMinimum: 0, default: 60 }),
});
const Homography = strict({
  points: Type.Array(strict({ image: ImagePoint, lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) }), { minItems: 4, maxItems: 4 }),
  accuracyM: Type.Number({ minimum: 0, default: 1 }),
});

const Camera = strict({
  id: Id('Camera id (the deviceId of its events)'),
  // Checked against the schema of its `type` after the rest (ajv applies no defaults inside a union).
  source: Type.Unsafe<Static<typeof FolderSource> | Static<typeof HttpSource> | Static<typeof FfmpegSource>>(
    Type.Object({ type: StringEnum(['folder', 'http', 'ffmpeg'], { description: 'folder of stills, HTTP(S) JPEG snapshot URL, or ffmpeg (RTSP, video)' }) }),
  ),
  zones: Type.Array(Type.Array(ImagePoint, { minItems: 3 }), { default: [], description: 'ROI polygons; empty: the whole frame' }),
  location: Location,
  pose: Type.Optional(Pose),
  homography: Type.Optional(Homography),
});

const Metric = (description?: string) => Type.String({ pattern: '^[a-z][a-z0-9_]{0,47}$', ...(description ? { description } : {}) });
const BrokerUrl = (description: string) => Type.String({ pattern: '^(mqtt|mqtts|tcp|ssl|ws|wss)://', description });

const Rule = strict({
  metric: Metric(),
  kind: StringEnum(['manhole_open', 'bin_full', 'garbage_pile']),
  raiseAbove: Type.Number(),
  holdMs: Type.Integer({ minimum: 0, default: 0 }),
  clearBelow: Type.Number(),
  clearHoldMs: Type.Integer({ minimum: 0, default: 0 }),
  unit: Type.Optional(Type.String({ maxLength: 16 })),
});
const SimulatedDriver = strict(
  {
    type: Type.Literal('simulated'),
    metric: Type.String({ pattern: '^[a-z][a-z0-9_]{0,47}$' }),
    unit: Type.Optional(Type.String({ maxLength: 16 })),
    values: Type.Array(Type.Number(), { minItems: 1, description: 'Readings replayed in a loop' }),
    intervalMs: Type.Integer({ minimum: 10, default: 1000 }),
  },
  'A driver for demos and tests',
);
const HttpDriver = strict(
  { type: Type.Literal('http') },
  'Readings POSTed by the sensor (or its bridge) to the gateway: POST /v1/sensors/{id}/readings on sensorInput',
);
const MqttDriver = strict(
  {
    type: Type.Literal('mqtt'),
    topic: Type.String({ minLength: 1, maxLength: 512, description: 'Topic filter the sensor publishes on, on the sensorMqtt broker (+ and # allowed)' }),
    payload: StringEnum(['readings', 'number', 'json'], {
      default: 'readings',
      description: 'readings: {"readings": [{"metric", "value", "unit"?}], "observedAt"?} as the HTTP input takes; number: the payload is one number; json: an object whose fields (see fields) are metrics',
    }),
    metric: Type.Optional(Metric('payload number: the metric of the value')),
    metricTopicLevel: Type.Optional(Type.Integer({ minimum: 0, maximum: 63, description: 'payload number: take the metric from this level of the topic (0 is the first)' })),
    unit: Type.Optional(Type.String({ maxLength: 16, description: 'payload number: the unit of the value' })),
    fields: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,47}$' }), Type.String({ minLength: 1, maxLength: 256 }), { description: 'payload json: metric → dotted path of its value (a number, or a boolean as 1/0)' })),
    units: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,47}$' }), Type.String({ maxLength: 16 }), { description: 'payload json: metric → unit' })),
    timeField: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'payload json: dotted path of the observation time (ISO 8601, or Unix seconds or milliseconds); without it, the arrival time' })),
  },
  'Readings published by the sensor (or its bridge, e.g. zigbee2mqtt) to the MQTT broker on the gateway (sensorMqtt)',
);
const Sensor = strict({
  id: Id('Sensor id (the deviceId of its events and telemetry)'),
  location: Location,
  // Checked against the schema of its `type` after the rest, as camera sources are.
  driver: Type.Unsafe<Static<typeof SimulatedDriver> | Static<typeof HttpDriver> | Static<typeof MqttDriver>>(Type.Object({ type: StringEnum(['simulated', 'http', 'mqtt']) })),
  rules: Type.Array(Rule, { default: [] }),
});

const ClassThreshold = strict({ minScore: Fraction, minArea: Type.Number({ minimum: 0, maximum: 1, default: 0 }) });

export const EdgeConfigSchema = strict({
  gatewayId: Id('Gateway id; the MQTT client id and topic level'),
  logLevel: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  model: strict(
    {
      path: Type.String({ minLength: 1 }),
      threads: Type.Integer({ minimum: 1, maximum: 16, default: 1 }),
      maxInputPixels: Type.Integer({ minimum: 1, default: 40_000_000 }),
    },
    'Needed only when cameras are configured',
  ),
  classes: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), ClassThreshold, {
    default: { garbage_pile: { minScore: 0.35, minArea: 0.001 }, manhole_open: { minScore: 0.35, minArea: 0.0005 } },
    description: 'Classes that become events, with their minimum score and box area (fraction of the frame)',
  }),
  tracking: strict(
    {
      matchIou: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.3 }),
      confirmHits: Type.Integer({ minimum: 1, default: 3 }),
      confirmWindow: Type.Integer({ minimum: 1, default: 5 }),
      confirmMedianScore: Fraction,
      clearAfterMs: Type.Integer({ minimum: 1000, default: 60_000 }),
      stillPresentEveryMs: Type.Integer({ minimum: 1000, default: 600_000 }),
      changedBelowIou: Type.Number({ minimum: 0, maximum: 1, default: 0.3 }),
    },
    'Tracker and confirmation rules',
  ),
  cameras: Type.Array(Camera, { default: [], maxItems: 64 }),
  sensors: Type.Array(Sensor, { default: [], maxItems: 256 }),
  sensorInput: strict(
    {
      host: Type.String({ default: '127.0.0.1', description: 'Address of the local sensor input (HTTP); keep it on the gateway or its sensor LAN' }),
      port: Type.Integer({ minimum: 0, maximum: 65535, default: 9305 }),
      tokenFile: Type.Optional(Type.String({ description: 'File holding the bearer token sensors must send; required when a sensor uses the http driver' })),
    },
    'HTTP input for sensors with the http driver',
  ),
  sensorMqtt: Type.Optional(
    strict(
      {
        url: BrokerUrl('The broker on the gateway that local sensors publish to, e.g. mqtt://127.0.0.1:1883'),
        clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Default: <gatewayId>-sensors' })),
        username: Type.Optional(Type.String()),
        passwordFile: Type.Optional(Type.String({ description: 'File holding the password (never the password itself in this file)' })),
        caFile: Type.Optional(Type.String()),
        certFile: Type.Optional(Type.String({ description: 'Client certificate (PEM) for certificate logins' })),
        keyFile: Type.Optional(Type.String()),
        rejectUnauthorized: Type.Boolean({ default: true }),
        qos: Type.Integer({ minimum: 0, maximum: 2, default: 1, description: 'QoS of the subscriptions' }),
        reconnectMs: Type.Integer({ minimum: 100, default: 2000 }),
      },
      'MQTT input for sensors with the mqtt driver: the agent subscribes to their topics on the local broker',
    ),
  ),
  queue: strict({ maxFramesPerCamera: Type.Integer({ minimum: 1, maximum: 100, default: 2 }) }),
  broker: strict({
    url: BrokerUrl('e.g. mqtts://broker.example:8883'),
    username: Type.Optional(Type.String()),
    passwordFile: Type.Optional(Type.String({ description: 'File holding the gateway secret (never the secret itself in this file)' })),
    caFile: Type.Optional(Type.String()),
    certFile: Type.Optional(Type.String({ description: 'Client certificate (PEM) for certificate logins' })),
    keyFile: Type.Optional(Type.String()),
    rejectUnauthorized: Type.Boolean({ default: true }),
    reconnectMs: Type.Integer({ minimum: 100, default: 2000 }),
    maxPublishPerSecond: Type.Number({ exclusiveMinimum: 0, default: 20 }),
    maxInFlight: Type.Integer({ minimum: 1, maximum: 100, default: 1 }),
  }),
  buffer: strict({
    path: Type.String({ minLength: 1, default: '/var/lib/gridsight-edge/events.db' }),
    maxBytes: Type.Integer({ minimum: 1024, default: 256 * 1024 * 1024 }),
  }),
  ops: strict({ host: Type.String({ default: '0.0.0.0' }), port: Type.Integer({ minimum: 0, maximum: 65535, default: 9304 }) }),
  statusEveryMs: Type.Integer({ minimum: 1000, default: 60_000 }),
  shutdownTimeoutMs: Type.Integer({ minimum: 1000, default: 15_000 }),
});
export type EdgeConfig = Static<typeof EdgeConfigSchema>;
export type CameraConfig = EdgeConfig['cameras'][number];
export type SensorConfig = EdgeConfig['sensors'][number];
export type MqttDriverConfig = Static<typeof MqttDriver>;

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, discriminator: false });
const validate = ajv.compile(EdgeConfigSchema);
const validateSource = {
  folder: ajv.compile(FolderSource),
  http: ajv.compile(HttpSource),
  ffmpeg: ajv.compile(FfmpegSource),
} as const;
const validateDriver = {
  simulated: ajv.compile(SimulatedDriver),
  http: ajv.compile(HttpDriver),
  mqtt: ajv.compile(MqttDriver),
} as const;

function describe(error: ErrorObject, prefix = ''): string {
  const base = (prefix + error.instancePath).replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.') || '$';
  if (error.keyword === 'required') return `${base === '$' ? '' : `${base}.`}${String(error.params.missingProperty)} is required`;
  if (error.keyword === 'additionalProperties') return `${base === '$' ? '' : `${base}.`}${String(error.params.additionalProperty)} is not a known setting`;
  if (error.keyword === 'enum') return `${base} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return `${base} ${error.message ?? 'is invalid'}`;
}

// Sub-objects with defaults for every field may be left out of the file entirely.
const FILLED_SECTIONS = ['tracking', 'queue', 'buffer', 'ops', 'sensorInput'] as const;

/** Parses and validates a JSON or YAML config; the error names every bad field. */
export function parseEdgeConfig(text: string, origin = 'config'): EdgeConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new EdgeError('EDGE_CONFIG_INVALID', `${origin} is neither JSON nor YAML: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new EdgeError('EDGE_CONFIG_INVALID', `${origin} must hold an object`);
  const value = raw as Record<string, unknown>;
  for (const section of FILLED_SECTIONS) value[section] ??= {};
  if (typeof value['tracking'] === 'object' && value['tracking'] !== null) (value['tracking'] as Record<string, unknown>)['confirmMedianScore'] ??= 0.4;
  const problems = validate(value) ? [] : (validate.errors ?? []).map((error) => describe(error));
  const cameras = Array.isArray(value['cameras']) ? (value['cameras'] as unknown[]) : [];
  cameras.forEach((camera, i) => {
    const source = (camera as { source?: { type?: unknown } } | null)?.source;
    const check = typeof source?.type === 'string' ? validateSource[source.type as keyof typeof validateSource] : undefined;
    if (check && !check(source)) problems.push(...(check.errors ?? []).map((error) => describe(error, `/cameras/${i}/source`)));
  });
  const sensors = Array.isArray(value['sensors']) ? (value['sensors'] as unknown[]) : [];
  sensors.forEach((sensor, i) => {
    const driver = (sensor as { driver?: { type?: unknown } } | null)?.driver;
    const check = typeof driver?.type === 'string' ? validateDriver[driver.type as keyof typeof validateDriver] : undefined;
    if (check && !check(driver)) problems.push(...(check.errors ?? []).map((error) => describe(error, `/sensors/${i}/driver`)));
  });
  if (problems.length > 0) throw new EdgeError('EDGE_CONFIG_INVALID', `${origin}: ${[...new Set(problems)].slice(0, 12).join('; ')}`);
  const config = value as EdgeConfig;
  const ids = new Set<string>();
  for (const device of [...config.cameras, ...config.sensors]) {
    if (ids.has(device.id)) throw new EdgeError('EDGE_CONFIG_INVALID', `${origin}: device id ${device.id} is used twice`);
    ids.add(device.id);
  }
  if (config.tracking.confirmHits > config.tracking.confirmWindow) {
    throw new EdgeError('EDGE_CONFIG_INVALID', `${origin}: tracking.confirmHits (${config.tracking.confirmHits}) exceeds tracking.confirmWindow (${config.tracking.confirmWindow})`);
  }
  for (const [i, camera] of config.cameras.entries()) {
    if (!camera.homography) continue;
    try {
      createHomographyProjector(camera.homography);
    } catch (error) {
      throw new EdgeError('EDGE_CONFIG_INVALID', `${origin}: cameras[${i}].homography.points: ${(error as Error).message}`);
    }
  }
  if (config.sensors.some((sensor) => sensor.driver.type === 'http') && !config.sensorInput.tokenFile) {
    throw new EdgeError('EDGE_CONFIG_INVALID', `${origin}: sensorInput.tokenFile is required when a sensor uses the http driver (the input changes state, so it needs auth)`);
  }
  if (config.sensors.some((sensor) => sensor.driver.type === 'mqtt') && !config.sensorMqtt) {
    throw new EdgeError('EDGE_CONFIG_INVALID', `${origin}: sensorMqtt is required when a sensor uses the mqtt driver (the broker its readings arrive on)`);
  }
  for (const [i, sensor] of config.sensors.entries()) {
    if (sensor.driver.type === 'mqtt') checkMqttDriver(sensor.driver, `${origin}: sensors[${i}].driver`);
    for (const [j, rule] of sensor.rules.entries()) {
      if (rule.clearBelow > rule.raiseAbove) throw new EdgeError('EDGE_CONFIG_INVALID', `${origin}: sensors[${i}].rules[${j}].clearBelow must not exceed raiseAbove`);
    }
  }
  return Object.freeze(config);
}

function checkMqttDriver(driver: MqttDriverConfig, at: string): void {
  const fail = (problem: string) => {
    throw new EdgeError('EDGE_CONFIG_INVALID', `${at}.${problem}`);
  };
  if (!isValidTopicFilter(driver.topic)) fail(`topic ${JSON.stringify(driver.topic)} is not a valid MQTT topic filter (# only as the whole last level, + only as a whole level)`);
  const only = (field: keyof MqttDriverConfig, payload: MqttDriverConfig['payload']) => {
    if (driver[field] !== undefined && driver.payload !== payload) fail(`${field} applies only to payload ${payload}`);
  };
  for (const field of ['metric', 'metricTopicLevel', 'unit'] as const) only(field, 'number');
  for (const field of ['fields', 'units', 'timeField'] as const) only(field, 'json');
  if (driver.payload === 'number' && (driver.metric === undefined) === (driver.metricTopicLevel === undefined)) fail('metric or metricTopicLevel (one of them) is required with payload number');
  if (driver.payload === 'json' && Object.keys(driver.fields ?? {}).length === 0) fail('fields is required with payload json (metric → path of its value)');
  for (const metric of Object.keys(driver.units ?? {})) if (!driver.fields?.[metric]) fail(`units.${metric} names no metric of fields`);
}

export function loadEdgeConfig(path: string): EdgeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new EdgeError('EDGE_CONFIG_INVALID', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseEdgeConfig(text, path);
}
