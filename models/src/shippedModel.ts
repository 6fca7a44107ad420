import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The detector this package ships, and the thresholds it was evaluated at (see MODEL_CARD.md). */
export const SHIPPED_MODEL = {
  path: join(packageRoot, 'gridsight-detector.onnx'),
  card: join(packageRoot, 'MODEL_CARD.md'),
  /** Committed held-out scenes (a sample of the generated test split) for CI. */
  heldOutDir: join(packageRoot, 'heldout'),
  /** Where `python -m gridsight_models.generate` writes the full dataset by default (git-ignored). */
  generatedDir: join(packageRoot, 'data', 'synth'),
  /** Per class, in the model's class order (garbage_pile, manhole_open, manhole_covered): lower for
   * open manholes, where a miss costs more than a false alarm. */
  operatingThresholds: [0.4, 0.25, 0.4],
  iouThreshold: 0.5,
} as const;
