import { Type, type Static } from '@sinclair/typebox';
import { ACCESS_TOKEN_ROLES, ANOMALY_KINDS, Identifier, StringEnum, TICKET_PRIORITIES, TICKET_STATUSES, UtcTimestamp, Uuid } from '@gridsight/contracts';

export const ErrorResponse = Type.Object(
  {
    error: Type.String({ description: 'Stable error code, e.g. DSP_TRANSITION_NOT_ALLOWED' }),
    message: Type.String({ description: 'What is wrong, naming the field or rule' }),
  },
  { $id: 'ErrorResponse', description: 'Every 4xx and 5xx answer' },
);

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const TicketView = Type.Object(
  {
    ticketId: Uuid('Ticket id'),
    incidentId: Uuid('The incident this ticket exists for'),
    kind: StringEnum(ANOMALY_KINDS),
    priority: StringEnum(TICKET_PRIORITIES),
    status: StringEnum(TICKET_STATUSES),
    location: Type.Object({ lat: Type.Number(), lon: Type.Number() }),
    cellId: Nullable(Type.String()),
    assigneeId: Nullable(Type.String()),
    escalated: Type.Boolean(),
    escalatedTo: Nullable(Type.String()),
    acceptBy: Nullable(Type.String({ description: 'Deadline to accept (UTC)' })),
    dueBy: Type.String({ description: 'SLA deadline to resolve (UTC)' }),
    createdAt: Type.String(),
    assignedAt: Nullable(Type.String()),
    acceptedAt: Nullable(Type.String()),
    resolvedAt: Nullable(Type.String()),
    verifiedAt: Nullable(Type.String()),
    closedAt: Nullable(Type.String()),
    reopenCount: Type.Integer(),
    version: Type.Integer({ description: 'Send back as expectedVersion to refuse acting on a stale view' }),
    snapshotUrl: Nullable(Type.String({ description: 'Evidence JPEG from the camera' })),
  },
  { $id: 'TicketView' },
);
export type TicketView = Static<typeof TicketView>;

export const AuditEntry = Type.Object(
  {
    seq: Type.Integer(),
    eventId: Type.String(),
    at: Type.String(),
    transition: Type.String(),
    from: Nullable(Type.String()),
    to: Type.String(),
    actor: Type.Object({ type: Type.String(), id: Nullable(Type.String()) }),
    assigneeId: Nullable(Type.String()),
    note: Nullable(Type.String()),
    photoUrl: Nullable(Type.String()),
  },
  { $id: 'AuditEntry' },
);

export const TICKET_ACTIONS = {
  assign: 'assigned',
  reassign: 'reassigned',
  accept: 'accepted',
  start: 'started',
  resolve: 'resolved',
  verify: 'verified',
  reject: 'rejected',
  reopen: 'reopened',
  escalate: 'escalated',
  close: 'closed',
  cancel: 'cancelled',
} as const;
export type TicketAction = keyof typeof TICKET_ACTIONS;

export const ActionBody = Type.Object(
  {
    action: StringEnum(Object.keys(TICKET_ACTIONS) as TicketAction[], { description: 'What to do with the ticket' }),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'Why (needed to reject or cancel)' })),
    photoId: Type.Optional(Uuid('A photo uploaded for this ticket (needed to resolve)')),
    assigneeId: Type.Optional(Identifier('Worker to assign or reassign to')),
    expectedVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'Refuse if the ticket moved on since this version' })),
  },
  { additionalProperties: false },
);

export const TicketIdParams = Type.Object({ ticketId: Uuid('Ticket id') });

export const TokenRequest = Type.Object(
  {
    username: Identifier('Worker, supervisor or ops user id'),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export const TokenResponse = Type.Object({
  token: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresAt: UtcTimestamp('When the token stops working'),
  workerId: Type.String(),
  role: StringEnum(ACCESS_TOKEN_ROLES),
});
