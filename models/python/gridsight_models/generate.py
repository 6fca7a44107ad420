"""Write a synthetic dataset in the standard YOLO layout.

    python -m gridsight_models.generate OUT_DIR [--train N] [--val N] [--test N] [--workers N]

OUT_DIR/{images,labels}/{train,val,test}/NAME.{jpg,txt} and OUT_DIR/data.yaml, plus
OUT_DIR/objects/<split>/NAME.json listing every visible object, look-alike distractors included
(what the evaluation uses to name the confusions that matter; YOLO tools ignore it). Each split draws
its scenes from its own seed range, so validation and test scenes never share a seed with training.
Real photos exported from CVAT or Roboflow ("YOLO 1.1" / "YOLOv8") use the same layout and can be
mixed in or swapped in.
"""

from __future__ import annotations

import argparse
import json
import os
from multiprocessing import Pool
from pathlib import Path

import cv2

from .scene import CLASSES, generate_scene, object_records, yolo_lines

SPLIT_SEED_BASE = {"train": 1_000_000, "val": 2_000_000, "test": 3_000_000}


def write_one(job: tuple[str, str, int]) -> int:
    out, split, seed = job
    name = f"{split}_{seed}"
    label_path = os.path.join(out, "labels", split, name + ".txt")
    if os.path.exists(label_path):
        # Written last, by rename: its presence means this scene is complete (a re-run resumes).
        with open(label_path, encoding="utf-8") as fh:
            return sum(1 for line in fh if line.strip())
    scene = generate_scene(seed)
    cv2.imwrite(os.path.join(out, "images", split, name + ".jpg"), scene.image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    with open(os.path.join(out, "objects", split, name + ".json"), "w", encoding="utf-8") as fh:
        json.dump({"seed": seed, "params": scene.params, "objects": object_records(scene)}, fh)
    lines = yolo_lines(scene)
    with open(label_path + ".tmp", "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + ("\n" if lines else ""))
    os.replace(label_path + ".tmp", label_path)
    return len(scene.labels)


def write_data_yaml(out: Path, splits: list[str]) -> None:
    lines = [f"path: {out.resolve()}"]
    for split in splits:
        lines.append(f"{split}: images/{split}")
    lines.append(f"nc: {len(CLASSES)}")
    lines.append("names:")
    lines += [f"  {i}: {name}" for i, name in enumerate(CLASSES)]
    (out / "data.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--train", type=int, default=6000)
    ap.add_argument("--val", type=int, default=300)
    ap.add_argument("--test", type=int, default=300)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    # Imported here: the dev venv runs this module's tests without the training extras.
    from tqdm import tqdm

    out = Path(args.out)
    counts = {"train": args.train, "val": args.val, "test": args.test}
    jobs = []
    for split, n in counts.items():
        if n <= 0:
            continue
        (out / "images" / split).mkdir(parents=True, exist_ok=True)
        (out / "labels" / split).mkdir(parents=True, exist_ok=True)
        (out / "objects" / split).mkdir(parents=True, exist_ok=True)
        jobs += [(str(out), split, SPLIT_SEED_BASE[split] + i) for i in range(n)]
    # Held-out splits first: training can start on a partial train split while the rest is drawn.
    jobs.sort(key=lambda job: job[1] == "train")
    write_data_yaml(out, [s for s, n in counts.items() if n > 0])
    with Pool(args.workers) as pool:
        total = sum(tqdm(pool.imap_unordered(write_one, jobs, chunksize=8), total=len(jobs), desc="scenes"))
    print(f"wrote {len(jobs)} scenes with {total} labelled objects to {out}")


if __name__ == "__main__":
    main()
