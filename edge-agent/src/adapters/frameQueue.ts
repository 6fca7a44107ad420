import type { Frame } from './sources/frameSource.js';

export interface QueuedFrame {
  readonly cameraId: string;
  readonly frame: Frame;
  readonly capturedAt: Date;
}

/**
 * Frames of all cameras waiting for the one shared detector: at most `perCamera` per camera
 * (the oldest of that camera goes when a new one arrives), taken round-robin so a fast camera
 * cannot starve a slow one. Memory is bounded by cameras × perCamera frames.
 */
export function createFrameQueue(perCamera: number, onDrop: (cameraId: string) => void) {
  const queues = new Map<string, QueuedFrame[]>();
  let order: string[] = [];
  let waiter: ((frame: QueuedFrame | undefined) => void) | undefined;
  let closed = false;

  const take = (): QueuedFrame | undefined => {
    for (let i = 0; i < order.length; i++) {
      const cameraId = order[i] as string;
      const frame = queues.get(cameraId)?.shift();
      if (frame) {
        order = [...order.slice(i + 1), ...order.slice(0, i + 1)];
        return frame;
      }
    }
    return undefined;
  };

  return {
    push(item: QueuedFrame): void {
      if (closed) return;
      if (waiter) {
        const wake = waiter;
        waiter = undefined;
        wake(item);
        return;
      }
      let queue = queues.get(item.cameraId);
      if (!queue) {
        queue = [];
        queues.set(item.cameraId, queue);
        order.push(item.cameraId);
      }
      queue.push(item);
      while (queue.length > perCamera) {
        queue.shift();
        onDrop(item.cameraId);
      }
    },
    /** The next frame, waiting if none; `undefined` once closed. */
    next(): Promise<QueuedFrame | undefined> {
      const frame = take();
      if (frame || closed) return Promise.resolve(frame);
      return new Promise((resolve) => {
        waiter = resolve;
      });
    },
    /** The next frame if one is waiting, without waiting. */
    poll(): QueuedFrame | undefined {
      return take();
    },
    depth(): number {
      let total = 0;
      for (const queue of queues.values()) total += queue.length;
      return total;
    },
    close(): void {
      closed = true;
      waiter?.(undefined);
      waiter = undefined;
    },
  };
}
export type FrameQueue = ReturnType<typeof createFrameQueue>;
