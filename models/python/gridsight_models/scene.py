"""Seeded synthetic street scenes: a pinhole camera on a pole looking down a road.

Ground-plane things (manholes, grates, puddles, painted circles) are drawn on a top-down texture in
metres and warped into the image by the camera's homography, so perspective is exact. Upright
things (garbage piles, bins, bags, boxes, tyres, barriers, cars, people, poles) are drawn in image
space at their ground point, scaled by depth, far to near. Every pixel keeps the id of the object
that painted it last, so a label is the box of what is still visible after occlusion, which is
what a human annotator would draw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

CLASSES = ("garbage_pile", "manhole_open", "manhole_covered")
GARBAGE, MANHOLE_OPEN, MANHOLE_COVERED = 0, 1, 2
# Below this share of its own pixels still visible, an object is too hidden to label fairly.
MIN_VISIBLE_FRACTION = 0.3
MIN_BOX_PX = 6
SIZES = ((640, 360), (640, 480), (800, 450))
PX_PER_M = 40.0
WORLD_X = (-11.0, 11.0)
WORLD_Y = (1.0, 32.0)


@dataclass
class SceneObject:
    oid: int
    cls: int | None  # None: a distractor or occluder, never labelled
    kind: str
    full_area: int = 0
    center_px: tuple[float, float] | None = None
    visible_box: tuple[float, float, float, float] | None = None  # pixels, x0 y0 x1 y1
    visible_fraction: float = 0.0
    labelled: bool = False


@dataclass
class Scene:
    image: np.ndarray  # BGR uint8, final (lit, blurred, noisy, JPEG round-tripped)
    owner: np.ndarray  # int32 id of the object that painted each pixel, 0 for background
    objects: list[SceneObject]
    labels: list[tuple[int, float, float, float, float]]  # cls, x0, y0, x1, y1 in pixels
    params: dict = field(default_factory=dict)


class Camera:
    def __init__(self, rng: np.random.Generator, width: int, height: int):
        self.w, self.h = width, height
        self.height_m = rng.uniform(3.5, 8.0)
        self.pitch = math.radians(rng.uniform(18.0, 42.0))
        self.yaw = math.radians(rng.uniform(-15.0, 15.0))
        hfov = math.radians(rng.uniform(50.0, 75.0))
        self.f = (width / 2) / math.tan(hfov / 2)
        self.cx, self.cy = width / 2, height / 2

    def to_cam(self, x: float, y: float, z: float) -> tuple[float, float, float]:
        cy, sy = math.cos(self.yaw), math.sin(self.yaw)
        x1 = cy * x + sy * y
        y1 = -sy * x + cy * y
        cp, sp = math.cos(self.pitch), math.sin(self.pitch)
        dz = z - self.height_m
        return x1, -sp * y1 - cp * dz, cp * y1 - sp * dz

    def project(self, x: float, y: float, z: float = 0.0) -> tuple[float, float, float]:
        xc, yc, zc = self.to_cam(x, y, z)
        zc = max(zc, 1e-3)
        return self.cx + self.f * xc / zc, self.cy + self.f * yc / zc, zc

    def ground_homography(self) -> np.ndarray:
        """Texture pixel (u, v) of the top-down ground map -> image pixel."""
        world = [(WORLD_X[0], WORLD_Y[0]), (WORLD_X[1], WORLD_Y[0]), (WORLD_X[1], WORLD_Y[1]), (WORLD_X[0], WORLD_Y[1])]
        src = np.float32([texture_px(x, y) for x, y in world])
        dst = np.float32([self.project(x, y)[:2] for x, y in world])
        return cv2.getPerspectiveTransform(src, dst)

    def px_per_m(self, x: float, y: float) -> float:
        return self.f / self.project(x, y)[2]

    def sees(self, x: float, y: float, margin: float = 0.0) -> bool:
        u, v, zc = self.project(x, y)
        return zc > 0.5 and -margin <= u < self.w + margin and -margin <= v < self.h + margin


def texture_px(x: float, y: float) -> tuple[float, float]:
    return (x - WORLD_X[0]) * PX_PER_M, (WORLD_Y[1] - y) * PX_PER_M


def texture_size() -> tuple[int, int]:
    return int((WORLD_X[1] - WORLD_X[0]) * PX_PER_M), int((WORLD_Y[1] - WORLD_Y[0]) * PX_PER_M)


def smooth_noise(rng: np.random.Generator, h: int, w: int, scale: int) -> np.ndarray:
    small = rng.standard_normal((max(2, h // scale), max(2, w // scale))).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def jitter(rng: np.random.Generator, bgr: tuple[float, float, float], amount: float = 18.0) -> tuple[int, int, int]:
    return tuple(int(np.clip(c + rng.uniform(-amount, amount), 0, 255)) for c in bgr)


class Painter:
    """Paints colour and ownership together so that labels follow what was drawn."""

    def __init__(self, image: np.ndarray, owner: np.ndarray):
        self.image, self.owner = image, owner
        self.full_area: dict[int, int] = {}

    def _fill_roi(self, oid: int, x0: int, y0: int, mask: np.ndarray, color: tuple[int, int, int]) -> None:
        h, w = self.owner.shape
        x1, y1 = min(w, x0 + mask.shape[1]), min(h, y0 + mask.shape[0])
        cx0, cy0 = max(0, x0), max(0, y0)
        if x1 <= cx0 or y1 <= cy0:
            return
        m = mask[cy0 - y0 : y1 - y0, cx0 - x0 : x1 - x0] > 0
        self.image[cy0:y1, cx0:x1][m] = color
        if oid:
            self.owner[cy0:y1, cx0:x1][m] = oid
            self.full_area[oid] = self.full_area.get(oid, 0) + int(m.sum())

    def poly(self, oid: int, pts: np.ndarray, color: tuple[int, int, int]) -> None:
        ipts = np.round(pts).astype(np.int32)
        x0, y0 = ipts.min(axis=0) - 1
        x1, y1 = ipts.max(axis=0) + 2
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillPoly(mask, [ipts - [x0, y0]], 255, lineType=cv2.LINE_8)
        self._fill_roi(oid, int(x0), int(y0), mask, color)

    def ellipse(self, oid: int, c: tuple[float, float], axes: tuple[float, float], color: tuple[int, int, int]) -> None:
        ax, ay = max(1, int(round(axes[0]))), max(1, int(round(axes[1])))
        cx, cy = int(round(c[0])), int(round(c[1]))
        mask = np.zeros((2 * ay + 3, 2 * ax + 3), np.uint8)
        cv2.ellipse(mask, (ax + 1, ay + 1), (ax, ay), 0, 0, 360, 255, -1)
        self._fill_roi(oid, cx - ax - 1, cy - ay - 1, mask, color)


def blob(rng: np.random.Generator, cx: float, cy: float, rx: float, ry: float, n: int = 14, rough: float = 0.25) -> np.ndarray:
    ang = np.sort(rng.uniform(0, 2 * np.pi, n))
    r = 1.0 + rng.uniform(-rough, rough, n)
    return np.stack([cx + rx * r * np.cos(ang), cy + ry * r * np.sin(ang)], axis=1)


# ---------------------------------------------------------------- ground texture

def draw_ground(rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    tw, th = texture_size()
    road_half = rng.uniform(3.0, 6.0)
    road_off = rng.uniform(-2.0, 2.0)
    base = rng.uniform(65, 115)
    tex = np.full((th, tw, 3), base, np.float32)
    tex += (smooth_noise(rng, th, tw, 40) * 8 + smooth_noise(rng, th, tw, 4) * 6 + rng.standard_normal((th, tw), dtype=np.float32) * 7)[..., None]
    tint = rng.uniform(-6, 6, 3).astype(np.float32)
    tex += tint
    x_px = lambda x: int((x - WORLD_X[0]) * PX_PER_M)  # noqa: E731
    left, right = x_px(road_off - road_half), x_px(road_off + road_half)
    # Pavement: paving stones on both sides of the curb.
    pav = rng.uniform(120, 175)
    for x0, x1 in ((0, left), (right, tw)):
        if x1 <= x0:
            continue
        tex[:, x0:x1] = pav + rng.uniform(-10, 10, 3).astype(np.float32) + smooth_noise(rng, th, x1 - x0, 30)[..., None] * 6
        step = int(rng.uniform(0.3, 0.6) * PX_PER_M)
        tex[:, x0:x1:step] *= 0.75
        tex[::step, x0:x1] *= 0.75
    for edge in (left, right):
        tex[:, max(0, edge - 6) : edge + 6] = rng.uniform(150, 200)
    # Lane markings, cracks and asphalt patches.
    lane_color = (235, 235, 235) if rng.random() < 0.7 else (40, 200, 230)
    dash, gap = int(rng.uniform(2, 4) * PX_PER_M), int(rng.uniform(2, 6) * PX_PER_M)
    cxl = x_px(road_off)
    for y0 in range(int(rng.uniform(0, gap)), th, dash + gap):
        cv2.rectangle(tex, (cxl - 4, y0), (cxl + 4, y0 + dash), lane_color, -1)
    if rng.random() < 0.3:
        yc = int(rng.uniform(0.3, 0.8) * th)
        for sx in range(left + 10, right - 10, 40):
            cv2.rectangle(tex, (sx, yc), (sx + 20, yc + 120), (225, 225, 225), -1)
    for _ in range(rng.integers(3, 12)):
        pts = np.cumsum(rng.normal(0, 15, (rng.integers(4, 12), 2)), axis=0) + [rng.uniform(left, right), rng.uniform(0, th)]
        cv2.polylines(tex, [pts.astype(np.int32)], False, (base * 0.5,) * 3, int(rng.integers(1, 3)))
    for _ in range(rng.integers(0, 4)):
        x0, y0 = rng.uniform(left, right), rng.uniform(0, th)
        cv2.rectangle(tex, (int(x0), int(y0)), (int(x0 + rng.uniform(40, 160)), int(y0 + rng.uniform(40, 200))), (base * rng.uniform(0.7, 0.9),) * 3, -1)
    return np.clip(tex, 0, 255).astype(np.uint8), {"road": (road_off - road_half, road_off + road_half)}


def ground_manhole(rng, tex, ids, oid, x, y, is_open):
    u, v = texture_px(x, y)
    r = rng.uniform(0.3, 0.42) * PX_PER_M
    rim = r * rng.uniform(1.1, 1.22)
    c = (int(u), int(v))
    rim_color = jitter(rng, (125, 125, 125), 30)
    cv2.circle(tex, c, int(rim), rim_color, -1)
    cv2.circle(ids, c, int(rim), oid, -1)
    if is_open:
        ri = int(r) + 1
        roi = tex[c[1] - ri : c[1] + ri + 1, c[0] - ri : c[0] + ri + 1]
        hole = np.zeros(roi.shape[:2], np.uint8)
        cv2.circle(hole, (ri, ri), int(r), 255, -1)
        yy = np.mgrid[0 : roi.shape[0], 0 : roi.shape[1]][0] - ri
        # The far inner wall catches some light; the near side of the shaft is black.
        grad = np.clip(0.5 - yy / (2 * r), 0, 1)
        depth_col = rng.uniform(8, 28) + grad * rng.uniform(20, 55)
        m = hole > 0
        roi[m] = np.clip(depth_col[m][:, None] * np.array([1.0, 1.0, 1.05]) + rng.normal(0, 3, (int(m.sum()), 1)), 0, 255).astype(np.uint8)
        for k in range(int(rng.integers(0, 4))):
            yk = int(v - r * 0.6 + k * r * 0.35)
            cv2.line(tex, (int(u - r * 0.25), yk), (int(u + r * 0.25), yk), (70, 80, 90), 2)
    else:
        cover = jitter(rng, (70, 72, 75), 20)
        cv2.circle(tex, c, int(r), cover, -1)
        style = rng.integers(0, 3)
        light = tuple(min(255, ch + 35) for ch in cover)
        if style == 0:
            for k in range(-int(r), int(r), 8):
                cv2.line(tex, (int(u + k), int(v - r)), (int(u + k), int(v + r)), light, 2)
                cv2.line(tex, (int(u - r), int(v + k)), (int(u + r), int(v + k)), light, 2)
        elif style == 1:
            for rr in np.linspace(r * 0.25, r * 0.9, 4):
                cv2.circle(tex, c, int(rr), light, 2)
        else:
            for a in np.linspace(0, np.pi, 6, endpoint=False):
                dx, dy = r * math.cos(a), r * math.sin(a)
                cv2.line(tex, (int(u - dx), int(v - dy)), (int(u + dx), int(v + dy)), light, 2)
        cv2.circle(tex, c, int(r), rim_color, 2)
    return rim / PX_PER_M


def ground_distractor(rng, tex, ids, oid, x, y, kind):
    u, v = texture_px(x, y)
    c = (int(u), int(v))
    if kind == "grate":
        w, h = rng.uniform(0.4, 0.8) * PX_PER_M, rng.uniform(0.3, 0.5) * PX_PER_M
        cv2.rectangle(tex, (int(u - w / 2), int(v - h / 2)), (int(u + w / 2), int(v + h / 2)), (30, 30, 32), -1)
        for k in np.arange(u - w / 2 + 3, u + w / 2, 7):
            cv2.line(tex, (int(k), int(v - h / 2)), (int(k), int(v + h / 2)), (95, 95, 100), 2)
        cv2.rectangle(ids, (int(u - w / 2), int(v - h / 2)), (int(u + w / 2), int(v + h / 2)), oid, -1)
    elif kind == "painted_circle":
        r = rng.uniform(0.3, 0.7) * PX_PER_M
        col = (235, 235, 235) if rng.random() < 0.6 else (40, 200, 230)
        cv2.circle(tex, c, int(r), col, int(rng.uniform(3, 8)))
        cv2.circle(ids, c, int(r), oid, 6)
    elif kind == "puddle":
        pts = blob(rng, u, v, rng.uniform(0.4, 1.2) * PX_PER_M, rng.uniform(0.3, 0.8) * PX_PER_M, 16, 0.35)
        x0, y0 = pts.min(axis=0).astype(int) - 1
        x1, y1 = pts.max(axis=0).astype(int) + 2
        x0, y0 = max(0, x0), max(0, y0)
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillPoly(mask, [(pts - [x0, y0]).astype(np.int32)], 255)
        m = mask > 0
        roi = tex[y0:y1, x0:x1]
        m = m[: roi.shape[0], : roi.shape[1]]
        sky = np.array(jitter(rng, (120, 100, 85), 40), np.float32)
        roi[m] = np.clip(roi[m] * rng.uniform(0.3, 0.6) + sky * rng.uniform(0.1, 0.5), 0, 255).astype(np.uint8)
        ids[y0:y1, x0:x1][m] = oid
    elif kind == "dark_patch":
        r = rng.uniform(0.3, 0.45) * PX_PER_M
        cv2.ellipse(tex, c, (int(r), int(r * rng.uniform(0.7, 1.0))), 0, 0, 360, (int(rng.uniform(25, 55)),) * 3, -1)
        cv2.circle(ids, c, int(r), oid, -1)


# ---------------------------------------------------------------- upright things in image space

def draw_bag(rng, p: Painter, oid, cx, cy, s, color=None):
    color = color or jitter(rng, [(25, 25, 25), (200, 200, 195), (150, 80, 30), (40, 110, 40), (30, 30, 120)][rng.integers(0, 5)], 15)
    pts = blob(rng, cx, cy - s * 0.45, s * 0.5, s * 0.45, 12, 0.18)
    p.poly(oid, pts, color)
    hl = tuple(min(255, int(ch * 1.3 + 25)) for ch in color)
    p.ellipse(oid, (cx - s * 0.15, cy - s * 0.6), (s * 0.12, s * 0.08), hl)
    p.poly(oid, np.array([[cx - s * 0.06, cy - s * 0.88], [cx + s * 0.06, cy - s * 0.88], [cx, cy - s * 1.05]]), color)


def draw_box(rng, p: Painter, oid, cx, cy, s):
    col = jitter(rng, (70, 120, 165), 20)
    w, h, d = s * rng.uniform(0.7, 1.1), s * rng.uniform(0.5, 0.9), s * rng.uniform(0.2, 0.4)
    p.poly(oid, np.array([[cx - w / 2, cy], [cx + w / 2, cy], [cx + w / 2, cy - h], [cx - w / 2, cy - h]]), col)
    top = tuple(min(255, int(ch * 1.25)) for ch in col)
    p.poly(oid, np.array([[cx - w / 2, cy - h], [cx + w / 2, cy - h], [cx + w / 2 + d, cy - h - d], [cx - w / 2 + d, cy - h - d]]), top)
    side = tuple(int(ch * 0.7) for ch in col)
    p.poly(oid, np.array([[cx + w / 2, cy], [cx + w / 2 + d, cy - d], [cx + w / 2 + d, cy - h - d], [cx + w / 2, cy - h]]), side)
    if rng.random() < 0.5:
        x = int(cx - w * 0.1)
        cv2.line(p.image, (x, int(cy - h)), (x, int(cy)), (40, 170, 200), max(1, int(s * 0.05)))


def draw_garbage_pile(rng, p: Painter, oid, cx, cy, k):
    """k: pixels per metre at the pile's ground point."""
    width_m = rng.uniform(0.7, 2.6)
    w = width_m * k
    h = w * rng.uniform(0.35, 0.7)
    style = rng.integers(0, 4)  # bags, mixed, cardboard-heavy, loose debris and green waste
    mound = jitter(rng, [(50, 60, 70), (45, 75, 60), (60, 60, 60), (40, 55, 85)][style], 15)
    pts = blob(rng, cx, cy - h * 0.35, w * 0.5, h * 0.45, 18, 0.22)
    pts[:, 1] = np.minimum(pts[:, 1], cy)
    p.poly(oid, pts, mound)
    n = int(rng.integers(6, 26))
    items = []
    for _ in range(n):
        ix = cx + rng.uniform(-0.45, 0.45) * w
        iy = cy - rng.uniform(0.0, 0.6) * h * (1 - abs(ix - cx) / w)
        items.append((iy, ix))
    for iy, ix in sorted(items):
        s = rng.uniform(0.18, 0.4) * k
        r = rng.random()
        bag_share = [0.8, 0.5, 0.2, 0.25][style]
        box_share = [0.1, 0.3, 0.7, 0.1][style]
        if r < bag_share:
            draw_bag(rng, p, oid, ix, iy, s)
        elif r < bag_share + box_share:
            draw_box(rng, p, oid, ix, iy, s * 0.8)
        else:
            col = jitter(rng, [(60, 140, 60), (200, 200, 200), (30, 90, 160), (120, 40, 40)][rng.integers(0, 4)], 40)
            p.poly(oid, blob(rng, ix, iy - s * 0.2, s * 0.4, s * 0.2, 6, 0.6), col)


