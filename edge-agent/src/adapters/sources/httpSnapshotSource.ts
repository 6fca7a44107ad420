import { EdgeError } from '../../errors.js';
import type { FrameSource } from './frameSource.js';

/** One JPEG per GET from a camera's snapshot URL, bounded in time and size. Credentials in the URL go as HTTP Basic auth. */
export function createHttpSnapshotSource(options: { url: string; timeoutMs: number; maxBytes: number }): FrameSource {
  const shown = options.url.replace(/\/\/[^@/]*@/, '//***@');
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    const error = new EdgeError('EDGE_SOURCE_FAILED', `${shown} is not a valid URL`, false);
    return { next: () => Promise.reject(error), close: async () => undefined };
  }
  const headers = new Headers();
  if (url.username || url.password) {
    headers.set('authorization', `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`);
    url.username = '';
    url.password = '';
  }
  return {
    async next() {
      const signal = AbortSignal.timeout(options.timeoutMs);
      let response: Response;
      try {
        response = await fetch(url, { signal, headers });
      } catch (error) {
        if (signal.aborted) throw new EdgeError('EDGE_SOURCE_TIMEOUT', `${shown} did not answer within ${options.timeoutMs} ms`);
        throw new EdgeError('EDGE_SOURCE_FAILED', `${shown}: ${(error as Error).message}`);
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new EdgeError('EDGE_SOURCE_FAILED', `${shown} answered HTTP ${response.status}`);
      }
      const declared = Number(response.headers.get('content-length') ?? 0);
      if (declared > options.maxBytes) {
        await response.body?.cancel();
        throw new EdgeError('EDGE_SOURCE_FAILED', `${shown} sent ${declared} bytes; at most ${options.maxBytes}`);
      }
      const chunks: Uint8Array[] = [];
      let size = 0;
      try {
        for await (const chunk of response.body ?? []) {
          size += chunk.byteLength;
          if (size > options.maxBytes) throw new EdgeError('EDGE_SOURCE_FAILED', `${shown} sent more than ${options.maxBytes} bytes`);
          chunks.push(chunk);
        }
      } catch (error) {
        if (error instanceof EdgeError) throw error;
        if (signal.aborted) throw new EdgeError('EDGE_SOURCE_TIMEOUT', `${shown} stalled within ${options.timeoutMs} ms`);
        throw new EdgeError('EDGE_SOURCE_FAILED', `${shown}: ${(error as Error).message}`);
      }
      return { bytes: Buffer.concat(chunks), label: shown };
    },
    close: async () => undefined,
  };
}
