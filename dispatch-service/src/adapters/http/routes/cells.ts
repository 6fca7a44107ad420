import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Identifier } from '@gridsight/contracts';
import { inTransaction } from '@gridsight/service-kit';
import { boundaryProblems, type CellBoundary } from '../../../core/geo.js';
import { DispatchError } from '../../../errors.js';
import { upsertCell } from '../../db/adminStore.js';
import { requireUser } from '../authenticate.js';
import type { HttpDeps } from '../server.js';

const Position = Type.Tuple([Type.Number({ minimum: -180, maximum: 180 }), Type.Number({ minimum: -90, maximum: 90 })], { description: '[lon, lat]' });
const Ring = Type.Array(Position, { minItems: 4, maxItems: 10_000 });
const Geometry = Type.Union([
  Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Ring, { minItems: 1, maxItems: 100 }) }),
  Type.Object({ type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(Ring, { minItems: 1, maxItems: 100 }), { minItems: 1, maxItems: 100 }) }),
]);
export const CellFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Optional(Type.Union([Type.String(), Type.Number()])),
  geometry: Geometry,
  properties: Type.Object({
    cellId: Identifier('Grid cell id'),
    district: Type.String({ minLength: 1, maxLength: 100 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    supervisorId: Type.Optional(Type.Union([Identifier('Supervisor of the cell'), Type.Null()])),
  }),
});
export const CellCollection = Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(CellFeature, { maxItems: 5000 }) });

const errors = { 400: { $ref: 'ErrorResponse#' }, 401: { $ref: 'ErrorResponse#' }, 403: { $ref: 'ErrorResponse#' } } as const;

export const cellRoutes =
  (deps: HttpDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { pool } = deps.workflows;
    app.get('/cells', { schema: { tags: ['cells'], description: 'Grid cells as a GeoJSON FeatureCollection' } }, async (request) => {
      requireUser(request);
      const { rows } = await pool.query<{ cell_id: string; district: string; name: string; boundary: CellBoundary; supervisor_id: string | null }>(
        'SELECT cell_id, district, name, boundary, supervisor_id FROM grid_cells ORDER BY cell_id',
      );
      return {
        type: 'FeatureCollection',
        features: rows.map((r) => ({ type: 'Feature', id: r.cell_id, geometry: r.boundary, properties: { cellId: r.cell_id, district: r.district, name: r.name, supervisorId: r.supervisor_id } })),
      };
    });

    app.post(
      '/cells',
      { bodyLimit: 16 * 1024 * 1024, schema: { tags: ['cells'], description: 'Import or replace grid cells (ops)', body: CellCollection, response: { 200: Type.Object({ imported: Type.Integer() }), ...errors } } },
      async (request) => {
        requireUser(request, 'ops');
        const features = request.body.features;
        const problems = features.flatMap((f, i) => boundaryProblems(f.geometry as CellBoundary).map((p) => `features[${i}] (${f.properties.cellId}): ${p}`));
        if (problems.length > 0) throw new DispatchError('DSP_BAD_REQUEST', problems.slice(0, 10).join('; '));
        const supervisors = [...new Set(features.flatMap((f) => (f.properties.supervisorId ? [f.properties.supervisorId] : [])))];
        const { rows: known } = await pool.query<{ worker_id: string }>("SELECT worker_id FROM workers WHERE worker_id = ANY($1) AND role = 'supervisor'", [supervisors]);
        const unknown = supervisors.filter((id) => !known.some((k) => k.worker_id === id));
        if (unknown.length > 0) throw new DispatchError('DSP_BAD_REQUEST', `no supervisor ${unknown.slice(0, 10).join(', ')}; create the supervisors first`);
        await inTransaction(pool, async (client) => {
          for (const f of features) {
            await upsertCell(client, { cellId: f.properties.cellId, district: f.properties.district, name: f.properties.name, boundary: f.geometry as CellBoundary, supervisorId: f.properties.supervisorId ?? null });
          }
        });
        return { imported: features.length };
      },
    );
  };
