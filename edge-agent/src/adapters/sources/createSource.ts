import type { CameraConfig } from '../../config.js';
import { createFfmpegSource } from './ffmpegSource.js';
import { createFolderSource } from './folderSource.js';
import type { FrameSource } from './frameSource.js';
import { createHttpSnapshotSource } from './httpSnapshotSource.js';

export function createSource(source: CameraConfig['source'], once: boolean): FrameSource {
  switch (source.type) {
    case 'folder':
      return createFolderSource({ dir: source.dir, extensions: source.extensions, loop: source.loop && !once });
    case 'http':
      return createHttpSnapshotSource(source);
    case 'ffmpeg':
      return createFfmpegSource(source);
  }
}
