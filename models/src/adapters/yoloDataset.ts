import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { fromCenter, type LabelledBox } from '../core/boxes.js';
import type { DistractorBox } from '../core/evaluation.js';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp']);

export interface DatasetImage {
  readonly name: string;
  readonly imagePath: string;
  readonly truths: LabelledBox[];
  /** From objects/<split>/<name>.json when the dataset was drawn by our generator. */
  readonly distractors?: DistractorBox[];
}

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  readonly retriable = false;
}

/**
 * Reads a YOLO-layout dataset: `<dir>/images/<split>/*` with `<dir>/labels/<split>/*.txt`
 * (class cx cy w h, normalised), or a folder with `images/` and `labels/` directly inside it.
 * A missing label file means no objects (as in YOLO tools); a malformed line is an error naming
 * file and line.
 */
export async function readYoloDataset(dir: string, split: string): Promise<DatasetImage[]> {
  const layouts = [
    { images: join(dir, 'images', split), labels: join(dir, 'labels', split), objects: join(dir, 'objects', split) },
    { images: join(dir, 'images'), labels: join(dir, 'labels'), objects: join(dir, 'objects') },
  ];
  const layout = layouts.find((l) => existsSync(l.images));
  if (!layout) throw new DatasetError(`${dir}: no images/${split}/ or images/ folder (expected the YOLO layout)`);
  const files = (await readdir(layout.images)).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
  if (files.length === 0) throw new DatasetError(`${layout.images}: no images`);
  return Promise.all(
    files.map(async (file) => {
      const stem = basename(file, extname(file));
      const labelPath = join(layout.labels, `${stem}.txt`);
      const truths = existsSync(labelPath) ? parseLabels(await readFile(labelPath, 'utf8'), labelPath) : [];
      const objectsPath = join(layout.objects, `${stem}.json`);
      const distractors = existsSync(objectsPath) ? parseObjects(await readFile(objectsPath, 'utf8')) : undefined;
      return { name: stem, imagePath: join(layout.images, file), truths, ...(distractors ? { distractors } : {}) };
    }),
  );
}

export function parseLabels(text: string, source: string): LabelledBox[] {
  return text
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line !== '')
    .map(([line, lineNo]) => {
      const parts = line.split(/\s+/).map(Number);
      const [cls, cx, cy, w, h] = parts as [number, number, number, number, number];
      if (parts.length !== 5 || !Number.isInteger(cls) || cls < 0 || parts.slice(1).some((v) => !Number.isFinite(v) || v < 0 || v > 1.0001)) {
        throw new DatasetError(`${source}:${lineNo}: expected "class cx cy w h" with normalised values, got "${line}"`);
      }
      return { classId: cls, ...fromCenter(cx, cy, w, h) };
    });
}

function parseObjects(text: string): DistractorBox[] {
  const parsed = JSON.parse(text) as { objects: { kind: string; labelled: boolean; box: [number, number, number, number] }[] };
  return parsed.objects
    .filter((o) => !o.labelled)
    .map((o) => ({ kind: ['garbage_pile', 'manhole_open', 'manhole_covered'].includes(o.kind) ? `hidden ${o.kind}` : o.kind, x0: o.box[0], y0: o.box[1], x1: o.box[2], y1: o.box[3] }));
}
