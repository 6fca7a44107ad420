import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import formbody from '@fastify/formbody';
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { v7 as uuidv7 } from 'uuid';
import { ANOMALY_KINDS, anomalyEventCodec, geoCellKey, StringEnum } from '@gridsight/contracts';
import { DatabaseError, isTransientDatabaseError } from '@gridsight/service-kit';
import { IDEMPOTENCY_KEY_PATTERN, idempotencyKeyOf } from '../../../core/idempotencyKey.js';
import { citizenEvent, OPEN311_SERVICES, open311Status, reportFingerprint } from '../../../core/open311.js';
import { DISPATCH_ERRORS, DispatchError } from '../../../errors.js';
import { recordCitizenReport } from '../../db/citizenReports.js';
import { findRequests, open311ClientFor, ticketForReportEvent, type Open311Row } from '../../db/open311Queries.js';
import { formatOfUrl, OPEN311_FORMATS, OPEN311_XML_CONTENT_TYPE, open311Xml, type Open311Format, type Open311XmlList } from '../open311Xml.js';
import type { HttpDeps } from '../server.js';
import { validationMessage } from '../validationMessage.js';

const ServiceCode = StringEnum(ANOMALY_KINDS, { description: 'service_code from services.json' });
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 (W3C) date-time' });

const RequestQuery = Type.Object(
  {
    service_request_id: Type.Optional(Type.String({ pattern: `^${UUID}(,${UUID}){0,99}$`, description: 'Comma-separated ids' })),
    service_code: Type.Optional(ServiceCode),
    start_date: Type.Optional(Timestamp),
    end_date: Type.Optional(Timestamp),
    status: Type.Optional(StringEnum(['open', 'closed'])),
  },
  { additionalProperties: true },
);

