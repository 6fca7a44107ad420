import type { ClientBase } from 'pg';

/** One message to announce, written in the same transaction as the change it announces. */
export interface OutboxMessage {
  /** The message's own id; a second row with the same id is ignored, so writing twice announces once. */
  eventId: string;
  topic: string;
  key: string;
  payload: unknown;
}

/** Inserts the messages in order (their ids give the relay's publishing order); returns how many were new. */
export async function writeOutbox(client: Pick<ClientBase, 'query'>, messages: readonly OutboxMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const result = await client.query(
    `INSERT INTO outbox (event_id, topic, message_key, payload)
     SELECT event_id, topic, message_key, payload
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS m(event_id, topic, message_key, payload, n)
      ORDER BY n
     ON CONFLICT (event_id) DO NOTHING`,
    [messages.map((m) => m.eventId), messages.map((m) => m.topic), messages.map((m) => m.key), messages.map((m) => JSON.stringify(m.payload))],
  );
  return result.rowCount ?? 0;
}
