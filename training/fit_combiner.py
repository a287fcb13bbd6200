"""Fit the combiner of model logit and lexical evidence, choose the threshold, and
record checksums. Runs after train_scorer (make train-scorer runs both).

Uses only the *dev* splits, of the spoken corpus (training/spoken_corpus.py) and of
REALSumm: the cross-encoder never saw them, so its logits there are honest, and the
test splits stay untouched for the reported numbers. The two sets weigh the same in
the fit and in the choice of threshold, so news (2.5x more pairs) does not decide
how spoken paraphrase is judged.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

import numpy as np

from listen_coach.scoring.lexical import FEATURE_NAMES, features, overlap
from listen_coach.scoring.presence import NAME, PresenceModel, model_dir
from training import realsumm, spoken_corpus
from training.realsumm import auc

OUT = model_dir()  # where train_scorer writes the model (no torch needed here)
MANIFEST = Path(__file__).resolve().parents[1] / "models" / "manifest.toml"
MARKER = "# --- point-scorer: written by `make train-scorer` (training/fit_combiner.py) ---"


def design_matrix(model: PresenceModel, pairs: list[tuple[str, str]]) -> np.ndarray:
    """[model logit, *lexical features] for (point, summary) pairs, as match_points
    builds it: the logits of one summary's points in one call."""
    by_summary: dict[str, list[int]] = defaultdict(list)
    for i, (_, summary) in enumerate(pairs):
        by_summary[summary].append(i)
    logits = np.zeros(len(pairs))
    for summary, idx in by_summary.items():
        logits[idx] = model.logits([pairs[i][0] for i in idx], summary)
    lexical = np.array([features(overlap(u, s)) for u, s in pairs])
    return np.column_stack([logits, lexical])


def dev_sets() -> dict[str, tuple[list[tuple[str, str]], np.ndarray]]:
    """The dev pairs the combiner is fitted on, by set, as the app reads them."""
    spoken = spoken_corpus.load_pairs("dev")
    news = realsumm.load_pairs("dev")
    return {"spoken": ([spoken_corpus.as_read(p) for p in spoken],
                       np.array([p.label for p in spoken], float)),
            "news": ([(p.unit, p.summary) for p in news], np.array([p.label for p in news], float))}


def fit_logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None,
                 l2: float = 1.0, steps: int = 50):
    """Newton's method on the L2-regularised, weighted log-loss (small, exact, deterministic)."""
    xb = np.column_stack([x, np.ones(len(x))])
    sw = np.ones(len(x)) if weight is None else weight
    w = np.zeros(xb.shape[1])
    reg = np.eye(len(w)) * l2
    reg[-1, -1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (sw * (p - y)) + reg @ w
        hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb + reg
        w -= np.linalg.solve(hess, grad)
    return w[:-1], float(w[-1])


def best_threshold(y: np.ndarray, prob: np.ndarray, weight: np.ndarray | None = None) -> float:
    """The threshold of best (weighted) dev accuracy, on accuracy averaged over +-0.03:
    the curve is flat near its top, and its single highest point moves with a few pairs."""
    sw = np.ones(len(y)) if weight is None else weight
    grid = np.arange(0.2, 0.81, 0.01)
    accs = np.array([(((prob >= t) == y) * sw).sum() / sw.sum() for t in grid])
    smooth = np.convolve(accs, np.ones(7) / 7, mode="same")[3:-3]
    return float(round(grid[3:-3][int(np.argmax(smooth))], 2))


def write_manifest(directory: Path) -> None:
    lines = [MARKER, "", f"[{NAME}]",
             'description = "Point-presence cross-encoder (MiniLM-L6, ONNX, float16-stored '
             'weights), trained here"',
             'licence = "Apache-2.0 (base weights)"', ""]
    for name in ("model.onnx", "tokenizer.json", "combiner.json", "training.json"):
        path = directory / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines += [f"[[{NAME}.files]]", f'name = "{name}"', f"size = {path.stat().st_size}",
                  f'sha256 = "{digest}"', ""]
    text = MANIFEST.read_text()
    text = re.split(re.escape(MARKER), text)[0].rstrip() + "\n\n" + "\n".join(lines)
    MANIFEST.write_text(text.rstrip() + "\n")


def main() -> int:
    model = PresenceModel(OUT, with_combiner=False)
    sets = dev_sets()
    xs = {name: design_matrix(model, pairs) for name, (pairs, _) in sets.items()}
    x = np.vstack(list(xs.values()))
    y = np.concatenate([labels for _, labels in sets.values()])
    weight = np.concatenate([np.full(len(labels), len(y) / (len(sets) * len(labels)))
                             for _, labels in sets.values()])
    weights, bias = fit_logistic(x, y, weight)
    threshold = best_threshold(y, 1 / (1 + np.exp(-(x @ weights + bias))), weight)
    for name, (_, labels) in sets.items():
        prob = 1 / (1 + np.exp(-(xs[name] @ weights + bias)))
        print(f"dev {name}: model-only AUC {auc(labels, xs[name][:, 0]):.4f}; combined AUC "
              f"{auc(labels, prob):.4f}, accuracy {((prob >= threshold) == labels).mean():.4f}"
              f" at threshold {threshold}")
    (OUT / "combiner.json").write_text(json.dumps({
        "features": ["model_logit", *FEATURE_NAMES], "weights": [round(w, 6) for w in weights],
        "bias": round(bias, 6), "threshold": threshold,
        "fitted_on": "dev splits of the spoken corpus (training/spoken_corpus.py) and "
                     "REALSumm (training/realsumm.py), weighted alike",
    }, indent=2) + "\n")
    write_manifest(OUT)
    print(f"wrote {OUT / 'combiner.json'} and the point-scorer entry of {MANIFEST}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
