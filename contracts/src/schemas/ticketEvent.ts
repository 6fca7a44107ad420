import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './stringEnum.js';
import { ANOMALY_KINDS } from './anomalyKinds.js';
import { GeoPoint, Identifier, UtcTimestamp, Uuid, UuidV7 } from './common.js';

export const TICKET_EVENT_SCHEMA = 'ticket-event/v1';
export const TICKET_STATUSES = ['new', 'assigned', 'accepted', 'in_progress', 'resolved', 'verified', 'closed', 'cancelled'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_TRANSITIONS = [
  'created',
  'assigned',
  'reassigned',
  'accepted',
  'started',
  'resolved',
  'verified',
  'rejected',
  'reopened',
  'escalated',
  'closed',
  'cancelled',
] as const;
export type TicketTransition = (typeof TICKET_TRANSITIONS)[number];
export const TICKET_PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const ACTOR_TYPES = ['system', 'worker', 'supervisor', 'ops', 'camera'] as const;

export const Ticket = Type.Object(
  {
    ticketId: Uuid('Ticket id'),
    incidentId: Uuid('The one incident this ticket exists for'),
    kind: StringEnum(ANOMALY_KINDS),
    priority: StringEnum(TICKET_PRIORITIES),
    status: StringEnum(TICKET_STATUSES),
    location: GeoPoint,
    cellId: Type.Optional(Identifier('Grid cell of the location')),
    assigneeId: Type.Optional(Identifier('Worker the ticket is assigned to')),
    escalated: Type.Boolean(),
    acceptBy: Type.Optional(UtcTimestamp('Deadline to accept before reassignment')),
    dueBy: UtcTimestamp('SLA deadline to resolve'),
    createdAt: UtcTimestamp('Creation time'),
  },
  { additionalProperties: false },
);
export type Ticket = Static<typeof Ticket>;

/** Kafka `ticket-events`, key = ticketId; one message per audit row in `ticket_events`. */
export const TicketEvent = Type.Object(
  {
    schema: Type.Literal(TICKET_EVENT_SCHEMA),
    eventId: UuidV7('Id of this transition; consumers de-duplicate on it'),
    seq: Type.Integer({ minimum: 1, description: 'Position of this transition in the ticket audit trail' }),
    at: UtcTimestamp('When the transition happened'),
    transition: StringEnum(TICKET_TRANSITIONS),
    from: Type.Union([StringEnum(TICKET_STATUSES), Type.Null()], { description: 'Status before the transition; null for `created`' }),
    to: StringEnum(TICKET_STATUSES),
    actor: Type.Object(
      {
        type: StringEnum(ACTOR_TYPES),
        id: Type.Optional(Identifier('Worker, supervisor, ops user or camera id')),
      },
      { additionalProperties: false },
    ),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    photoUrl: Type.Optional(Type.String({ maxLength: 2048 })),
    ticket: Ticket,
  },
  { $id: 'https://gridsight.dev/schemas/ticket-event-v1.json', title: 'TicketEvent', additionalProperties: false },
);
export type TicketEvent = Static<typeof TicketEvent>;
