"""Fit the combiner of model logit and lexical evidence, choose the threshold, and
record checksums. Runs after train_scorer (make train-scorer runs both).

Uses only the REALSumm *dev* split: the cross-encoder never saw it, so its logits
there are honest, and the test split stays untouched for the reported numbers.
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
from training import realsumm
from training.realsumm import auc

OUT = model_dir()  # where train_scorer writes the model (no torch needed here)
MANIFEST = Path(__file__).resolve().parents[1] / "models" / "manifest.toml"
MARKER = "# --- point-scorer: written by `make train-scorer` (training/fit_combiner.py) ---"


def design_matrix(model: PresenceModel, pairs: list[realsumm.Pair]) -> np.ndarray:
    by_summary: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pairs):
        by_summary[p.summary].append(i)
    logits = np.zeros(len(pairs))
    for summary, idx in by_summary.items():
        logits[idx] = model.logits([pairs[i].unit for i in idx], summary)
    lexical = np.array([features(overlap(p.unit, p.summary)) for p in pairs])
    return np.column_stack([logits, lexical])


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50):
    """Newton's method on the L2-regularised log-loss (small, exact, deterministic)."""
    xb = np.column_stack([x, np.ones(len(x))])
    w = np.zeros(xb.shape[1])
    reg = np.eye(len(w)) * l2
    reg[-1, -1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + reg @ w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + reg
        w -= np.linalg.solve(hess, grad)
    return w[:-1], float(w[-1])


def best_threshold(y: np.ndarray, prob: np.ndarray) -> float:
    """The threshold of best dev accuracy, on accuracy averaged over +-0.03: the curve
    is flat near its top, and its single highest point moves with a few pairs."""
    grid = np.arange(0.2, 0.81, 0.01)
    accs = np.array([((prob >= t) == y).mean() for t in grid])
    smooth = np.convolve(accs, np.ones(7) / 7, mode="same")[3:-3]
    return float(round(grid[3:-3][int(np.argmax(smooth))], 2))


def write_manifest(directory: Path) -> None:
    lines = [MARKER, "", f"[{NAME}]",
             'description = "Point-presence cross-encoder (MiniLM-L6, int8 ONNX), trained here"',
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
    dev = realsumm.load_pairs("dev")
    x = design_matrix(model, dev)
    y = np.array([p.label for p in dev], float)
    weights, bias = fit_logistic(x, y)
    prob = 1 / (1 + np.exp(-(x @ weights + bias)))
    threshold = best_threshold(y, prob)
    print(f"dev: model-only AUC {auc(y, x[:, 0]):.4f}; combined AUC {auc(y, prob):.4f}, "
          f"accuracy {((prob >= threshold) == y).mean():.4f} at threshold {threshold}")
    (OUT / "combiner.json").write_text(json.dumps({
        "features": ["model_logit", *FEATURE_NAMES], "weights": [round(w, 6) for w in weights],
        "bias": round(bias, 6), "threshold": threshold,
        "fitted_on": "REALSumm dev split (10 documents, training/realsumm.py)",
    }, indent=2) + "\n")
    write_manifest(OUT)
    print(f"wrote {OUT / 'combiner.json'} and the point-scorer entry of {MANIFEST}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