def draw_bin(rng, p: Painter, oid, cx, cy, k):
    col = jitter(rng, [(40, 110, 40), (90, 90, 90), (140, 70, 20), (30, 30, 30), (20, 60, 160)][rng.integers(0, 5)], 15)
    w, h = rng.uniform(0.5, 0.75) * k, rng.uniform(0.9, 1.25) * k
    p.poly(oid, np.array([[cx - w * 0.45, cy], [cx + w * 0.45, cy], [cx + w / 2, cy - h], [cx - w / 2, cy - h]]), col)
    lid = tuple(int(ch * 0.75) for ch in col)
    p.poly(oid, np.array([[cx - w * 0.55, cy - h], [cx + w * 0.55, cy - h], [cx + w * 0.5, cy - h * 1.08], [cx - w * 0.5, cy - h * 1.08]]), lid)
    for sx in (-0.3, 0.3):
        p.ellipse(oid, (cx + sx * w, cy), (w * 0.1, w * 0.1), (20, 20, 20))
    if rng.random() < 0.3:
        draw_bag(rng, p, oid, cx + w * 0.6, cy, 0.45 * k)


def draw_tyre(rng, p: Painter, oid, cx, cy, k):
    r = rng.uniform(0.28, 0.38) * k
    if rng.random() < 0.5:
        p.ellipse(oid, (cx, cy - r), (r * 0.45, r), (25, 25, 25))
        p.ellipse(oid, (cx, cy - r), (r * 0.2, r * 0.55), (60, 60, 60))
    else:
        flat = rng.uniform(0.3, 0.6)
        p.ellipse(oid, (cx, cy - r * flat), (r, r * flat), (22, 22, 22))
        p.ellipse(oid, (cx, cy - r * flat), (r * 0.55, r * flat * 0.55), jitter(rng, (80, 80, 80), 20))