const PostRequest = Type.Object(
  {
    api_key: Type.String({ minLength: 16, maxLength: 128 }),
    service_code: ServiceCode,
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    long: Type.Number({ minimum: -180, maximum: 180 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    address_string: Type.Optional(Type.String({ maxLength: 500 })),
  },
  // GeoReport v2 lets clients send contact fields (email, first_name, …); they are accepted and not stored.
  { additionalProperties: true },
);

const PostHeaders = Type.Object(
  {
    'idempotency-key': Type.Optional(
      Type.String({ pattern: IDEMPOTENCY_KEY_PATTERN, description: 'Sending a report again under the same key (per api_key) answers the first token instead of making a second report' }),
    ),
  },
  { additionalProperties: true },
);

const DAY_MS = 24 * 3600 * 1000;

type Item = Record<string, string | number | boolean | null>;

/** The answer in the format the URL asked for: the JSON array, or the spec's XML document. */
function send(reply: FastifyReply, format: Open311Format, list: Open311XmlList, items: Item[], status = 200) {
  reply.code(status);
  return format === 'xml' ? reply.type(OPEN311_XML_CONTENT_TYPE).send(open311Xml(list, items)) : reply.send(items);
}

/**
 * Open311 GeoReport v2 under /open311/v2, in both formats of the spec (`.json` and `.xml` on every
 * endpoint): `services`, `requests` (list, by id, POST) and `tokens`. Every ticket is a service request; a POSTed report enters the pipeline as a
 * citizen `anomaly/v1` event, so it is deduped with camera sightings of the same problem, and
 * its token resolves to the ticket once one exists. Errors are GeoReport's `[{code, description}]` (`<errors><error>` in XML).
 */
export function open311Routes(deps: HttpDeps) {
  return async (root: FastifyInstance): Promise<void> => {
    await root.register(
      async (plain) => {
        const app = plain.withTypeProvider<TypeBoxTypeProvider>();
        const { pool } = deps.workflows;
        await app.register(formbody, { bodyLimit: 16 * 1024 });
        app.setErrorHandler((error: FastifyError | DispatchError, request, reply) => {
          let status: number;
          let description: string;
          if (error instanceof DispatchError) {
            [status, description] = [error.status, error.message];
          } else if (error instanceof DatabaseError || isTransientDatabaseError(error)) {
            deps.logger.warn({ err: error }, 'open311 request failed on the database');
            const unknown = error instanceof DatabaseError && error.code === 'DB_COMMIT_UNKNOWN';
            [status, description] = [
              DISPATCH_ERRORS.DSP_UNAVAILABLE.status,
              unknown
                ? 'the database connection broke while the report was being stored, so it may or may not be stored; send it again with the same Idempotency-Key'
                : 'the database is unreachable or busy for now; try again',
            ];
          } else if (error.validation) {
            [status, description] = [400, validationMessage(error.validationContext ?? 'request', error.validation)];
          } else if (error.statusCode && error.statusCode < 500) {
            [status, description] = [error.statusCode, error.message];
          } else {
            deps.logger.error({ err: error }, 'open311 request failed');
            [status, description] = [500, 'internal error; it has been logged'];
          }
          return send(reply, formatOfUrl(request.url), 'errors', [{ code: status, description }], status);
        });

        const view = (row: Open311Row): Item => ({
          service_request_id: row.ticket_id,
          status: open311Status(row.status),
          status_notes: row.last_note,
          service_name: OPEN311_SERVICES[row.kind].name,
          service_code: row.kind,
          description: row.citizen_description,
          agency_responsible: 'Gridsight grid management',
          service_notice: null,
          requested_datetime: row.created_at.toISOString(),
          updated_datetime: row.updated_at.toISOString(),
          expected_datetime: row.due_by.toISOString(),
          address: null,
          address_id: null,
          zipcode: null,
          lat: row.lat,
          long: row.lon,
          media_url: row.last_photo_url ?? (row.snapshot_id ? `${deps.publicUrl}/api/v1/snapshots/${row.snapshot_id}` : null),
        });

        for (const format of OPEN311_FORMATS) {
          const tags = ['open311'];
          const summary = `GeoReport v2, ${format === 'xml' ? 'XML (text/xml; errors as <errors><error>)' : 'JSON (errors as [{code, description}])'}`;
          app.get(`/services.${format}`, { schema: { tags, description: summary, security: [] } }, async (_request, reply) =>
            send(
              reply,
              format,
              'services',
              ANOMALY_KINDS.map((code) => ({ service_code: code, service_name: OPEN311_SERVICES[code].name, description: OPEN311_SERVICES[code].description, metadata: false, type: 'realtime', keywords: code.replace('_', ','), group: OPEN311_SERVICES[code].group })),
            ),
          );

          app.get(`/requests.${format}`, { schema: { tags, description: summary, security: [], querystring: RequestQuery } }, async (request, reply) => {
            const q = request.query as Static<typeof RequestQuery>;
            const end = q.end_date ? new Date(q.end_date) : new Date();
            const start = q.start_date ? new Date(q.start_date) : new Date(end.getTime() - 90 * DAY_MS);
            if (start > end) throw new DispatchError('DSP_BAD_REQUEST', 'start_date is after end_date');
            const rows = await findRequests(pool, {
              ...(q.service_request_id ? { ids: q.service_request_id.split(',') } : {}),
              ...(q.service_code ? { serviceCode: q.service_code } : {}),
              ...(q.status ? { status: q.status } : {}),
              start,
              end,
              limit: 1000,
            });
            return send(reply, format, 'requests', rows.map(view));
          });

          app.get(`/requests/:id.${format}`, { schema: { tags, description: summary, security: [], params: Type.Object({ id: Type.String({ pattern: `^${UUID}$` }) }) } }, async (request, reply) => {
            const rows = await findRequests(pool, { ids: [request.params.id], start: new Date(0), end: new Date(), limit: 1 });
            if (!rows[0]) throw new DispatchError('DSP_NOT_FOUND', `no service request ${request.params.id}`);
            return send(reply, format, 'requests', [view(rows[0])]);
          });

          app.get(`/tokens/:token.${format}`, { schema: { tags, description: summary, security: [], params: Type.Object({ token: Type.String({ pattern: `^${UUID}$` }) }) } }, async (request, reply) => {
            const { rows } = await pool.query('SELECT 1 FROM open311_reports WHERE event_id = $1', [request.params.token]);
            if (!rows[0]) throw new DispatchError('DSP_NOT_FOUND', `no report with token ${request.params.token}`);
            const ticketId = await ticketForReportEvent(pool, request.params.token);
            return send(reply, format, 'requests', [{ service_request_id: ticketId ?? null, token: request.params.token }]);
          });

          app.post(`/requests.${format}`, { schema: { tags, description: summary, security: [], body: PostRequest, headers: PostHeaders } }, async (request, reply) => {
            const body = request.body as Static<typeof PostRequest>;
            const header = (request.headers as Static<typeof PostHeaders>)['idempotency-key'];
            const clientId = await open311ClientFor(pool, body.api_key);
            if (!clientId) throw new DispatchError('DSP_FORBIDDEN', 'api_key is not valid');
            const eventId = uuidv7();
            const description = body.description?.trim() || undefined;
            const event = citizenEvent({ reportId: eventId, eventId, serviceCode: body.service_code, lat: body.lat, lon: body.long, receivedAt: deps.workflows.clock(), ...(description ? { description } : {}) });
            const checked = anomalyEventCodec.check(event);
            if (!checked.ok) throw new DispatchError('DSP_BAD_REQUEST', checked.error.message);
            const fields = { serviceCode: body.service_code, lat: body.lat, lon: body.long, description: description ?? null, address: body.address_string ?? null };
            const recorded = await recordCitizenReport(
              pool,
              { eventId, clientId, idempotencyKey: header === undefined ? null : idempotencyKeyOf(header), requestSha256: reportFingerprint(fields), ...fields },
              { eventId, topic: deps.workflows.config.kafka.anomalyEventsTopic, key: geoCellKey(event.location), payload: event },
            );
            if (recorded.replayed) reply.header('idempotent-replayed', 'true');
            const notice = 'Thank you; the report joins any camera sighting of the same problem and is dispatched to the grid worker on duty.';
            return send(reply, format, 'requests', [{ token: recorded.eventId, service_notice: notice, account_id: null }], 201);
          });
        }
      },
      { prefix: '/open311/v2' },
    );
  };
}
