// The detector API other parts of Gridsight build on (the edge agent's camera pipeline, models/ evaluation).
export { createDetector, DETECTOR_DEFAULTS } from './adapters/onnxDetector.js';
export type { Detection, DetectionResult, Detector, DetectorOptions, ModelInfo, StageTimings } from './adapters/onnxDetector.js';
export { decodeFrame, frameToTensor } from './adapters/framePreprocessor.js';
export { loadTurboJpeg } from './adapters/turboJpeg.js';
export type { RawFrame } from './adapters/framePreprocessor.js';
export { DetectorError, DETECTOR_ERROR_CODES } from './core/detectorErrors.js';
export type { DetectorErrorCode } from './core/detectorErrors.js';
export { decodeYolo, detectLayout } from './core/decodeYolo.js';
export type { Candidate, YoloLayout } from './core/decodeYolo.js';
export { nonMaxSuppression, iou } from './core/nms.js';
export { computeLetterbox, toSourceBox, LETTERBOX_PAD } from './core/letterbox.js';
export { createLetterboxKernel, letterboxToTensor } from './core/letterboxTensor.js';
export type { LetterboxKernel } from './core/letterboxTensor.js';
export type { Letterbox } from './core/letterbox.js';
export { parseModelMetadata } from './core/modelMetadata.js';
export type { ModelMetadata } from './core/modelMetadata.js';
export { readOnnxModelFile } from './core/onnxModelFile.js';
export { parseLiteral } from './core/literal.js';