def draw_cone(rng, p: Painter, oid, cx, cy, k):
    h, w = 0.7 * k, 0.35 * k
    p.poly(oid, np.array([[cx - w / 2, cy], [cx + w / 2, cy], [cx, cy - h]]), (20, 100, 240))
    p.poly(oid, np.array([[cx - w * 0.3, cy - h * 0.4], [cx + w * 0.3, cy - h * 0.4], [cx + w * 0.2, cy - h * 0.6], [cx - w * 0.2, cy - h * 0.6]]), (240, 240, 240))


def draw_barrier(rng, p: Painter, oid, x0, y0, x1, y1, k):
    h = 1.0 * k
    for x, y in ((x0, y0), (x1, y1)):
        p.poly(oid, np.array([[x - 0.03 * k, y], [x + 0.03 * k, y], [x + 0.03 * k, y - h], [x - 0.03 * k, y - h]]), (200, 200, 200))
    n = 6
    for i in range(n):
        t0, t1 = i / n, (i + 1) / n
        col = (30, 30, 220) if i % 2 == 0 else (240, 240, 240)
        a = (x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0)
        b = (x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1)
        p.poly(oid, np.array([[a[0], a[1] - h * 0.95], [b[0], b[1] - h * 0.95], [b[0], b[1] - h * 0.75], [a[0], a[1] - h * 0.75]]), col)


