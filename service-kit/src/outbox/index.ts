export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions, type RelayRound } from './outboxRelay.js';
export { writeOutbox, type OutboxMessage } from './writeOutbox.js';
