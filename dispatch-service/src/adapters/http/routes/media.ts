import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { v7 as uuidv7 } from 'uuid';
import { Uuid } from '@gridsight/contracts';
import { DispatchError } from '../../../errors.js';
import { normalisePhoto } from '../../photos/normalisePhoto.js';
import { requireUser } from '../authenticate.js';
import { visibleTicket } from '../viewer.js';
import type { HttpDeps } from '../server.js';
import { TicketIdParams } from '../schemas.js';

const errors = {
  400: { $ref: 'ErrorResponse#' },
  401: { $ref: 'ErrorResponse#' },
  403: { $ref: 'ErrorResponse#' },
  404: { $ref: 'ErrorResponse#' },
  413: { $ref: 'ErrorResponse#' },
  415: { $ref: 'ErrorResponse#' },
} as const;
const DECLARED_IMAGE_TYPES = /^image\/(jpeg|png|webp|heic|heif)$/;

export const mediaRoutes =
  (deps: HttpDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { pool } = deps.workflows;

    app.post(
      '/tickets/:ticketId/photos',
      {
        schema: {
          tags: ['photos'],
          description: `multipart/form-data with one file field (JPEG, PNG or WebP, at most ${deps.photoMaxBytes} bytes). Stored as JPEG without EXIF.`,
          params: TicketIdParams,
          response: { 201: Type.Object({ photoId: Type.String(), url: Type.String(), width: Type.Integer(), height: Type.Integer() }), ...errors },
        },
      },
      async (request, reply) => {
        const claims = requireUser(request, 'worker', 'supervisor');
        const ticket = await visibleTicket(pool, request.params.ticketId, claims);
        if (!request.isMultipart()) throw new DispatchError('DSP_UNSUPPORTED_MEDIA_TYPE', 'send the photo as multipart/form-data with one file field');
        const file = await request.file();
        if (!file) throw new DispatchError('DSP_BAD_REQUEST', 'the form has no file in it');
        if (!DECLARED_IMAGE_TYPES.test(file.mimetype)) {
          file.file.resume();
          throw new DispatchError('DSP_UNSUPPORTED_MEDIA_TYPE', `a ${file.mimetype} file is not a photo; send a JPEG, PNG or WebP image`);
        }
        let upload: Buffer;
        try {
          upload = await file.toBuffer();
        } catch (error) {
          if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
            throw new DispatchError('DSP_PAYLOAD_TOO_LARGE', `the photo is larger than ${deps.photoMaxBytes} bytes`);
          }
          throw error;
        }
        const photo = await normalisePhoto(upload);
        const photoId = uuidv7();
        await pool.query(
          'INSERT INTO ticket_photos (photo_id, ticket_id, uploaded_by, content_type, width, height, bytes) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [photoId, ticket.ticket_id, claims.sub, photo.contentType, photo.width, photo.height, photo.bytes],
        );
        return reply.code(201).send({ photoId, url: `${deps.publicUrl}/api/v1/photos/${photoId}`, width: photo.width, height: photo.height });
      },
    );

    // Served without a token so <img> tags and Open311 media_url work; ids are random UUIDs, so a link is the capability.
    app.get(
      '/photos/:photoId',
      { schema: { tags: ['photos'], security: [], params: Type.Object({ photoId: Uuid('Photo id') }), response: { 404: { $ref: 'ErrorResponse#' }, 400: { $ref: 'ErrorResponse#' } } } },
      async (request, reply) => {
        const { rows } = await pool.query<{ bytes: Buffer; content_type: string }>('SELECT bytes, content_type FROM ticket_photos WHERE photo_id = $1', [request.params.photoId]);
        if (!rows[0]) throw new DispatchError('DSP_NOT_FOUND', `no photo ${request.params.photoId}`);
        return reply.type(rows[0].content_type).header('cache-control', 'private, max-age=86400, immutable').send(rows[0].bytes);
      },
    );

    app.get(
      '/snapshots/:snapshotId',
      { schema: { tags: ['photos'], security: [], params: Type.Object({ snapshotId: Uuid('Evidence snapshot id') }), response: { 404: { $ref: 'ErrorResponse#' }, 400: { $ref: 'ErrorResponse#' } } } },
      async (request, reply) => {
        const { rows } = await pool.query<{ bytes: Buffer; content_type: string }>('SELECT bytes, content_type FROM snapshots WHERE snapshot_id = $1', [request.params.snapshotId]);
        if (!rows[0]) throw new DispatchError('DSP_NOT_FOUND', `no snapshot ${request.params.snapshotId}`);
        return reply.type(rows[0].content_type).header('cache-control', 'private, max-age=86400, immutable').send(rows[0].bytes);
      },
    );
  };
