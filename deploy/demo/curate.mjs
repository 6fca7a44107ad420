#!/usr/bin/env node
// Picks the demo district's camera scenes from the models pipeline's held-out test split, by what
// the shipped model actually finds in them through the edge agent's own detector:
//
//   .venv/bin/python deploy/demo/draw_scenes.py /tmp/demo-candidates 3000000 200
//   node deploy/demo/curate.mjs /tmp/demo-candidates
//
// A "problem" scene holds exactly one labelled garbage pile or open manhole, which the model finds
// (IoU >= 0.5 with the label) well above its operating threshold, and nothing else of a class that
// becomes an event. A "clear" scene holds no such object, and the model finds none even at a much
// lower threshold. Static frames replay identically, so a scene that passes once passes every frame.
// Writes the chosen JPEGs to deploy/demo/scenes/ and their facts to deploy/demo/scenes.json.
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDetector, iou } from '@gridsight/edge-agent/detector';
import { SHIPPED_MODEL } from '@gridsight/models';

const here = dirname(fileURLToPath(import.meta.url));
const candidates = process.argv[2];
if (!candidates) {
  console.error('usage: node deploy/demo/curate.mjs <dir written by draw_scenes.py>');
  process.exit(2);
}

// The model card's operating thresholds for the classes that become events.
const THRESHOLDS = { garbage_pile: SHIPPED_MODEL.operatingThresholds[0], manhole_open: SHIPPED_MODEL.operatingThresholds[1] };
// The smallest box (share of the frame) the demo agent turns into an event, as in the example gateway config.
const MIN_AREA = { garbage_pile: 0.002, manhole_open: 0.0005 };
// Margin above the threshold, so that the agent's median-score confirmation passes on every frame
// and a slightly different onnxruntime build cannot drop the object.
const PROBLEM_MARGIN = 0.2;
// A clear scene stays clear well below the thresholds.
const CLEAR_CEILING = 0.15;
const WANTED = { garbage_pile: 3, manhole_open: 2, clear: 4 };
const DEG = Math.PI / 180;

/** (ahead, right) metres of an image point on flat ground: the pinhole model of the agent's pose projection. */
function groundOffset(camera, [u, v]) {
  const x = (u - 0.5) * 2 * Math.tan((camera.horizontalFovDeg / 2) * DEG);
  const y = (v - 0.5) * 2 * Math.tan((camera.verticalFovDeg / 2) * DEG);
  const pitch = camera.pitchDeg * DEG;
  const t = camera.heightM / (Math.sin(pitch) + y * Math.cos(pitch));
  return { aheadM: t * (Math.cos(pitch) - y * Math.sin(pitch)), rightM: t * x };
}

const toCorners = ([x, y, w, h]) => [x, y, x + w, y + h];
const boxIou = (a, b) => {
  const [ax0, ay0, ax1, ay1] = toCorners(a);
  const [bx0, by0, bx1, by1] = toCorners(b);
  return iou({ x0: ax0, y0: ay0, x1: ax1, y1: ay1 }, { x0: bx0, y0: by0, x1: bx1, y1: by1 });
};
const round = (n, digits = 4) => Number(n.toFixed(digits));

const detector = await createDetector({ modelPath: SHIPPED_MODEL.path, scoreThreshold: 0.05 });
const names = (await readdir(candidates)).filter((n) => n.endsWith('.json')).sort();
const picks = { garbage_pile: [], manhole_open: [], clear: [] };
for (const name of names) {
  const scene = JSON.parse(await readFile(join(candidates, name), 'utf8'));
  const file = name.replace(/\.json$/, '.jpg');
  const image = await readFile(join(candidates, file));
  const first = await detector.detect(image);
  const again = await detector.detect(image);
  if (JSON.stringify(first.detections) !== JSON.stringify(again.detections)) throw new Error(`${file}: two runs of one frame disagree`);
  const eventful = first.detections.filter((d) => d.className in THRESHOLDS);
  const labelled = scene.labels.filter((l) => l.kind in THRESHOLDS);
  const maxScore = Math.max(0, ...eventful.map((d) => d.score));
  if (labelled.length === 0) {
    if (maxScore < CLEAR_CEILING) picks.clear.push({ file, seed: scene.seed, role: 'clear', size: scene.size, camera: scene.camera, maxEventScore: round(maxScore, 3) });
    continue;
  }
  if (labelled.length !== 1) continue;
  const [label] = labelled;
  const hits = eventful.filter((d) => d.score >= THRESHOLDS[d.className]);
  // Anything of an event class between the clear ceiling and the threshold could flicker into a second track.
  const near = eventful.filter((d) => d.score >= CLEAR_CEILING);
  if (hits.length !== 1 || near.length !== 1) continue;
  const [hit] = hits;
  const [x, y, w, h] = hit.box;
  if (hit.className !== label.kind || hit.score < THRESHOLDS[label.kind] + PROBLEM_MARGIN || boxIou(hit.box, label.box) < 0.5 || w * h < MIN_AREA[label.kind]) continue;
  picks[label.kind].push({
    file,
    seed: scene.seed,
    role: 'problem',
    kind: label.kind,
    size: scene.size,
    camera: scene.camera,
    score: round(hit.score, 3),
    box: hit.box.map((n) => round(n)),
    labelIou: round(boxIou(hit.box, label.box), 3),
    // The agent locates a box by its bottom centre.
    foot: Object.fromEntries(Object.entries(groundOffset(scene.camera, [x + w / 2, y + h])).map(([k, n]) => [k, round(n, 2)])),
  });
}
await detector.close();

const found = Object.fromEntries(Object.entries(picks).map(([k, list]) => [k, list.length]));
console.log(`${names.length} candidate scenes; usable: ${JSON.stringify(found)}`);
const chosen = [
  ...['garbage_pile', 'manhole_open'].flatMap((kind) => picks[kind].sort((a, b) => b.score - a.score).slice(0, WANTED[kind])),
  ...picks.clear.sort((a, b) => a.maxEventScore - b.maxEventScore).slice(0, WANTED.clear),
];
for (const [kind, n] of Object.entries(WANTED)) {
  if (chosen.filter((s) => (s.kind ?? 'clear') === kind).length < n) throw new Error(`only ${found[kind]} usable ${kind} scenes; draw more candidates`);
}

const out = join(here, 'scenes');
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
for (const scene of chosen) await copyFile(join(candidates, scene.file), join(out, scene.file));
const manifest = {
  about: 'Demo camera scenes, chosen by deploy/demo/curate.mjs from the generated held-out test split (seeds from 3000000); see deploy/demo/README.md',
  model: { sha256: detector.model.sha256, version: detector.model.version },
  thresholds: THRESHOLDS,
  minArea: MIN_AREA,
  candidates: names.length,
  usable: found,
  scenes: chosen,
};
await writeFile(join(here, 'scenes.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(chosen.map((s) => `${s.file} ${s.role}${s.kind ? ` ${s.kind} ${s.score}` : ` max ${s.maxEventScore}`}`).join('\n'));
