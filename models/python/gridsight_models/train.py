"""Train GridNet on a YOLO-layout dataset, on CPU.

    python -m gridsight_models.train DATA_DIR --out RUN_DIR [--epochs N] [--imgsz 416] [--batch 16]
        [--minutes M] [--limit N] [--weights START.pt]

DATA_DIR has images/{train,val} and labels/{train,val}. Each epoch prints losses with a progress
bar, then mAP@0.5 per class on val; the best epoch (by EMA weights) is kept as RUN_DIR/best.pt.
--minutes stops cleanly at a time budget (the cosine schedule is planned for it); --weights
starts from a checkpoint, which is how to fine-tune the shipped model on real photos.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from .data import YoloDataset, collate
from .evaluate import map50, predict
from .loss import detection_loss
from .model import GridNet, count_cost
from .scene import CLASSES


class Ema:
    """Exponential moving average of the weights; its ramp keeps early, noisy weights from dominating."""

    def __init__(self, model: torch.nn.Module, decay: float = 0.999, tau: float = 1000.0):
        self.model = copy.deepcopy(model).eval()
        self.decay, self.tau, self.updates = decay, tau, 0
        for p in self.model.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model: torch.nn.Module) -> None:
        self.updates += 1
        d = self.decay * (1 - math.exp(-self.updates / self.tau))
        msd = model.state_dict()
        for k, v in self.model.state_dict().items():
            if v.dtype.is_floating_point:
                v.mul_(d).add_(msd[k].detach(), alpha=1 - d)
            else:
                v.copy_(msd[k])


def evaluate(model, loader) -> list[float]:
    model.eval()
    preds, gts = [], []
    for imgs, targets in loader:
        preds += predict(model, imgs)
        gts += targets
    return map50(preds, gts, len(CLASSES))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data")
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--imgsz", type=int, default=416)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--crop", type=int, default=192, help="train on crop x crop windows of the letterboxed input (0: whole frames); a multiple of 32")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--minutes", type=float, default=0.0, help="stop after this many minutes (0: no limit)")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N training images (smoke runs)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=60, help="linear learning-rate warm-up, in steps")
    ap.add_argument("--expected-train", type=int, default=0, help="train scenes there will be once the generator is done (plans the schedule)")
    ap.add_argument("--weights", default="", help="start from this checkpoint (fine-tuning)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    root = Path(args.data)
    train_ds = YoloDataset(root, "train", args.imgsz, augment=True, seed=args.seed, limit=args.limit, crop=args.crop)
    val_ds = YoloDataset(root, "val", args.imgsz, augment=False, limit=max(16, args.limit // 4) if args.limit else 0)
    print(f"train: {len(train_ds)} scenes so far, val: {len(val_ds)} scenes")
    train_dl = torch.utils.data.DataLoader(train_ds, batch_size=args.batch, shuffle=True, collate_fn=collate, drop_last=True)
    val_dl = torch.utils.data.DataLoader(val_ds, batch_size=32, shuffle=False, collate_fn=collate)

    model = GridNet(nc=len(CLASSES))
    if args.weights:
        model.load_state_dict(torch.load(args.weights, map_location="cpu", weights_only=True)["model"])
    params, gflops = count_cost(model, args.imgsz)
    print(f"GridNet: {params / 1e6:.2f} M parameters, {gflops:.2f} GFLOPs at {args.imgsz} ({count_cost(model, 640)[1]:.2f} at 640)")
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 5e-4}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.999))
    ema = Ema(model)
    steps_per_epoch = max(len(train_dl), args.expected_train // args.batch)
    total_steps = steps_per_epoch * args.epochs
    warmup = min(args.warmup, total_steps // 5)
    history = []
    best = -1.0
    started = time.time()
    step = 0
    for epoch in range(args.epochs):
        if epoch > 0:
            before = len(train_ds)
            train_ds.refresh(args.limit)
            if len(train_ds) != before:
                print(f"train: {len(train_ds)} scenes now")
        model.train()
        bar = tqdm(train_dl, desc=f"epoch {epoch + 1}/{args.epochs}", mininterval=5.0)
        sums = {"cls": 0.0, "box": 0.0}
        for imgs, targets in bar:
            progress = (step - warmup) / max(1, total_steps - warmup)
            if args.minutes:
                progress = max(progress, (time.time() - started) / (args.minutes * 60))
            lr = args.lr * (step / warmup if step < warmup else 0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))
            for g in opt.param_groups:
                g["lr"] = lr
            box, cls = model(imgs.float() / 255.0)
            loss, parts = detection_loss(box, cls, targets, imgs.shape[2])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
            opt.step()
            ema.update(model)
            step += 1
            for k in sums:
                sums[k] += parts[k]
            n = bar.n + 1
            bar.set_postfix(cls=f"{sums['cls'] / n:.3f}", box=f"{sums['box'] / n:.3f}", lr=f"{lr:.2e}")
            if args.minutes and (time.time() - started) > args.minutes * 60:
                break
        aps = evaluate(ema.model, val_dl)
        mean = float(np.nanmean(aps))
        row = {"epoch": epoch + 1, "minutes": round((time.time() - started) / 60, 1), "loss_cls": sums["cls"] / max(1, bar.n), "loss_box": sums["box"] / max(1, bar.n), "map50": mean, **{f"ap50_{n}": a for n, a in zip(CLASSES, aps)}}
        history.append(row)
        print(json.dumps(row), flush=True)
        ckpt = {"model": ema.model.state_dict(), "imgsz": args.imgsz, "names": list(CLASSES), "epoch": epoch + 1, "map50": mean}
        torch.save(ckpt, out / "last.pt")
        if mean > best:
            best = mean
            torch.save(ckpt, out / "best.pt")
        (out / "history.json").write_text(json.dumps(history, indent=1))
        if args.minutes and (time.time() - started) > args.minutes * 60:
            print(f"time budget of {args.minutes} min reached after epoch {epoch + 1}")
            break
    print(f"best val mAP@0.5 {best:.4f}; weights in {out / 'best.pt'}")


if __name__ == "__main__":
    main()
