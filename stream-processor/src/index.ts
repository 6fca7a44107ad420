export { createStreamProcessor, type StreamProcessor, type StreamProcessorDeps } from './processor.js';
export { loadStreamProcessorConfig, type StreamProcessorConfig } from './config.js';
export { decide, reachM, type DedupeSettings, type Decision, type Sighting } from './core/dedupe.js';
