"""The REALSumm human judgments (../shared/data/realsumm), split by document.

The split is fixed by a hash of each document id, so it never depends on file
order: 20 of the 80 documents are the *test* split, used only to report numbers;
10 are *dev* (choosing the decision threshold and fitting the combiner); the other
50 train the cross-encoder. Nothing is tuned on test.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "realsumm"
TEST_DOCS = 20
DEV_DOCS = 10


@dataclass(frozen=True)
class Pair:
    doc_id: str
    system: str
    unit: str
    summary: str
    label: int


def available() -> bool:
    return (ROOT / "judgments.jsonl").is_file()


def _rank(doc_id: str) -> str:
    return hashlib.sha1(f"listen-coach/{doc_id}".encode()).hexdigest()


def split_of(doc_id: str, all_ids: list[str]) -> str:
    ordered = sorted(all_ids, key=_rank)
    i = ordered.index(doc_id)
    return "test" if i < TEST_DOCS else "dev" if i < TEST_DOCS + DEV_DOCS else "train"


def load_pairs(split: str | None = None) -> list[Pair]:
    rows = [json.loads(line) for line in (ROOT / "judgments.jsonl").open(encoding="utf-8")]
    ids = sorted({r["doc_id"] for r in rows})
    splits = {d: split_of(d, ids) for d in ids}
    pairs = []
    for r in rows:
        if split and splits[r["doc_id"]] != split:
            continue
        for unit, label in zip(r["units"], r["labels"], strict=True):
            pairs.append(Pair(r["doc_id"], r["system"], unit, r["summary"], int(label)))
    return pairs


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    pos = labels == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