def draw_car(rng, p: Painter, oid, cx, cy, k):
    col = jitter(rng, [(200, 200, 200), (30, 30, 30), (40, 40, 160), (150, 90, 30), (120, 120, 120)][rng.integers(0, 5)], 20)
    w, h = rng.uniform(1.7, 4.2) * k, 1.45 * k
    p.poly(oid, np.array([[cx - w / 2, cy - 0.15 * k], [cx + w / 2, cy - 0.15 * k], [cx + w / 2, cy - h * 0.55], [cx - w / 2, cy - h * 0.55]]), col)
    p.poly(oid, np.array([[cx - w * 0.35, cy - h * 0.55], [cx + w * 0.35, cy - h * 0.55], [cx + w * 0.25, cy - h], [cx - w * 0.25, cy - h]]), col)
    p.poly(oid, np.array([[cx - w * 0.3, cy - h * 0.6], [cx + w * 0.3, cy - h * 0.6], [cx + w * 0.22, cy - h * 0.93], [cx - w * 0.22, cy - h * 0.93]]), (90, 70, 60))
    for sx in (-0.33, 0.33):
        p.ellipse(oid, (cx + sx * w, cy - 0.15 * k), (0.33 * k, 0.2 * k), (15, 15, 15))


def draw_person(rng, p: Painter, oid, cx, cy, k):
    h = rng.uniform(1.55, 1.9) * k
    col = jitter(rng, (rng.uniform(20, 200), rng.uniform(20, 200), rng.uniform(20, 200)), 5)
    p.poly(oid, np.array([[cx - 0.12 * k, cy], [cx + 0.12 * k, cy], [cx + 0.1 * k, cy - h * 0.5], [cx - 0.1 * k, cy - h * 0.5]]), (50, 40, 40))
    p.poly(oid, np.array([[cx - 0.2 * k, cy - h * 0.48], [cx + 0.2 * k, cy - h * 0.48], [cx + 0.18 * k, cy - h * 0.85], [cx - 0.18 * k, cy - h * 0.85]]), col)
    p.ellipse(oid, (cx, cy - h * 0.92), (0.1 * k, 0.12 * k), jitter(rng, (120, 150, 190), 40))


