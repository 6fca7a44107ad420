"""Quick validation during training: NMS and COCO-style AP (101-point) per class.

The authoritative evaluation runs in TypeScript through the edge agent's own inference code
(models/src/cli/evaluate.ts); this one only picks the best epoch.
"""

from __future__ import annotations

import numpy as np
import torch

from .loss import box_iou, decode
from .model import make_anchors


def nms(boxes: torch.Tensor, scores: torch.Tensor, classes: torch.Tensor, iou_thr: float = 0.5, max_det: int = 100) -> torch.Tensor:
    offset = classes.float()[:, None] * 4096.0
    b = boxes + offset
    order = scores.argsort(descending=True)
    keep = []
    suppressed = torch.zeros(len(order), dtype=torch.bool)
    ious = box_iou(b[order], b[order])
    for i in range(len(order)):
        if suppressed[i]:
            continue
        keep.append(order[i])
        if len(keep) >= max_det:
            break
        suppressed |= ious[i] > iou_thr
    return torch.stack(keep) if keep else torch.zeros(0, dtype=torch.long)


@torch.no_grad()
def predict(model, imgs: torch.Tensor, conf: float = 0.01, max_pre: int = 300):
    box, cls = model(imgs.float() / 255.0)
    anchors, strides = make_anchors(imgs.shape[2], imgs.shape[3])
    boxes = decode(box, anchors, strides)
    scores_all = cls.sigmoid().transpose(1, 2)
    out = []
    for i in range(imgs.shape[0]):
        s, c = scores_all[i].max(1)
        keep = s > conf
        b, s, c = boxes[i][keep], s[keep], c[keep]
        if len(s) > max_pre:
            top = s.topk(max_pre).indices
            b, s, c = b[top], s[top], c[top]
        k = nms(b, s, c)
        out.append((b[k], s[k], c[k]))
    return out


def average_precision(tp: np.ndarray, conf: np.ndarray, n_gt: int) -> float:
    if n_gt == 0:
        return float("nan")
    if len(tp) == 0:
        return 0.0
    order = np.argsort(-conf, kind="stable")
    tp = tp[order]
    ctp = np.cumsum(tp)
    cfp = np.cumsum(1 - tp)
    recall = ctp / n_gt
    precision = ctp / (ctp + cfp)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    ap = 0.0
    for r in np.linspace(0, 1, 101):
        idx = np.searchsorted(recall, r, side="left")
        ap += envelope[idx] if idx < len(envelope) else 0.0
    return ap / 101


def map50(preds, gts, nc: int) -> list[float]:
    """preds/gts per image: (boxes xyxy [K,4], scores [K], classes [K]) / (classes [M], boxes [M,4])."""
    aps = []
    for c in range(nc):
        tps, confs, n_gt = [], [], 0
        for (pb, ps, pc), (gc, gb) in zip(preds, gts):
            g = gb[gc == c]
            n_gt += len(g)
            p_mask = pc == c
            pb_c, ps_c = pb[p_mask], ps[p_mask]
            if len(ps_c) == 0:
                continue
            order = ps_c.argsort(descending=True)
            pb_c, ps_c = pb_c[order], ps_c[order]
            matched = torch.zeros(len(g), dtype=torch.bool)
            ious = box_iou(pb_c, g) if len(g) else torch.zeros(len(pb_c), 0)
            for j in range(len(pb_c)):
                hit = 0
                if len(g):
                    iou = ious[j].clone()
                    iou[matched] = -1
                    best = int(iou.argmax())
                    if iou[best] >= 0.5:
                        matched[best] = True
                        hit = 1
                tps.append(hit)
                confs.append(float(ps_c[j]))
        aps.append(average_precision(np.array(tps, np.float64), np.array(confs), n_gt))
    return aps
