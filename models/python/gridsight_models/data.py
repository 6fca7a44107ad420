"""YOLO-layout datasets: images/<split>/*.jpg with labels/<split>/*.txt (cls cx cy w h, normalised).

Images are letterboxed the way the edge agent does it at inference time (scale to fit, centre,
pad with grey 114), so training sees exactly what deployment sees.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import torch

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
PAD_VALUE = 114


def list_split(root: Path, split: str) -> list[tuple[Path, Path]]:
    img_dir = root / "images" / split
    pairs = []
    for img in sorted(img_dir.iterdir()):
        if img.suffix.lower() in IMAGE_SUFFIXES:
            pairs.append((img, root / "labels" / split / (img.stem + ".txt")))
    return pairs


def read_labels(path: Path) -> np.ndarray:
    """[M, 5] cls cx cy w h (normalised); a missing file means no objects, as in YOLO tools."""
    if not path.exists():
        return np.zeros((0, 5), np.float32)
    rows = [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    arr = np.array(rows, np.float32).reshape(-1, 5)
    return arr


def letterbox(img: np.ndarray, size: int) -> tuple[np.ndarray, float, float, float]:
    h, w = img.shape[:2]
    r = min(size / w, size / h)
    nw, nh = round(w * r), round(h * r)
    px, py = (size - nw) / 2, (size - nh) / 2
    out = np.full((size, size, 3), PAD_VALUE, np.uint8)
    left, top = int(round(px - 0.1)), int(round(py - 0.1))
    out[top : top + nh, left : left + nw] = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_LINEAR)
    return out, r, left, top


def to_pixels(labels: np.ndarray, w: int, h: int) -> np.ndarray:
    """Normalised cx cy w h -> pixel xyxy."""
    cx, cy, bw, bh = labels[:, 1] * w, labels[:, 2] * h, labels[:, 3] * w, labels[:, 4] * h
    return np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], 1)


class YoloDataset(torch.utils.data.Dataset):
    def __init__(self, root: Path, split: str, imgsz: int, augment: bool, seed: int = 0, limit: int = 0, crop: int = 0):
        self.root, self.split = root, split
        self.imgsz = imgsz
        self.augment = augment
        self.crop = crop
        self.rng = np.random.default_rng(seed)
        self.pairs: list[tuple[Path, Path]] = []
        self.jpegs: list[np.ndarray] = []
        self.labels: list[np.ndarray] = []
        self.refresh(limit)

    def refresh(self, limit: int = 0) -> None:
        """Pick up scenes written since the last call (training may start while the generator runs).

        Only scenes whose label file exists are taken: the generator writes it last.
        """
        known = {p for p, _ in self.pairs}
        for img, lab in list_split(self.root, self.split):
            if limit and len(self.pairs) >= limit:
                break
            if img in known or not lab.exists():
                continue
            self.pairs.append((img, lab))
            self.jpegs.append(np.fromfile(str(img), np.uint8))
            self.labels.append(read_labels(lab))

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, i: int):
        img = cv2.imdecode(self.jpegs[i], cv2.IMREAD_COLOR)
        lab = self.labels[i]
        h, w = img.shape[:2]
        boxes = to_pixels(lab, w, h)
        cls = lab[:, 0].astype(np.int64)
        if self.augment:
            img, boxes, cls = self._augment(img, boxes, cls)
        lb, r, left, top = letterbox(img, self.imgsz)
        boxes = boxes * r + np.array([left, top, left, top], np.float32)
        if self.crop:
            lb, boxes, cls = self._crop(lb, boxes, cls)
        tensor = torch.from_numpy(lb[:, :, ::-1].transpose(2, 0, 1).copy())
        return tensor, torch.from_numpy(cls), torch.from_numpy(boxes.astype(np.float32))

    def _crop(self, img, boxes, cls):
        """A crop x crop window of the letterboxed input, usually around an object: objects keep the
        scale they have at inference time while each step costs a fraction of a full frame."""
        rng, c, size = self.rng, self.crop, self.imgsz
        if len(boxes) and rng.random() < 0.85:
            b = boxes[rng.integers(0, len(boxes))]
            cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
            x0 = int(np.clip(cx - rng.uniform(0.2, 0.8) * c, 0, size - c))
            y0 = int(np.clip(cy - rng.uniform(0.2, 0.8) * c, 0, size - c))
        else:
            x0, y0 = int(rng.integers(0, size - c + 1)), int(rng.integers(0, size - c + 1))
        img = img[y0 : y0 + c, x0 : x0 + c].copy()
        if len(boxes) == 0:
            return img, boxes, cls
        area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        moved = np.clip(boxes - np.array([x0, y0, x0, y0], np.float32), 0, c)
        inside = (moved[:, 2] - moved[:, 0]) * (moved[:, 3] - moved[:, 1])
        keep = inside >= 0.6 * area
        for b in moved[(~keep) & (inside > 0)]:
            img[int(b[1]) : int(np.ceil(b[3])), int(b[0]) : int(np.ceil(b[2]))] = PAD_VALUE
        return img, moved[keep], cls[keep]

    def _augment(self, img, boxes, cls):
        rng = self.rng
        h, w = img.shape[:2]
        if rng.random() < 0.5:
            img = img[:, ::-1]
            boxes = np.stack([w - boxes[:, 2], boxes[:, 1], w - boxes[:, 0], boxes[:, 3]], 1) if len(boxes) else boxes
        if rng.random() < 0.4:
            # Zoom into a window: objects get bigger, some get cut at the border like in real framing.
            s = rng.uniform(0.55, 0.9)
            cw, ch = int(w * s), int(h * s)
            x0, y0 = int(rng.uniform(0, w - cw)), int(rng.uniform(0, h - ch))
            img = img[y0 : y0 + ch, x0 : x0 + cw]
            if len(boxes):
                orig_area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
                boxes = boxes - np.array([x0, y0, x0, y0], np.float32)
                boxes = np.clip(boxes, 0, [cw, ch, cw, ch])
                area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
                keep = (area > 0.45 * orig_area) & (boxes[:, 2] - boxes[:, 0] > 3) & (boxes[:, 3] - boxes[:, 1] > 3)
                # A box cut to under 45 % of itself is dropped from the targets; grey it out so
                # the model is never taught that a visible half-object is background.
                for b in boxes[~keep]:
                    if (b[2] - b[0]) > 0 and (b[3] - b[1]) > 0:
                        img = img.copy()
                        img[int(b[1]) : int(np.ceil(b[3])), int(b[0]) : int(np.ceil(b[2]))] = PAD_VALUE
                boxes, cls = boxes[keep], cls[keep]
        img = np.ascontiguousarray(img)
        if rng.random() < 0.5:
            hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV).astype(np.float32)
            hsv[..., 0] = (hsv[..., 0] + rng.uniform(-6, 6)) % 180
            hsv[..., 1] *= rng.uniform(0.7, 1.3)
            hsv[..., 2] *= rng.uniform(0.6, 1.4)
            img = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2BGR)
        return img, boxes.astype(np.float32), cls


def collate(batch):
    imgs = torch.stack([b[0] for b in batch])
    return imgs, [(b[1], b[2]) for b in batch]
