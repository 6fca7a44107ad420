-- dispatch-service: the weekly roster, resolution photos, and who a ticket was escalated or assigned to.

-- One line per weekly shift, in the city's local time (GRIDSIGHT_DISPATCH_TIME_ZONE); an end at or
-- before the start runs past midnight.
CREATE TABLE worker_shifts (
  worker_id    text NOT NULL REFERENCES workers (worker_id) ON DELETE CASCADE,
  weekday      smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_minute smallint NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute   smallint NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
  PRIMARY KEY (worker_id, weekday, start_minute)
);

-- Photos from workers' phones, re-encoded without EXIF (no GPS trail of the worker, no device serial).
CREATE TABLE ticket_photos (
  photo_id     uuid PRIMARY KEY,
  ticket_id    uuid NOT NULL REFERENCES tickets (ticket_id),
  uploaded_by  text NOT NULL REFERENCES workers (worker_id),
  content_type text NOT NULL,
  width        integer NOT NULL,
  height       integer NOT NULL,
  bytes        bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_photos_ticket ON ticket_photos (ticket_id, created_at);

ALTER TABLE tickets ADD COLUMN escalated_to text REFERENCES workers (worker_id);
-- Unassigned tickets wait for someone to come on duty; the scheduler looks at them in age order.
CREATE INDEX tickets_unassigned ON tickets (created_at) WHERE status = 'new';

-- Who held the ticket after each transition, so the trail answers "who had it when".
ALTER TABLE ticket_events ADD COLUMN assignee_id text;
