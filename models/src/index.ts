export { SHIPPED_MODEL } from './shippedModel.js';
export { evaluateDetections, matchAcrossClasses } from './core/evaluation.js';
export type { ClassReport, DistractorBox, EvaluationReport, ImageEvaluation } from './core/evaluation.js';
export { averagePrecision, matchPredictions, COCO_IOU_THRESHOLDS } from './core/averagePrecision.js';
export type { Box, LabelledBox, ScoredBox } from './core/boxes.js';
export { readYoloDataset, parseLabels, DatasetError } from './adapters/yoloDataset.js';
export type { DatasetImage } from './adapters/yoloDataset.js';
