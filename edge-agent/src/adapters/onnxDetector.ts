import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { decodeYolo, detectLayout, type YoloLayout } from '../core/decodeYolo.js';
import { DetectorError } from '../core/detectorErrors.js';
import { toSourceBox, type Letterbox } from '../core/letterbox.js';
import { parseModelMetadata } from '../core/modelMetadata.js';
import { nonMaxSuppression } from '../core/nms.js';
import { createLetterboxKernel } from '../core/letterboxTensor.js';
import { readOnnxModelFile } from '../core/onnxModelFile.js';
import { decodeFrame, frameToTensor, type RawFrame } from './framePreprocessor.js';

export interface DetectorOptions {
  readonly modelPath: string;
  /** onnxruntime intra-op threads; 1 leaves the other cores to the rest of the gateway. */
  readonly threads?: number;
  /** Detections below this score are dropped (the model's operating threshold). */
  readonly scoreThreshold?: number;
  readonly iouThreshold?: number;
  readonly maxDetections?: number;
  /** Frames with more pixels than this are refused before decoding. */
  readonly maxInputPixels?: number;
}

export interface ModelInfo {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
  readonly names: readonly string[];
  readonly inputWidth: number;
  readonly inputHeight: number;
  readonly stride: number;
  readonly layout: YoloLayout;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface Detection {
  readonly classId: number;
  readonly className: string;
  readonly score: number;
  /** [x, y, w, h] normalised to the frame (0..1). */
  readonly box: readonly [number, number, number, number];
}

export interface StageTimings {
  decodeMs: number;
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
}

export interface DetectionResult {
  readonly detections: Detection[];
  readonly width: number;
  readonly height: number;
  readonly timings: StageTimings;
}

export interface Detector {
  readonly model: ModelInfo;
  /**
   * Runs on encoded image bytes (JPEG, PNG, WebP). Calls may overlap: each frame is decoded as soon
   * as it is handed over, and frames go through the model one at a time, in call order.
   */
  detect(image: Uint8Array, overrides?: { scoreThreshold?: number }): Promise<DetectionResult>;
  /** Runs on an already decoded RGB frame (e.g. from an ffmpeg pipe); resized in JS like OpenCV's INTER_LINEAR. */
  detectFrame(frame: RawFrame, overrides?: { scoreThreshold?: number }): Promise<DetectionResult>;
  close(): Promise<void>;
}

export const DETECTOR_DEFAULTS = {
  threads: 1,
  scoreThreshold: 0.25,
  iouThreshold: 0.5,
  maxDetections: 100,
  maxInputPixels: 40_000_000,
} as const;

export async function createDetector(options: DetectorOptions): Promise<Detector> {
  const opts = { ...DETECTOR_DEFAULTS, ...options };
  let bytes: Uint8Array;
  try {
    bytes = await readFile(opts.modelPath);
  } catch (error) {
    throw new DetectorError('MODEL_NOT_FOUND', `${opts.modelPath}: ${(error as Error).message}`, false, { cause: error });
  }
  const file = readOnnxModelFile(bytes);
  const meta = parseModelMetadata(file.metadata);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    throw new DetectorError('MODEL_INVALID', `${opts.modelPath}: ${(error as Error).message}`, false, { cause: error });
  }
  const inputName = checkInput(session, meta.inputWidth, meta.inputHeight);
  const outputName = session.outputNames[0] as string;
  const names = meta.names;
  // One dry run at load: a model whose output does not fit its metadata fails here, not on the first frame.
  const probe = await run(session, inputName, outputName, new Float32Array(3 * meta.inputWidth * meta.inputHeight), meta.inputWidth, meta.inputHeight);
  const { layout } = detectLayout(probe.dims, names.length);
  const model: ModelInfo = {
    name: file.metadata.name ?? basename(opts.modelPath).replace(/\.onnx$/i, ''),
    version: meta.version,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    names,
    inputWidth: meta.inputWidth,
    inputHeight: meta.inputHeight,
    stride: meta.stride,
    layout,
    metadata: file.metadata,
  };

