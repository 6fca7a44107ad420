import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The model models/ ships, and its committed held-out scenes: what the edge agent runs in production. */
export const SHIPPED_MODEL_PATH = join(repo, 'models', 'gridsight-detector.onnx');
export const HELDOUT_DIR = join(repo, 'models', 'heldout');
