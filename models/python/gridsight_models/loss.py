"""Task-aligned assignment (as in TOOD / YOLOv8) and the detection loss.

For each labelled box, the candidate grid points are those whose centre lies inside it (or within
one stride of its centre, so tiny boxes always get one). Among them the top k by
score^alpha * IoU^beta become positives. Loss: BCE on all points with hard targets, GIoU on the
positives, both normalised by the number of positives. (TOOD's soft targets, IoU^6 small while
boxes are still poor, kept every score under 0.01 for the whole short CPU budget we train in.)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .model import make_anchors

TOPK, ALPHA, BETA = 10, 0.5, 6.0
BOX_GAIN, CLS_GAIN = 2.5, 1.0


def box_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Pairwise IoU of xyxy boxes a [M, 4] and b [N, 4] -> [M, N]."""
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(2)
    area_a = (a[:, 2:] - a[:, :2]).clamp(min=0).prod(1)
    area_b = (b[:, 2:] - b[:, :2]).clamp(min=0).prod(1)
    return inter / (area_a[:, None] + area_b[None, :] - inter + 1e-9)


def giou_loss(p: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    lt = torch.max(p[:, :2], t[:, :2])
    rb = torch.min(p[:, 2:], t[:, 2:])
    inter = (rb - lt).clamp(min=0).prod(1)
    area_p = (p[:, 2:] - p[:, :2]).clamp(min=0).prod(1)
    area_t = (t[:, 2:] - t[:, :2]).clamp(min=0).prod(1)
    union = area_p + area_t - inter + 1e-9
    iou = inter / union
    hull = (torch.max(p[:, 2:], t[:, 2:]) - torch.min(p[:, :2], t[:, :2])).clamp(min=0).prod(1) + 1e-9
    return 1 - (iou - (hull - union) / hull)


def decode(box: torch.Tensor, anchors: torch.Tensor, strides: torch.Tensor) -> torch.Tensor:
    """Raw ltrb [B, 4, N] -> xyxy [B, N, 4] in pixels."""
    dist = F.softplus(box) * strides
    return torch.cat([anchors - dist[:, :2], anchors + dist[:, 2:]], 1).transpose(1, 2)


@torch.no_grad()
def assign(scores: torch.Tensor, boxes: torch.Tensor, anchors: torch.Tensor, strides: torch.Tensor, gt_cls: torch.Tensor, gt_box: torch.Tensor):
    """One image. scores [N, C] (sigmoid), boxes [N, 4] xyxy, gt_cls [M], gt_box [M, 4].

    Returns target scores [N, C] and target boxes [N, 4] (zeros where negative), and a positive mask [N].
    """
    n, c = scores.shape
    m = gt_box.shape[0]
    t_scores = torch.zeros(n, c)
    t_boxes = torch.zeros(n, 4)
    if m == 0:
        return t_scores, t_boxes, torch.zeros(n, dtype=torch.bool)
    pts = anchors.T  # [N, 2]
    inside = (pts[None, :, 0] > gt_box[:, None, 0]) & (pts[None, :, 0] < gt_box[:, None, 2]) & (pts[None, :, 1] > gt_box[:, None, 1]) & (pts[None, :, 1] < gt_box[:, None, 3])
    ctr = (gt_box[:, :2] + gt_box[:, 2:]) / 2
    near = ((pts[None] - ctr[:, None]).abs() <= strides.T[None] * 1.0).all(2)
    cand = inside | near
    iou = box_iou(gt_box, boxes)  # [M, N]
    align = scores[:, gt_cls].T.pow(ALPHA) * iou.pow(BETA)
    align = align * cand
    # Ties at the start of training (all alignments ~0) still pick candidates, never non-candidates.
    ranked = align + cand.float() * 1e-9
    k = min(TOPK, n)
    top = ranked.topk(k, dim=1).indices
    pos = torch.zeros(m, n, dtype=torch.bool)
    pos.scatter_(1, top, True)
    pos &= cand
    # A point claimed by several boxes goes to the one it overlaps most.
    multi = pos.sum(0) > 1
    if multi.any():
        best = iou.argmax(0)
        pos[:, multi] = False
        pos[best[multi], multi.nonzero().squeeze(1)] = True
    fg = pos.any(0)
    owner = pos.float().argmax(0)
    t_boxes[fg] = gt_box[owner[fg]]
    t_scores[fg, gt_cls[owner[fg]]] = 1.0
    return t_scores, t_boxes, fg


def detection_loss(box: torch.Tensor, cls: torch.Tensor, targets: list[tuple[torch.Tensor, torch.Tensor]], imgsz: int):
    """box [B, 4, N], cls [B, C, N] raw; targets per image: (classes [M], xyxy pixels [M, 4])."""
    anchors, strides = make_anchors(imgsz, imgsz)
    pred_boxes = decode(box, anchors, strides)  # [B, N, 4]
    logits = cls.transpose(1, 2)  # [B, N, C]
    scores = logits.detach().sigmoid()
    t_s, t_b, fg = [], [], []
    for i, (g_cls, g_box) in enumerate(targets):
        s, b, f = assign(scores[i], pred_boxes[i].detach(), anchors, strides, g_cls, g_box)
        t_s.append(s)
        t_b.append(b)
        fg.append(f)
    t_scores, t_boxes, fg_mask = torch.stack(t_s), torch.stack(t_b), torch.stack(fg)
    norm = fg_mask.sum().clamp(min=1).float()
    loss_cls = F.binary_cross_entropy_with_logits(logits, t_scores, reduction="sum") / norm
    if fg_mask.any():
        loss_box = giou_loss(pred_boxes[fg_mask], t_boxes[fg_mask]).sum() / norm
    else:
        loss_box = pred_boxes.sum() * 0.0
    total = CLS_GAIN * loss_cls + BOX_GAIN * loss_box
    return total, {"cls": float(loss_cls), "box": float(loss_box)}
