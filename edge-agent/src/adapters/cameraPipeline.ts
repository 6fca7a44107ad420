import type { AnomalyEvent, ModelInfo } from '@gridsight/contracts';
import { v7 as uuidv7 } from 'uuid';
import { cameraAnomalyEvent } from '../core/anomalyEvents.js';
import { createHomographyProjector, projectWithPose, type GeoPosition } from '../core/geoProjection.js';
import { EMPTY_TRACKER, stepTracker, type TrackerParams, type TrackerState } from '../core/tracker.js';
import { bottomCentre, filterDetections, type Box, type ClassThreshold } from '../core/zones.js';
import type { CameraConfig } from '../config.js';
import type { DetectionResult } from '../detector.js';
import { cropSnapshot } from './snapshot.js';

export interface CameraPipeline {
  /** Turns one frame's detections into the events it causes (usually none). */
  process(result: DetectionResult, image: Uint8Array, capturedAt: Date): Promise<AnomalyEvent[]>;
}

export function createCameraPipeline(
  camera: CameraConfig,
  context: { gatewayId: string; model: ModelInfo; classes: Readonly<Record<string, ClassThreshold>>; tracking: TrackerParams; onSnapshotError: (error: Error) => void },
): CameraPipeline {
  const homography = camera.homography ? createHomographyProjector(camera.homography) : undefined;
  const locate = (box: Box): GeoPosition => {
    const foot = bottomCentre(box);
    if (homography) return homography.project(foot) ?? camera.location;
    if (camera.pose) return projectWithPose(camera.pose, foot);
    return camera.location;
  };
  let tracker: TrackerState = EMPTY_TRACKER;
  // Track ids stay unique across restarts of the agent without a store of their own.
  const idPrefix = `${camera.id.slice(0, 40)}:${Date.now().toString(36)}-`;
  const model = { name: context.model.name, version: context.model.version, sha256: context.model.sha256 };

  return {
    async process(result, image, capturedAt) {
      const kept = filterDetections(result.detections, { zones: camera.zones, classes: context.classes });
      const step = stepTracker(tracker, kept, capturedAt.getTime(), context.tracking, idPrefix);
      tracker = step.state;
      const events: AnomalyEvent[] = [];
      for (const event of step.events) {
        let snapshot: string | undefined;
        if (event.type === 'detected') {
          try {
            snapshot = await cropSnapshot(image, event.track.box, result.width, result.height);
          } catch (error) {
            context.onSnapshotError(error as Error);
          }
        }
        events.push(
          cameraAnomalyEvent({
            eventId: uuidv7(),
            gatewayId: context.gatewayId,
            cameraId: camera.id,
            observedAt: capturedAt,
            event,
            location: locate(event.track.box),
            model,
            ...(snapshot ? { snapshot } : {}),
          }),
        );
      }
      return events;
    },
  };
}
