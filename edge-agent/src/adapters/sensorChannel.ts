import { sensorTelemetryCodec, type AnomalyEvent, type SensorReading } from '@gridsight/contracts';
import { v7 as uuidv7 } from 'uuid';
import { sensorAnomalyEvent } from '../core/anomalyEvents.js';
import { IDLE_RULE, stepSensorRule, type RuleState } from '../core/sensorRules.js';
import type { SensorConfig } from '../config.js';

export interface SensorChannel {
  /** Readings taken at one moment: forwarded as telemetry, then run through the sensor's rules. */
  ingest(readings: readonly SensorReading[], observedAt: Date): void;
  stop(): void;
}

export function createSensorChannel(
  sensor: SensorConfig,
  context: { gatewayId: string; onEvent: (event: AnomalyEvent) => void; onTelemetry: (payload: Buffer) => void; onError?: (error: Error) => void },
): SensorChannel {
  const states: RuleState[] = sensor.rules.map(() => IDLE_RULE);
  const ingest = (readings: readonly SensorReading[], observedAt: Date): void => {
    context.onTelemetry(
      sensorTelemetryCodec.encode({
        schema: 'telemetry/v1',
        gatewayId: context.gatewayId,
        deviceId: sensor.id,
        observedAt: observedAt.toISOString(),
        location: { lat: sensor.location.lat, lon: sensor.location.lon },
        readings: [...readings],
      }),
    );
    for (const reading of readings) {
      sensor.rules.forEach((rule, i) => {
        if (rule.metric !== reading.metric) return;
        const step = stepSensorRule(rule, states[i] as RuleState, reading.value, observedAt.getTime());
        states[i] = step.state;
        if (!step.transition) return;
        const unit = rule.unit ?? reading.unit;
        context.onEvent(
          sensorAnomalyEvent({
            eventId: uuidv7(),
            gatewayId: context.gatewayId,
            sensorId: sensor.id,
            observedAt,
            type: step.transition === 'raised' ? 'detected' : 'cleared',
            rule,
            value: reading.value,
            ...(unit ? { unit } : {}),
            location: sensor.location,
          }),
        );
      });
    }
  };

  const { driver } = sensor;
  if (driver.type !== 'simulated') return { ingest, stop: () => undefined };
  let index = 0;
  const timer = setInterval(() => {
    const value = driver.values[index++ % driver.values.length] as number;
    try {
      ingest([{ metric: driver.metric, value, ...(driver.unit ? { unit: driver.unit } : {}) }], new Date());
    } catch (error) {
      context.onError?.(error as Error);
    }
  }, driver.intervalMs);
  return { ingest, stop: () => clearInterval(timer) };
}
