import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './stringEnum.js';
import { ANOMALY_EVENT_TYPES } from './anomalyEvent.js';
import { ANOMALY_KINDS } from './anomalyKinds.js';
import { GeoPoint, Identifier, Source, UtcTimestamp, Uuid, UuidV7 } from './common.js';

export const INCIDENT_EVENT_SCHEMA = 'incident/v1';
export const INCIDENT_STATUSES = ['open', 'cleared', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const INCIDENT_CHANGES = ['opened', 'updated', 'cleared', 'reopened', 'closed'] as const;
export type IncidentChange = (typeof INCIDENT_CHANGES)[number];

export const Incident = Type.Object(
  {
    incidentId: Uuid('Stable id of the real-world problem'),
    kind: StringEnum(ANOMALY_KINDS),
    status: StringEnum(INCIDENT_STATUSES),
    location: GeoPoint,
    cellId: Type.Optional(Identifier('Grid cell that holds the location, when known')),
    firstSeenAt: UtcTimestamp('Earliest observation'),
    lastSeenAt: UtcTimestamp('Latest observation'),
    sightings: Type.Integer({ minimum: 1, description: 'Distinct events merged into this incident' }),
    raisedBy: Source,
    sources: Type.Array(Source, { minItems: 1, maxItems: 256, description: 'Distinct cameras, sensors and reports that saw it' }),
    maxConfidence: Type.Number({ minimum: 0, maximum: 1 }),
    bestSnapshotId: Type.Optional(Uuid('Stored snapshot with the highest confidence')),
    previousIncidentId: Type.Optional(Uuid('The closed incident at the same place that this one repeats')),
    clearedBy: Type.Optional(Source),
  },
  { additionalProperties: false },
);
export type Incident = Static<typeof Incident>;

/**
 * Kafka `incidents`, key = incidentId; exactly one message per announced change of an incident.
 * Status changes and `cleared` reports are announced one each; the plain sightings of an incident
 * that one stream-processor batch decides are announced as one `updated` carrying the state after
 * them (and the raising source's last sighting among them as its own `updated`).
 */
export const IncidentEvent = Type.Object(
  {
    schema: Type.Literal(INCIDENT_EVENT_SCHEMA),
    eventId: UuidV7('Id of this change; consumers de-duplicate on it'),
    change: StringEnum(INCIDENT_CHANGES),
    version: Type.Integer({ minimum: 1, description: 'Increases by one with every announced change of this incident' }),
    at: UtcTimestamp('When the change was decided'),
    cause: Type.Optional(
      Type.Object(
        {
          eventId: UuidV7('AnomalyEvent that caused the change'),
          type: StringEnum(ANOMALY_EVENT_TYPES),
          source: Source,
        },
        { additionalProperties: false },
      ),
    ),
    incident: Incident,
  },
  { $id: 'https://gridsight.dev/schemas/incident-v1.json', title: 'IncidentEvent', additionalProperties: false },
);
export type IncidentEvent = Static<typeof IncidentEvent>;
