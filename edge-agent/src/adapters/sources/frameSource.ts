export interface Frame {
  readonly bytes: Uint8Array;
  /** File name or URL, for logs. */
  readonly label: string;
}

/** Pull one frame per call at the camera's rate; `undefined` means the source has ended (a folder pass with `--once`). */
export interface FrameSource {
  next(): Promise<Frame | undefined>;
  close(): Promise<void>;
}