def draw_pole(rng, p: Painter, oid, cx, cy, k):
    w = rng.uniform(0.12, 0.25) * k
    p.poly(oid, np.array([[cx - w / 2, cy], [cx + w / 2, cy], [cx + w / 2, -5], [cx - w / 2, -5]]), jitter(rng, (90, 95, 100), 30))


def draw_background(rng, h, w):
    img = np.zeros((h, w, 3), np.float32)
    top = np.array(jitter(rng, (200, 170, 140), 40), np.float32)
    img[:] = top
    for _ in range(int(rng.integers(2, 6))):
        x0 = int(rng.uniform(-0.2, 0.9) * w)
        bw = int(rng.uniform(0.2, 0.5) * w)
        btop = int(rng.uniform(-0.2, 0.6) * h)
        col = np.array(jitter(rng, (110, 120, 140), 45), np.float32)
        img[max(0, btop) :, max(0, x0) : x0 + bw] = col
        for wy in range(max(0, btop) + 8, h, 22):
            for wx in range(max(0, x0) + 6, min(w, x0 + bw) - 10, 20):
                img[wy : wy + 10, wx : wx + 8] = col * 0.5 + rng.uniform(0, 60)
    return img.astype(np.uint8)


# ---------------------------------------------------------------- lighting, weather, camera

