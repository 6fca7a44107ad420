import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { EdgeError } from '../../errors.js';
import type { FrameSource } from './frameSource.js';

/** Still images of a directory in name order: demos, tests and `--once` passes. */
export function createFolderSource(options: { dir: string; extensions: readonly string[]; loop: boolean }): FrameSource {
  let files: string[] | undefined;
  let index = 0;
  const wanted = new Set(options.extensions.map((e) => e.toLowerCase()));
  return {
    async next() {
      if (!files) {
        try {
          files = (await readdir(options.dir)).filter((name) => wanted.has(extname(name).toLowerCase())).sort();
        } catch (error) {
          throw new EdgeError('EDGE_SOURCE_FAILED', `cannot list ${options.dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
        if (files.length === 0) throw new EdgeError('EDGE_SOURCE_FAILED', `no ${[...wanted].join('/')} files in ${options.dir}`);
      }
      if (index >= files.length) {
        if (!options.loop) return undefined;
        index = 0;
        files = undefined;
        return this.next();
      }
      const name = files[index++] as string;
      try {
        return { bytes: await readFile(join(options.dir, name)), label: name };
      } catch (error) {
        throw new EdgeError('EDGE_SOURCE_FAILED', `cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    },
    close: async () => undefined,
  };
}
