"""Baseline for bench/edge-inference.bench.ts: the same model on the same images with Python
onnxruntime + OpenCV, one thread each, one frame at a time, the way a typical YOLO deployment
script does it.

    python bench/edge_inference_baseline.py MODEL WARMUP THRESHOLD IMAGE...

Loads the model, warms up, then reads one request per line on stdin:
- `N`: runs N frames (frame i is image i mod the number of images) and prints one JSON line: mean
  ms per stage, wall and CPU ms, frames/s, peak RSS, detections per image;
- `bare N`: runs the model alone N times on a fixed input (the same values the Node side uses,
  element i = (i * 7919 mod 255) / 255) and prints wall and CPU ms per run.
Rounds on request let the benchmark alternate this baseline with the edge agent's runs, so that a
burst of other work on a shared machine hits one round of one side rather than a whole side.
"""

import json
import resource
import sys
import time

import cv2
import numpy as np
import onnxruntime as ort


def letterbox(img, size):
    h, w = img.shape[:2]
    r = min(size / w, size / h)
    nw, nh = round(w * r), round(h * r)
    dw, dh = (size - nw) / 2, (size - nh) / 2
    img = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_LINEAR)
    top, bottom = int(round(dh - 0.1)), int(round(dh + 0.1))
    left, right = int(round(dw - 0.1)), int(round(dw + 0.1))
    return cv2.copyMakeBorder(img, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(114, 114, 114)), r, left, top


def postprocess(out, thr, r, left, top, iou=0.5):
    pred = out[0].T  # [N, 4 + nc]
    scores = pred[:, 4:]
    cls = scores.argmax(1)
    conf = scores[np.arange(len(cls)), cls]
    keep = conf >= thr
    pred, cls, conf = pred[keep], cls[keep], conf[keep]
    xywh = pred[:, :4].copy()
    xywh[:, 0] -= xywh[:, 2] / 2
    xywh[:, 1] -= xywh[:, 3] / 2
    idx = cv2.dnn.NMSBoxesBatched(xywh.tolist(), conf.tolist(), cls.tolist(), thr, iou) if len(conf) else []
    idx = np.array(idx, dtype=int).reshape(-1)
    boxes = xywh[idx]
    boxes[:, 0] = (boxes[:, 0] - left) / r
    boxes[:, 1] = (boxes[:, 1] - top) / r
    boxes[:, 2:] /= r
    return [(int(c), float(s), b.tolist()) for c, s, b in zip(cls[idx], conf[idx], boxes)]


def main():
    model, warmup, thr, images = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
    cv2.setNumThreads(1)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    size = sess.get_inputs()[0].shape[2]
    data = [open(p, "rb").read() for p in images]

    def run(frames, record):
        totals = {"decodeMs": 0.0, "preprocessMs": 0.0, "inferenceMs": 0.0, "postprocessMs": 0.0}
        detections = {}
        for i in range(frames):
            path, raw = images[i % len(images)], data[i % len(images)]
            t0 = time.perf_counter()
            img = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)
            t1 = time.perf_counter()
            lb, r, left, top = letterbox(img, size)
            blob = np.ascontiguousarray(lb[:, :, ::-1].transpose(2, 0, 1)[None], dtype=np.float32) / 255.0
            t2 = time.perf_counter()
            out = sess.run(None, {name: blob})[0]
            t3 = time.perf_counter()
            dets = postprocess(out, thr, r, left, top)
            t4 = time.perf_counter()
            if record:
                for k, v in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                    totals[k] += v * 1000
                detections[path] = len(dets)
        return totals, detections

    run(warmup, False)
    print(json.dumps({"ready": True, "onnxruntime": ort.__version__, "opencv": cv2.__version__}), flush=True)
    bare_input = ((np.arange(3 * size * size, dtype=np.int64) * 7919) % 255).astype(np.float32).reshape(1, 3, size, size) / np.float32(255)
    for line in sys.stdin:
        if line.startswith("bare"):
            runs = int(line.split()[1])
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for _ in range(runs):
                sess.run(None, {name: bare_input})
            wall, cpu = (time.perf_counter() - wall0) * 1000, (time.process_time() - cpu0) * 1000
            print(json.dumps({"wallMsPerRun": wall / runs, "cpuMsPerRun": cpu / runs}), flush=True)
            continue
        frames = int(line)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        totals, detections = run(frames, True)
        wall, cpu = (time.perf_counter() - wall0) * 1000, (time.process_time() - cpu0) * 1000
        print(json.dumps({
            "meanMs": {k: v / frames for k, v in totals.items()},
            "wallMsPerFrame": wall / frames,
            "cpuMsPerFrame": cpu / frames,
            "fps": 1000 * frames / wall,
            "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "detections": detections,
        }), flush=True)


if __name__ == "__main__":
    main()