def apply_conditions(rng, img: np.ndarray, cam: Camera, params: dict) -> np.ndarray:
    f = img.astype(np.float32)
    h, w = f.shape[:2]
    tod = params["time_of_day"]
    if tod in ("noon", "afternoon") and rng.random() < 0.6:
        # A building's shadow across part of the street.
        shadow = np.zeros((h, w), np.float32)
        x0 = rng.uniform(-0.5, 1.0) * w
        pts = np.array([[x0, -10], [x0 + rng.uniform(0.3, 1.2) * w, -10], [x0 + rng.uniform(-0.4, 1.2) * w, h + 10], [x0 + rng.uniform(-0.8, 0.2) * w, h + 10]])
        cv2.fillPoly(shadow, [pts.astype(np.int32)], 1.0)
        shadow = cv2.GaussianBlur(shadow, (0, 0), rng.uniform(1, 4))
        f *= (1 - shadow * rng.uniform(0.3, 0.55))[..., None]
    gain = {"noon": rng.uniform(1.0, 1.25), "afternoon": rng.uniform(0.8, 1.0), "dusk": rng.uniform(0.45, 0.7), "night": rng.uniform(0.18, 0.32)}[tod]
    tint = {"noon": (1.0, 1.0, 1.0), "afternoon": (0.9, 0.97, 1.05), "dusk": (1.05, 0.9, 0.95), "night": (1.1, 1.0, 0.9)}[tod]
    f *= gain * np.array(tint, np.float32)
    if tod in ("dusk", "night"):
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        for _ in range(int(rng.integers(1, 4))):
            lx, ly = rng.uniform(0, w), rng.uniform(0.3, 1.0) * h
            sigma = rng.uniform(0.15, 0.45) * w
            pool = np.exp(-((xx - lx) ** 2 + ((yy - ly) * 1.6) ** 2) / (2 * sigma**2))
            f += pool[..., None] * np.array([60, 120, 170], np.float32) * rng.uniform(0.5, 1.0) * (f / (gain * 255) + 0.35)
    if params["rain"]:
        f = f * 0.85 + 18
        for _ in range(int(rng.integers(80, 300))):
            x, y = rng.uniform(0, w), rng.uniform(0, h)
            ln = rng.uniform(6, 18)
            cv2.line(f, (int(x), int(y)), (int(x + ln * 0.15), int(y + ln)), (200, 200, 200), 1)
        sheen = cv2.GaussianBlur(np.clip(f - 150, 0, None), (0, 0), 6)
        f += np.roll(sheen, int(h * 0.04), axis=0) * 0.5
    f = np.clip(f, 0, 255)
    if rng.random() < 0.5:
        f = cv2.GaussianBlur(f, (0, 0), rng.uniform(0.4, 1.4))
    elif rng.random() < 0.3:
        n = int(rng.integers(3, 8))
        kernel = np.zeros((n, n), np.float32)
        kernel[n // 2, :] = 1.0 / n
        rot = cv2.getRotationMatrix2D((n / 2 - 0.5, n / 2 - 0.5), rng.uniform(0, 180), 1.0)
        kernel = cv2.warpAffine(kernel, rot, (n, n))
        f = cv2.filter2D(f, -1, kernel / max(kernel.sum(), 1e-6))
    noise = {"noon": 3, "afternoon": 4, "dusk": 7, "night": 11}[tod] * rng.uniform(0.5, 1.4)
    f += rng.normal(0, noise, f.shape).astype(np.float32)
    out = np.clip(f, 0, 255).astype(np.uint8)
    ok, jpg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(35, 95))])
    assert ok
    return cv2.imdecode(jpg, cv2.IMREAD_COLOR)


