"""GridNet: a compact single-stage, anchor-free detector (CSP backbone, PAN neck, decoupled heads).

Outputs at strides 8, 16 and 32. Each grid point predicts its distances to the four box sides (in
strides, softplus so they stay positive) and one sigmoid score per class. With `export=True` the
forward pass returns the Ultralytics YOLOv8 layout, [batch, 4 + classes, anchors], boxes as
cx cy w h in input pixels, so tools written for those models read ours unchanged.
"""

from __future__ import annotations

import math

import torch
from torch import nn
import torch.nn.functional as F

STRIDES = (8, 16, 32)


class ConvBnAct(nn.Module):
    def __init__(self, c_in: int, c_out: int, k: int = 3, s: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, k, s, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(c_out)
        # ReLU rather than SiLU: onnxruntime fuses Conv+ReLU, which matters on a gateway CPU.
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.a = ConvBnAct(c, c, 3)
        self.b = ConvBnAct(c, c, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.b(self.a(x))


class Csp(nn.Module):
    """C2f-style block: split, run bottlenecks on one half keeping every intermediate, fuse."""

    def __init__(self, c_in: int, c_out: int, n: int):
        super().__init__()
        self.h = c_out // 2
        self.cv1 = ConvBnAct(c_in, 2 * self.h, 1)
        self.blocks = nn.ModuleList(Bottleneck(self.h) for _ in range(n))
        self.cv2 = ConvBnAct((2 + n) * self.h, c_out, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = list(self.cv1(x).chunk(2, 1))
        for block in self.blocks:
            y.append(block(y[-1]))
        return self.cv2(torch.cat(y, 1))


class Sppf(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.cv1 = ConvBnAct(c, c // 2, 1)
        self.cv2 = ConvBnAct(c * 2, c, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.cv1(x)
        y1 = F.max_pool2d(x, 5, 1, 2)
        y2 = F.max_pool2d(y1, 5, 1, 2)
        y3 = F.max_pool2d(y2, 5, 1, 2)
        return self.cv2(torch.cat([x, y1, y2, y3], 1))


class Head(nn.Module):
    def __init__(self, c_in: int, nc: int, c_hidden: int):
        super().__init__()
        self.box = nn.Sequential(ConvBnAct(c_in, c_hidden, 3), nn.Conv2d(c_hidden, 4, 1))
        self.cls = nn.Sequential(ConvBnAct(c_in, c_hidden, 3), nn.Conv2d(c_hidden, nc, 1))
        prior = 0.01
        nn.init.constant_(self.cls[-1].bias, -math.log((1 - prior) / prior))
        nn.init.constant_(self.box[-1].bias, 0.5)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.box(x), self.cls(x)


class GridNet(nn.Module):
    def __init__(self, nc: int = 3, widths: tuple[int, ...] = (16, 32, 64, 96, 128), depths: tuple[int, ...] = (2, 2, 1)):
        super().__init__()
        w0, w1, w2, w3, w4 = widths
        self.nc = nc
        self.export = False
        self.stem = ConvBnAct(3, w0, 3, 2)
        # No block at stride 4: at that resolution it cost a third of the training time for little gain.
        self.s2 = ConvBnAct(w0, w1, 3, 2)
        self.s3 = nn.Sequential(ConvBnAct(w1, w2, 3, 2), Csp(w2, w2, depths[0]))
        self.s4 = nn.Sequential(ConvBnAct(w2, w3, 3, 2), Csp(w3, w3, depths[1]))
        self.s5 = nn.Sequential(ConvBnAct(w3, w4, 3, 2), Csp(w4, w4, depths[2]), Sppf(w4))
        self.up4 = Csp(w4 + w3, w3, 1)
        self.up3 = Csp(w3 + w2, w2, 1)
        self.down3 = ConvBnAct(w2, w2, 3, 2)
        self.pan4 = Csp(w2 + w3, w3, 1)
        self.down4 = ConvBnAct(w3, w3, 3, 2)
        self.pan5 = Csp(w3 + w4, w4, 1)
        self.heads = nn.ModuleList([Head(w2, nc, 48), Head(w3, nc, 48), Head(w4, nc, 64)])

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        p3 = self.s3(self.s2(self.stem(x)))
        p4 = self.s4(p3)
        p5 = self.s5(p4)
        n4 = self.up4(torch.cat([F.interpolate(p5, scale_factor=2.0, mode="nearest"), p4], 1))
        n3 = self.up3(torch.cat([F.interpolate(n4, scale_factor=2.0, mode="nearest"), p3], 1))
        o4 = self.pan4(torch.cat([self.down3(n3), n4], 1))
        o5 = self.pan5(torch.cat([self.down4(o4), p5], 1))
        return [n3, o4, o5]

    def forward(self, x: torch.Tensor):
        raw_box, raw_cls = [], []
        for feat, head in zip(self.features(x), self.heads):
            b, c = head(feat)
            raw_box.append(b.flatten(2))
            raw_cls.append(c.flatten(2))
        box = torch.cat(raw_box, 2)  # [B, 4, N] ltrb in strides, before softplus
        cls = torch.cat(raw_cls, 2)  # [B, nc, N] logits
        if not self.export:
            return box, cls
        anchors, strides = make_anchors(x.shape[2], x.shape[3], x.device)
        dist = F.softplus(box) * strides
        x0y0 = anchors - dist[:, :2]
        x1y1 = anchors + dist[:, 2:]
        return torch.cat([(x0y0 + x1y1) / 2, x1y1 - x0y0, cls.sigmoid()], 1)


def make_anchors(h: int, w: int, device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """Grid-cell centres in input pixels [2, N] and their strides [1, N], in head order."""
    points, strides = [], []
    for s in STRIDES:
        ys = (torch.arange(h // s, device=device, dtype=torch.float32) + 0.5) * s
        xs = (torch.arange(w // s, device=device, dtype=torch.float32) + 0.5) * s
        gy, gx = torch.meshgrid(ys, xs, indexing="ij")
        points.append(torch.stack([gx.flatten(), gy.flatten()], 0))
        strides.append(torch.full((1, gx.numel()), float(s), device=device))
    return torch.cat(points, 1), torch.cat(strides, 1)


def count_cost(model: nn.Module, imgsz: int) -> tuple[int, float]:
    """Parameters and GFLOPs (2 x multiply-accumulates of convolutions) for one imgsz x imgsz frame."""
    macs = 0

    def hook(mod: nn.Conv2d, _inp, out):
        nonlocal macs
        macs += out.numel() // out.shape[0] * (mod.in_channels // mod.groups) * mod.kernel_size[0] * mod.kernel_size[1]

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, imgsz, imgsz))
    model.train(was_training)
    for h in handles:
        h.remove()
    return sum(p.numel() for p in model.parameters()), 2 * macs / 1e9
