// Edge inference: the shipped detector through the edge agent's own code (sharp decode, letterbox,
// onnxruntime-node on one thread, decode + class-aware NMS), per stage, against a Python
// onnxruntime + OpenCV baseline running the same model on the same images in the same run.
// Targets (issues 3 and 4): model ≤ 40 ms/frame on one core; pre + post ≤ 15 % of model time;
// frames/s ≥ 1.0× Python; agent RSS ≤ 250 MB with the model loaded.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createDetector, type StageTimings } from '@gridsight/edge-agent/detector';
import { SHIPPED_MODEL } from '@gridsight/models';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FRAMES = Number(process.env.GRIDSIGHT_BENCH_FRAMES ?? 300);
const WARMUP = 30;
// The detector keeps everything above the lowest per-class threshold; the agent applies the rest.
const MIN_THRESHOLD = Math.min(...SHIPPED_MODEL.operatingThresholds);
const say = (line: string) => process.stderr.write(`edge-inference bench: ${line}\n`);

// One core for everything, as on a busy gateway: libvips and onnxruntime both single-threaded.
sharp.concurrency(1);

const imageDir = join(SHIPPED_MODEL.heldOutDir, 'images');
const images = readdirSync(imageDir)
  .filter((f) => /\.(jpe?g|png)$/i.test(f))
  .sort()
  .map((f) => join(imageDir, f));
const bytes = images.map((p) => readFileSync(p));

const rssBefore = process.memoryUsage().rss;
const detector = await createDetector({ modelPath: SHIPPED_MODEL.path, threads: 1, scoreThreshold: MIN_THRESHOLD });
const rssLoaded = process.memoryUsage().rss;
say(`model ${detector.model.name} ${detector.model.version} (${detector.model.inputWidth}x${detector.model.inputHeight}), ${images.length} images, ${FRAMES} frames after ${WARMUP} warm-up`);

const sums: StageTimings = { decodeMs: 0, preprocessMs: 0, inferenceMs: 0, postprocessMs: 0 };
const nodeDetections: Record<string, number> = {};
let peakRss = rssLoaded;
const wallStart = performance.now();
for (let i = 0; i < WARMUP + FRAMES; i++) {
  const result = await detector.detect(bytes[i % bytes.length] as Buffer);
  if (i < WARMUP) continue;
  for (const key of Object.keys(sums) as (keyof StageTimings)[]) sums[key] += result.timings[key];
  nodeDetections[images[i % images.length] as string] = result.detections.length;
  if (i % 50 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const wallMs = performance.now() - wallStart;
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await detector.close();
const node = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / FRAMES])) as unknown as StageTimings;
const nodeTotal = node.decodeMs + node.preprocessMs + node.inferenceMs + node.postprocessMs;

const python = join(root, '.venv', 'bin', 'python');
if (!existsSync(python)) throw new Error(`${python} missing: node scripts/bootstrap.mjs creates the dev venv with onnxruntime and OpenCV`);
say('running the Python onnxruntime + OpenCV baseline');
const run = spawnSync(python, [join(root, 'bench', 'edge_inference_baseline.py'), SHIPPED_MODEL.path, String(FRAMES), String(WARMUP), String(MIN_THRESHOLD), ...images], { encoding: 'utf8' });
if (run.status !== 0) throw new Error(`Python baseline failed:\n${run.stderr}`);
const py = JSON.parse(run.stdout) as { meanMs: StageTimings; totalMs: number; fps: number; peakRssMb: number; detections: Record<string, number>; onnxruntime: string; opencv: string };

const mb = (b: number) => b / 1024 / 1024;
const prePost = (t: StageTimings) => (t.preprocessMs + t.postprocessMs) / t.inferenceMs;
const prePostWithDecode = (t: StageTimings) => (t.decodeMs + t.preprocessMs + t.postprocessMs) / t.inferenceMs;
const sameCounts = images.filter((p) => nodeDetections[p] === py.detections[p]).length;
const results = {
  at: new Date().toISOString(),
  frames: FRAMES,
  images: images.length,
  model: { path: SHIPPED_MODEL.path, sha256: detector.model.sha256, input: [detector.model.inputHeight, detector.model.inputWidth] },
  node: { meanMs: node, totalMs: nodeTotal, fps: 1000 / nodeTotal, wallFps: (1000 * FRAMES) / wallMs, prePostShareOfModel: prePost(node), prePostWithDecodeShareOfModel: prePostWithDecode(node), rssMb: { beforeModel: mb(rssBefore), modelLoaded: mb(rssLoaded), peak: mb(peakRss) } },
  python: { ...py, prePostShareOfModel: prePost(py.meanMs), prePostWithDecodeShareOfModel: prePostWithDecode(py.meanMs) },
  fpsRatioNodeToPython: 1000 / nodeTotal / py.fps,
  imagesWithSameDetectionCount: sameCounts,
  targets: { modelMsMax: 40, prePostShareMax: 0.15, fpsRatioMin: 1.0, rssMbMax: 250 },
};

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const ms = (v: number) => v.toFixed(2);
const md = `# edge-inference benchmark (${results.at})

Shipped model \`${SHIPPED_MODEL.path.replace(`${root}/`, '')}\` (${results.model.input.join('x')}), ${images.length} held-out images, ${FRAMES} frames after ${WARMUP} warm-up, one thread for decoding and for onnxruntime in both.

| stage, mean ms per frame | edge agent (Node: sharp + onnxruntime-node) | baseline (Python: OpenCV + onnxruntime) |
|---|---|---|
| decode JPEG | ${ms(node.decodeMs)} | ${ms(py.meanMs.decodeMs)} |
| preprocess (letterbox + tensor) | ${ms(node.preprocessMs)} | ${ms(py.meanMs.preprocessMs)} |
| inference (model) | **${ms(node.inferenceMs)}** | ${ms(py.meanMs.inferenceMs)} |
| postprocess (decode + NMS + boxes) | ${ms(node.postprocessMs)} | ${ms(py.meanMs.postprocessMs)} |
| track | not measured: the tracker is not built yet | — |
| total | ${ms(nodeTotal)} | ${ms(py.totalMs)} |
| frames/s | **${results.node.fps.toFixed(1)}** | ${py.fps.toFixed(1)} |
| pre + post as share of model time (target ≤ 15 %) | **${pct(results.node.prePostShareOfModel)}** | ${pct(results.python.prePostShareOfModel)} |
| decode + pre + post as share of model time | ${pct(results.node.prePostWithDecodeShareOfModel)} | ${pct(results.python.prePostWithDecodeShareOfModel)} |
| RSS | ${results.node.rssMb.peak.toFixed(0)} MB peak (${results.node.rssMb.modelLoaded.toFixed(0)} MB with the model loaded, ${results.node.rssMb.beforeModel.toFixed(0)} MB before) | ${py.peakRssMb.toFixed(0)} MB peak |

- **frames/s ratio edge agent / Python: ${results.fpsRatioNodeToPython.toFixed(2)}×** (target ≥ 1.0×)
- model time ${ms(node.inferenceMs)} ms per frame on one core (target ≤ 40 ms)
- same number of detections at score ≥ ${MIN_THRESHOLD} on ${sameCounts} of ${images.length} images (the two letterbox resizers differ slightly)
- Python: onnxruntime ${py.onnxruntime}, OpenCV ${py.opencv}
`;
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'edge-inference.json'), `${JSON.stringify(results, null, 1)}\n`);
writeFileSync(join(root, 'bench', 'results', 'edge-inference.md'), md);
console.log(md);