# ---------------------------------------------------------------- the scene

def _sample_ground_point(rng, cam: Camera, road: tuple[float, float], on_road: float, margin_px: float = 20.0, min_px_per_m: float = 26.0):
    for _ in range(60):
        if rng.random() < on_road:
            x = rng.uniform(road[0] + 0.5, road[1] - 0.5)
        else:
            x = rng.uniform(WORLD_X[0] + 1, WORLD_X[1] - 1)
        y = WORLD_Y[0] + 1.5 + 20.0 * rng.random() ** 1.6
        u, v, _ = cam.project(x, y)
        if margin_px <= u < cam.w - margin_px and cam.h * 0.15 <= v < cam.h - margin_px and min_px_per_m <= cam.px_per_m(x, y) <= 110:
            return x, y
    return None


def generate_scene(seed: int) -> Scene:
    rng = np.random.default_rng(seed)
    width, height = SIZES[int(rng.integers(0, len(SIZES)))]
    cam = Camera(rng, width, height)
    params = {
        "seed": seed,
        "size": (width, height),
        "time_of_day": ["noon", "afternoon", "dusk", "night"][int(rng.choice(4, p=[0.3, 0.3, 0.2, 0.2]))],
        "rain": bool(rng.random() < 0.25),
    }
    objects: list[SceneObject] = []
    next_id = [1]

    def new_obj(cls, kind):
        o = SceneObject(next_id[0], cls, kind)
        next_id[0] += 1
        objects.append(o)
        return o

    tex, info = draw_ground(rng)
    ids = np.zeros(tex.shape[:2], np.int32)
    road = info["road"]
    placed: list[tuple[float, float, float]] = []

    def free(x, y, r):
        return all((x - px) ** 2 + (y - py) ** 2 > (r + pr) ** 2 for px, py, pr in placed)

    empty_scene = rng.random() < 0.08
    n_open = 0 if empty_scene else int(rng.choice(4, p=[0.35, 0.45, 0.15, 0.05]))
    n_cov = 0 if empty_scene else int(rng.choice(4, p=[0.35, 0.4, 0.2, 0.05]))
    n_pile = 0 if empty_scene else int(rng.choice(4, p=[0.35, 0.4, 0.2, 0.05]))
    barriers: list[tuple[float, float]] = []
    for cls, n in ((MANHOLE_OPEN, n_open), (MANHOLE_COVERED, n_cov)):
        for _ in range(n):
            pt = _sample_ground_point(rng, cam, road, 0.75, 30, 34.0)
            if pt is None or not free(*pt, 0.9):
                continue
            o = new_obj(cls, CLASSES[cls])
            rim = ground_manhole(rng, tex, ids, o.oid, pt[0], pt[1], cls == MANHOLE_OPEN)
            placed.append((pt[0], pt[1], rim + 0.3))
            o.center_px = cam.project(*pt)[:2]
            if cls == MANHOLE_OPEN and rng.random() < 0.45:
                barriers.append(pt)
    for kind in rng.choice(["grate", "painted_circle", "puddle", "dark_patch", "grate", "puddle"], int(rng.integers(1, 6))):
        pt = _sample_ground_point(rng, cam, road, 0.7, 10)
        if pt is None or not free(*pt, 0.8):
            continue
        o = new_obj(None, str(kind))
        ground_distractor(rng, tex, ids, o.oid, pt[0], pt[1], kind)
        placed.append((pt[0], pt[1], 0.8))

    H = cam.ground_homography()
    img = draw_background(rng, height, width)
    ground = cv2.warpPerspective(tex, H, (width, height), flags=cv2.INTER_LINEAR)
    coverage = cv2.warpPerspective(np.full(tex.shape[:2], 255, np.uint8), H, (width, height), flags=cv2.INTER_NEAREST)
    owner = cv2.warpPerspective(ids.astype(np.float32), H, (width, height), flags=cv2.INTER_NEAREST).astype(np.int32)
    m = coverage > 0
    img[m] = ground[m]
    owner[~m] = 0
    p = Painter(img, owner)
    for o in objects:
        p.full_area[o.oid] = int((owner == o.oid).sum())

    upright: list[tuple[float, str, float, float, SceneObject | None]] = []
    for _ in range(n_pile):
        pt = _sample_ground_point(rng, cam, road, 0.4, 40)
        if pt is None or not free(*pt, 1.4):
            continue
        placed.append((pt[0], pt[1], 1.4))
        upright.append((pt[1], "garbage_pile", *pt, new_obj(GARBAGE, "garbage_pile")))
    for kind in rng.choice(["bin", "bag", "box", "tyre", "bin", "bag"], int(rng.integers(1, 7))):
        pt = _sample_ground_point(rng, cam, road, 0.4, 20)
        if pt is None or not free(*pt, 0.7):
            continue
        placed.append((pt[0], pt[1], 0.7))
        upright.append((pt[1], str(kind), *pt, new_obj(None, str(kind))))
    for bx, by in barriers:
        if rng.random() < 0.5:
            for a in rng.uniform(0, 2 * np.pi, int(rng.integers(2, 5))):
                upright.append((by + 0.75 * math.sin(a), "cone", bx + 0.75 * math.cos(a), by + 0.75 * math.sin(a), new_obj(None, "cone")))
        else:
            upright.append((by - 0.9, "barrier", bx, by - 0.9, new_obj(None, "barrier")))
    for kind in rng.choice(["car", "person", "pole", "person"], int(rng.integers(0, 5))):
        pt = _sample_ground_point(rng, cam, road, 0.5 if kind == "car" else 0.2, -200)
        if pt is None or not free(*pt, 2.2 if kind == "car" else 0.4):
            continue
        upright.append((pt[1], str(kind), *pt, new_obj(None, str(kind))))

    drawers = {"bin": draw_bin, "tyre": draw_tyre, "cone": draw_cone, "car": draw_car, "person": draw_person, "pole": draw_pole, "garbage_pile": draw_garbage_pile}
    for _, kind, x, y, o in sorted(upright, key=lambda t: -t[0]):
        u, v, _ = cam.project(x, y)
        k = cam.px_per_m(x, y)
        if params["time_of_day"] in ("noon", "afternoon") and kind not in ("pole",):
            sh = np.zeros(owner.shape, np.uint8)
            cv2.ellipse(sh, (int(u + 0.2 * k), int(v)), (int(0.6 * k), int(0.18 * k)), 0, 0, 360, 255, -1)
            img[sh > 0] = (img[sh > 0] * 0.6).astype(np.uint8)
        if kind == "bag":
            draw_bag(rng, p, o.oid, u, v, rng.uniform(0.35, 0.6) * k)
        elif kind == "box":
            draw_box(rng, p, o.oid, u, v, rng.uniform(0.35, 0.7) * k)
        elif kind == "barrier":
            draw_barrier(rng, p, o.oid, u - 0.9 * k, v, u + 0.9 * k, v, k)
        else:
            drawers[kind](rng, p, o.oid, u, v, k)
        if o.cls is not None:
            o.center_px = (u, v)

    labels = []
    for o in objects:
        o.full_area = p.full_area.get(o.oid, 0)
        ys, xs = np.nonzero(owner == o.oid)
        if o.full_area == 0 or len(xs) == 0:
            continue
        x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
        o.visible_box = (float(x0), float(y0), float(x1), float(y1))
        o.visible_fraction = len(xs) / o.full_area
        if o.cls is None or o.visible_fraction < MIN_VISIBLE_FRACTION:
            continue
        if x1 - x0 < MIN_BOX_PX or y1 - y0 < MIN_BOX_PX:
            continue
        o.labelled = True
        labels.append((o.cls, float(x0), float(y0), float(x1), float(y1)))
    image = apply_conditions(rng, img, cam, params)
    return Scene(image=image, owner=owner, objects=objects, labels=labels, params=params)


def object_records(scene: Scene) -> list[dict]:
    """Every visible object, labelled or not, for evaluation of look-alike confusions."""
    w, h = scene.params["size"]
    out = []
    for o in scene.objects:
        if o.visible_box is None:
            continue
        x0, y0, x1, y1 = o.visible_box
        out.append({"kind": o.kind, "labelled": o.labelled, "box": [round(x0 / w, 6), round(y0 / h, 6), round(x1 / w, 6), round(y1 / h, 6)], "visible": round(o.visible_fraction, 3)})
    return out


def yolo_lines(scene: Scene) -> list[str]:
    w, h = scene.params["size"]
    out = []
    for cls, x0, y0, x1, y1 in scene.labels:
        out.append(f"{cls} {(x0 + x1) / 2 / w:.6f} {(y0 + y1) / 2 / h:.6f} {(x1 - x0) / w:.6f} {(y1 - y0) / h:.6f}")
    return out