  // One input tensor for every frame (the kernel's), so frames run one at a time: a second caller
  // waits its turn rather than overwrite a tensor onnxruntime is still reading on its own thread.
  const kernel = createLetterboxKernel();
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  };

  async function infer(tensor: Float32Array, letterbox: Letterbox, scoreThreshold: number) {
    const t0 = performance.now();
    const out = await run(session, inputName, outputName, tensor, model.inputWidth, model.inputHeight);
    const t1 = performance.now();
    const candidates = decodeYolo(out.data, out.dims, names.length, scoreThreshold);
    const kept = nonMaxSuppression(candidates, opts.iouThreshold, opts.maxDetections);
    const detections = kept.map((c) => ({
      classId: c.classId,
      className: names[c.classId] as string,
      score: c.score,
      box: toSourceBox(letterbox, c.x0, c.y0, c.x1, c.y1),
    }));
    return { detections, inferenceMs: t1 - t0, postprocessMs: performance.now() - t1 };
  }

  return {
    model,
    detect: (image, overrides) => {
      // Decoding starts at once, on libuv's threads, while an earlier frame may still be in the
      // model (onnxruntime-node runs on the main thread); frames still enter the model in call order.
      const t0 = performance.now();
      const decoded = decodeFrame(image, opts.maxInputPixels).then((frame) => ({ frame, decodeMs: performance.now() - t0 }));
      // Its failure is reported when its turn comes; until then it must not count as unhandled.
      decoded.catch(() => undefined);
      return exclusive(async () => {
        const { frame, decodeMs } = await decoded;
        const t1 = performance.now();
        const { tensor, letterbox } = frameToTensor(frame, model.inputWidth, model.inputHeight, kernel);
        const t2 = performance.now();
        const r = await infer(tensor, letterbox, overrides?.scoreThreshold ?? opts.scoreThreshold);
        const timings = { decodeMs, preprocessMs: t2 - t1, inferenceMs: r.inferenceMs, postprocessMs: r.postprocessMs };
        return { detections: r.detections, width: frame.width, height: frame.height, timings };
      });
    },
    detectFrame: (frame, overrides) =>
      exclusive(async () => {
        const t0 = performance.now();
        const { tensor, letterbox } = frameToTensor(frame, model.inputWidth, model.inputHeight, kernel);
        const t1 = performance.now();
        const r = await infer(tensor, letterbox, overrides?.scoreThreshold ?? opts.scoreThreshold);
        const timings = { decodeMs: 0, preprocessMs: t1 - t0, inferenceMs: r.inferenceMs, postprocessMs: r.postprocessMs };
        return { detections: r.detections, width: frame.width, height: frame.height, timings };
      }),
    close: () => exclusive(() => session.release()),
  };
}

function checkInput(session: ort.InferenceSession, width: number, height: number): string {
  const input = session.inputMetadata[0];
  const name = session.inputNames[0];
  if (!input || name === undefined || !input.isTensor || input.type !== 'float32' || input.shape.length !== 4) {
    throw new DetectorError('MODEL_INPUT_UNSUPPORTED', `first input is ${JSON.stringify(input)}`);
  }
  const [batch, channels, h, w] = input.shape;
  const fits = (dim: number | string | undefined, want: number) => typeof dim !== 'number' || dim === want || dim <= 0;
  if (!fits(batch, 1) || channels !== 3 || !fits(h, height) || !fits(w, width)) {
    throw new DetectorError('MODEL_INPUT_UNSUPPORTED', `input '${name}' has shape [${input.shape.join(', ')}], metadata imgsz says [1, 3, ${height}, ${width}]`);
  }
  return name;
}

async function run(session: ort.InferenceSession, inputName: string, outputName: string, data: Float32Array, width: number, height: number) {
  let results: ort.InferenceSession.OnnxValueMapType;
  try {
    results = await session.run({ [inputName]: new ort.Tensor('float32', data, [1, 3, height, width]) });
  } catch (error) {
    throw new DetectorError('INFERENCE_FAILED', (error as Error).message, true, { cause: error });
  }
  const output = results[outputName] as ort.Tensor | undefined;
  if (!output || output.type !== 'float32') throw new DetectorError('MODEL_OUTPUT_SHAPE', `output '${outputName}' is not a float32 tensor`);
  return { data: output.data as Float32Array, dims: output.dims };
}
