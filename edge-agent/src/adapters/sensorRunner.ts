import { sensorTelemetryCodec, type AnomalyEvent } from '@gridsight/contracts';
import { v7 as uuidv7 } from 'uuid';
import { sensorAnomalyEvent } from '../core/anomalyEvents.js';
import { IDLE_RULE, stepSensorRule, type RuleState } from '../core/sensorRules.js';
import type { SensorConfig } from '../config.js';

export interface SensorRunner {
  stop(): void;
}

/** Feeds a sensor's readings through its rules; raw readings go out as telemetry, rule transitions as events. */
export function startSensorRunner(
  sensor: SensorConfig,
  context: { gatewayId: string; onEvent: (event: AnomalyEvent) => void; onTelemetry: (payload: Buffer) => void },
): SensorRunner {
  const states: RuleState[] = sensor.rules.map(() => IDLE_RULE);
  const { driver } = sensor;
  let index = 0;
  const read = (): void => {
    const value = driver.values[index % driver.values.length] as number;
    index += 1;
    const now = new Date();
    context.onTelemetry(
      sensorTelemetryCodec.encode({
        schema: 'telemetry/v1',
        gatewayId: context.gatewayId,
        deviceId: sensor.id,
        observedAt: now.toISOString(),
        location: { lat: sensor.location.lat, lon: sensor.location.lon },
        readings: [{ metric: driver.metric, value, ...(driver.unit ? { unit: driver.unit } : {}) }],
      }),
    );
    sensor.rules.forEach((rule, i) => {
      if (rule.metric !== driver.metric) return;
      const step = stepSensorRule(rule, states[i] as RuleState, value, now.getTime());
      states[i] = step.state;
      if (!step.transition) return;
      context.onEvent(
        sensorAnomalyEvent({
          eventId: uuidv7(),
          gatewayId: context.gatewayId,
          sensorId: sensor.id,
          observedAt: now,
          type: step.transition === 'raised' ? 'detected' : 'cleared',
          rule,
          value,
          ...(rule.unit ?? driver.unit ? { unit: rule.unit ?? driver.unit } : {}),
          location: sensor.location,
        }),
      );
    });
  };
  const timer = setInterval(read, driver.intervalMs);
  return { stop: () => clearInterval(timer) };
}
