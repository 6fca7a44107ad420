import { CodedError } from '@gridsight/contracts';

/** Every way loading a model or running it on a frame can fail, each with a stable code. */
export const DETECTOR_ERROR_CODES = {
  MODEL_NOT_FOUND: 'the model file does not exist or cannot be read',
  MODEL_TRUNCATED: 'the model file ends in the middle of a record (truncated or not an ONNX file)',
  MODEL_INVALID: 'onnxruntime refused the model',
  MODEL_METADATA_MISSING: 'the model lacks a metadata property the detector needs',
  MODEL_METADATA_INVALID: 'a metadata property of the model cannot be parsed',
  MODEL_INPUT_UNSUPPORTED: 'the model input is not a float32 image tensor [1, 3, H, W]',
  MODEL_OUTPUT_SHAPE: 'the model output is neither the YOLOv8 layout [1, 4+nc, N] nor the YOLOv5 layout [1, N, 5+nc]',
  IMAGE_INVALID: 'the frame is not a decodable image',
  IMAGE_TOO_LARGE: 'the frame has more pixels than the detector accepts',
  INFERENCE_FAILED: 'onnxruntime failed while running the model',
} as const;
export type DetectorErrorCode = keyof typeof DETECTOR_ERROR_CODES;

export class DetectorError extends CodedError<DetectorErrorCode> {
  override readonly name = 'DetectorError';

  constructor(
    code: DetectorErrorCode,
    detail: string,
    /** A bad model or a bad frame fails the same way again; only a runtime hiccup is worth a retry. */
    retriable = code === 'INFERENCE_FAILED',
    options?: { cause?: unknown },
  ) {
    super(code, `${code}: ${DETECTOR_ERROR_CODES[code]}: ${detail}`, { retriable, cause: options?.cause });
  }
}
