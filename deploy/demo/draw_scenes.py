"""Draw scenes of the models pipeline's generated test split, with the camera that drew each.

    .venv/bin/python deploy/demo/draw_scenes.py OUT_DIR FIRST_SEED COUNT

Writes OUT_DIR/test_<seed>.jpg exactly as `python -m gridsight_models.generate` does (same seed,
same JPEG settings, so test_3000000.jpg equals models/heldout/images/test_3000000.jpg) and
OUT_DIR/test_<seed>.json with the labels and the camera's geometry, which the generator uses but
does not write out: the demo gives each edge-agent camera the pose of the scene it replays.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "models" / "python"))

from gridsight_models.scene import CLASSES, SIZES, Camera, generate_scene, object_records  # noqa: E402


def camera_of(seed: int) -> dict:
    # generate_scene draws the frame size and then the camera first from its seeded generator.
    rng = np.random.default_rng(seed)
    width, height = SIZES[int(rng.integers(0, len(SIZES)))]
    cam = Camera(rng, width, height)
    return {
        "heightM": cam.height_m,
        "pitchDeg": math.degrees(cam.pitch),
        # Positive yaw turns the optical axis left of the road's direction.
        "yawDeg": math.degrees(cam.yaw),
        "horizontalFovDeg": math.degrees(2 * math.atan((width / 2) / cam.f)),
        "verticalFovDeg": math.degrees(2 * math.atan((height / 2) / cam.f)),
    }


def main() -> None:
    out, first, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    for seed in range(first, first + count):
        name = f"test_{seed}"
        scene = generate_scene(seed)
        width, height = scene.params["size"]
        cv2.imwrite(str(out / f"{name}.jpg"), scene.image, [cv2.IMWRITE_JPEG_QUALITY, 92])
        labels = [
            {"kind": CLASSES[cls], "box": [x0 / width, y0 / height, (x1 - x0) / width, (y1 - y0) / height]}
            for cls, x0, y0, x1, y1 in scene.labels
        ]
        record = {"seed": seed, "size": [width, height], "camera": camera_of(seed), "labels": labels, "objects": object_records(scene), "params": scene.params}
        (out / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")


if __name__ == "__main__":
    main()
