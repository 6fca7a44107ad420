"""Export a checkpoint to ONNX in the Ultralytics YOLOv8 layout, with metadata, and check it.

    python -m gridsight_models.export RUN_DIR/best.pt OUT.onnx [--version 1.0.0]

Output `output0` [1, 4 + classes, anchors]: cx cy w h in input pixels, then per-class sigmoid
scores. Input `images` [1, 3, H, W], RGB 0..1, letterboxed with grey 114. Metadata properties (JSON
values): names, imgsz [h, w], stride, version, plus task, batch, description, license.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from datetime import datetime, timezone

import numpy as np
import onnx
import onnxruntime as ort
import torch

from .model import STRIDES, GridNet


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--opset", type=int, default=17)
    args = ap.parse_args()

    ckpt = torch.load(args.checkpoint, map_location="cpu", weights_only=True)
    names = ckpt["names"]
    imgsz = int(ckpt["imgsz"])
    model = GridNet(nc=len(names))
    model.load_state_dict(ckpt["model"])
    model.eval()
    model.export = True
    dummy = torch.rand(1, 3, imgsz, imgsz)
    torch.onnx.export(model, dummy, args.out, opset_version=args.opset, input_names=["images"], output_names=["output0"], do_constant_folding=True)

    proto = onnx.load(args.out)
    meta = {
        "name": "gridsight-detector",
        "description": "GridNet street-anomaly detector (garbage piles, open and covered manholes), trained on synthetic scenes",
        "author": "Gridsight",
        "license": "Apache-2.0",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "version": args.version,
        "task": "detect",
        "batch": "1",
        "stride": str(max(STRIDES)),
        "imgsz": json.dumps([imgsz, imgsz]),
        "names": json.dumps({str(i): n for i, n in enumerate(names)}),
        "epoch": str(ckpt.get("epoch", "")),
    }
    del proto.metadata_props[:]
    for k, v in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = k, v
    proto.producer_name = "gridsight-models"
    onnx.checker.check_model(proto)
    onnx.save(proto, args.out)

    sess = ort.InferenceSession(args.out, providers=["CPUExecutionProvider"])
    got = sess.run(None, {"images": dummy.numpy()})[0]
    with torch.no_grad():
        want = model(dummy).numpy()
    diff = float(np.abs(got - want).max())
    assert got.shape == (1, 4 + len(names), sum((imgsz // s) ** 2 for s in STRIDES)), got.shape
    assert diff < 1e-2, f"onnxruntime and torch disagree by {diff}"
    digest = hashlib.sha256(open(args.out, "rb").read()).hexdigest()
    print(json.dumps({"path": args.out, "output_shape": list(got.shape), "max_abs_diff_vs_torch": diff, "sha256": digest, "metadata": meta}, indent=1))


if __name__ == "__main__":
    main()
