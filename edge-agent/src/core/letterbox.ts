/** How a frame of one size is scaled and padded, centred, into the model's input (Ultralytics' letterbox). */
export interface Letterbox {
  readonly scale: number;
  /** Size of the scaled frame inside the input. */
  readonly width: number;
  readonly height: number;
  /** Padding before the frame, in input pixels. */
  readonly left: number;
  readonly top: number;
  readonly inputWidth: number;
  readonly inputHeight: number;
  readonly sourceWidth: number;
  readonly sourceHeight: number;
}

/** Grey used for the padding, as Ultralytics and our training pipeline do. */
export const LETTERBOX_PAD = 114;

export function computeLetterbox(sourceWidth: number, sourceHeight: number, inputWidth: number, inputHeight: number): Letterbox {
  const scale = Math.min(inputWidth / sourceWidth, inputHeight / sourceHeight);
  const width = Math.min(inputWidth, Math.max(1, Math.round(sourceWidth * scale)));
  const height = Math.min(inputHeight, Math.max(1, Math.round(sourceHeight * scale)));
  // The -0.1 matches Ultralytics' rounding of an odd padding, so boxes line up to the pixel.
  const left = Math.max(0, Math.round((inputWidth - width) / 2 - 0.1));
  const top = Math.max(0, Math.round((inputHeight - height) / 2 - 0.1));
  return { scale, width, height, left, top, inputWidth, inputHeight, sourceWidth, sourceHeight };
}

/** A box in input pixels (x0, y0, x1, y1) mapped back to [x, y, w, h] normalised to the source frame, clipped to it. */
export function toSourceBox(lb: Letterbox, x0: number, y0: number, x1: number, y1: number): [number, number, number, number] {
  const sx = lb.width / lb.sourceWidth;
  const sy = lb.height / lb.sourceHeight;
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const nx0 = clamp((x0 - lb.left) / sx / lb.sourceWidth);
  const ny0 = clamp((y0 - lb.top) / sy / lb.sourceHeight);
  const nx1 = clamp((x1 - lb.left) / sx / lb.sourceWidth);
  const ny1 = clamp((y1 - lb.top) / sy / lb.sourceHeight);
  return [nx0, ny0, nx1 - nx0, ny1 - ny0];
}
