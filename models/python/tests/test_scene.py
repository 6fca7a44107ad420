"""The generator's labels line up with what it drew (stdlib unittest: runs on the dev venv)."""

from __future__ import annotations

import os
import sys
import tempfile
import unittest
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gridsight_models.generate import write_data_yaml, write_one  # noqa: E402
from gridsight_models.scene import CLASSES, MANHOLE_OPEN, generate_scene, yolo_lines  # noqa: E402

SEEDS = range(4_000_000, 4_000_012)


class SceneLabelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scenes = [generate_scene(s) for s in SEEDS]

    def test_every_label_is_the_tight_box_of_its_objects_visible_pixels(self):
        for scene in self.scenes:
            labelled = [o for o in scene.objects if o.labelled]
            self.assertEqual(len(labelled), len(scene.labels))
            for o, (cls, x0, y0, x1, y1) in zip(labelled, scene.labels):
                self.assertEqual(o.cls, cls)
                ys, xs = np.nonzero(scene.owner == o.oid)
                self.assertEqual((x0, y0, x1, y1), (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1), f"seed {scene.params['seed']} {o.kind}")

    def test_labelled_objects_are_mostly_visible_and_never_tiny(self):
        for scene in self.scenes:
            for o in scene.objects:
                if o.labelled:
                    self.assertGreaterEqual(o.visible_fraction, 0.3)
                    x0, y0, x1, y1 = o.visible_box
                    self.assertGreaterEqual(min(x1 - x0, y1 - y0), 6)

    def test_objects_sit_where_the_camera_put_them(self):
        for scene in self.scenes:
            for o in scene.objects:
                if o.labelled and o.center_px is not None:
                    u, v = o.center_px
                    x0, y0, x1, y1 = o.visible_box
                    # Ground objects are centred on their point, upright ones stand on it.
                    self.assertTrue(x0 - 2 <= u <= x1 + 2 and y0 - 2 <= v <= y1 + 4, f"{o.kind} at {u:.0f},{v:.0f} outside {o.visible_box}")

    def test_an_open_manhole_is_darker_inside_than_the_road_around_it(self):
        checked = 0
        for scene in self.scenes:
            gray = cv2.cvtColor(scene.image, cv2.COLOR_BGR2GRAY).astype(np.float32)
            for o in scene.objects:
                if o.labelled and o.cls == MANHOLE_OPEN and o.visible_fraction > 0.9:
                    x0, y0, x1, y1 = (int(v) for v in o.visible_box)
                    w, h = x1 - x0, y1 - y0
                    inner = gray[y0 + h // 3 : y1 - h // 3, x0 + w // 3 : x1 - w // 3].mean()
                    ring = gray[max(0, y0 - h // 2) : y1 + h // 2, max(0, x0 - w // 2) : x1 + w // 2].mean()
                    self.assertLess(inner, ring, f"seed {scene.params['seed']}")
                    checked += 1
        self.assertGreater(checked, 0)

    def test_the_same_seed_draws_the_same_scene(self):
        a, b = generate_scene(SEEDS[0]), generate_scene(SEEDS[0])
        self.assertTrue(np.array_equal(a.image, b.image))
        self.assertEqual(a.labels, b.labels)

    def test_yolo_files_round_trip_to_the_drawn_boxes(self):
        with tempfile.TemporaryDirectory() as tmp:
            for d in ("images", "labels", "objects"):
                os.makedirs(os.path.join(tmp, d, "test"))
            write_data_yaml(Path(tmp), ["test"])
            self.assertIn("nc: 3", (Path(tmp) / "data.yaml").read_text())
            for seed, scene in zip(SEEDS, self.scenes):
                write_one((tmp, "test", seed))
                img = cv2.imread(os.path.join(tmp, "images", "test", f"test_{seed}.jpg"))
                h, w = img.shape[:2]
                self.assertEqual((w, h), scene.params["size"])
                lines = Path(tmp, "labels", "test", f"test_{seed}.txt").read_text().split("\n")
                lines = [line for line in lines if line]
                self.assertEqual(lines, yolo_lines(scene))
                for line, (cls, x0, y0, x1, y1) in zip(lines, scene.labels):
                    c, cx, cy, bw, bh = line.split()
                    self.assertEqual(int(c), cls)
                    self.assertLess(int(c), len(CLASSES))
                    self.assertAlmostEqual((float(cx) - float(bw) / 2) * w, x0, delta=0.01)
                    self.assertAlmostEqual((float(cy) + float(bh) / 2) * h, y1, delta=0.01)

    def test_scenes_cover_every_class_and_the_hard_conditions(self):
        classes = {c for s in self.scenes for c, *_ in s.labels}
        self.assertEqual(classes, {0, 1, 2})
        kinds = {o.kind for s in self.scenes for o in s.objects}
        self.assertTrue({"bin", "puddle", "grate"} <= kinds, kinds)
        self.assertGreater(len({s.params["time_of_day"] for s in self.scenes}), 2)


if __name__ == "__main__":
    unittest.main()
