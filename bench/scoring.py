"""Scoring rows: point presence against human judgments, speed of checks and of a round."""

from __future__ import annotations

import re
import statistics
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

#: A round written for the benchmark: about two minutes of speech and a 30 s summary.
SPEAKER = (
    "So, um, the thing that's been on my mind is the community garden project. We started it "
    "two years ago with, like, six volunteers, and now there are nearly forty people who come "
    "every Saturday. The problem is the council wants the land back by next spring because "
    "they're planning to build a car park there. I found out from a letter, not even a phone "
    "call, which honestly made me furious. Marcus, who runs the seed swap, thinks we should "
    "just move to the school field, but the head teacher hasn't said yes yet and I'm worried "
    "she won't. The other option is a petition. We collected about eight hundred signatures "
    "last year for the lighting, and that worked, so maybe it could work again. But I'm tired, "
    "to be honest. I've been doing the rota, the emails, the funding bids, all of it, mostly "
    "on my own, in the evenings after work. My partner says I should step back and let someone "
    "else lead for a while. Part of me agrees. Part of me thinks if I step back it'll just fall "
    "apart, because nobody else knows how the grant reporting works. And the older members, "
    "some of them come mainly for the company, you know, it's the only time they see anyone all "
    "week. So it's not just vegetables. I don't want to let them down. I guess what I need is to "
    "figure out whether to fight for the site or to put my energy into the move, and how to "
    "hand over some of the work without it collapsing."
)
SUMMARY = (
    "So the council wants the garden site back by spring for a car park, and you heard by "
    "letter, which made you really angry. You're weighing a petition, since eight hundred "
    "signatures worked before, against moving to the school field, which isn't agreed yet. "
    "You're exhausted from doing most of it alone, and you worry it falls apart without you, "
    "especially for the older members who come for the company. What would it take for "
    "someone else to learn the grant reporting?"
)


def _auc(labels: np.ndarray, scores: np.ndarray) -> float:
    from training.realsumm import auc

    return auc(labels, scores)


def _floor_share(unit: str, summary: str, stop: set[str]) -> float:
    words = [w for w in re.findall(r"[a-z0-9]+", unit.lower()) if w not in stop]
    said = set(re.findall(r"[a-z0-9]+", summary.lower()))
    return sum(w in said for w in words) / len(words) if words else 0.0


def _document_bootstrap(docs: list[str], y: np.ndarray, scores: np.ndarray,
                        covered: np.ndarray, rounds: int = 1000) -> tuple[str, str]:
    """95 % intervals of AUC and accuracy when the documents are drawn again (with
    replacement): pairs of one document are not independent, and a split of 10-20
    documents moves a figure by a few hundredths from one draw of them to the next."""
    rng = np.random.default_rng(0)
    ids = sorted(set(docs))
    rows_of = {d: np.array([i for i, x in enumerate(docs) if x == d]) for d in ids}
    aucs, accs = [], []
    for _ in range(rounds):
        idx = np.concatenate([rows_of[d] for d in rng.choice(ids, len(ids))])
        if 0 < y[idx].sum() < len(idx):
            aucs.append(_auc(y[idx], scores[idx]))
        accs.append(float((covered[idx] == y[idx]).mean()))

    def interval(values: list[float]) -> str:
        low, high = np.percentile(values, [2.5, 97.5])
        return f"{low:.3f}-{high:.3f}"

    return interval(aucs), interval(accs)


def bench_presence(rows: list[dict]) -> None:
    from training import realsumm

    if not realsumm.available():
        rows.append({"name": "scoring.presence", "skipped": "../shared/data/realsumm is absent"})
        return
    from spacy.lang.en.stop_words import STOP_WORDS

    from listen_coach.scoring import match_points
    from listen_coach.scoring.nlp import nlp
    from listen_coach.scoring.presence import load

    started = time.perf_counter()
    nlp()
    load()
    rows.append({"name": "scoring.model_load_s", "value": round(time.perf_counter() - started, 3),
                 "detail": "spaCy + presence model, once per process"})
    for split in ("test", "dev"):
        pairs = realsumm.load_pairs(split)
        by_summary: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(pairs):
            by_summary[p.summary].append(i)
        scores = np.zeros(len(pairs))
        covered = np.zeros(len(pairs), bool)
        started = time.perf_counter()
        for summary, idx in by_summary.items():
            for i, m in zip(idx, match_points([pairs[i].unit for i in idx], summary),
                            strict=True):
                scores[i], covered[i] = m.score, m.covered
        elapsed = time.perf_counter() - started
        y = np.array([p.label for p in pairs])
        floor = np.array([_floor_share(p.unit, p.summary, STOP_WORDS) for p in pairs])
        auc_ci, acc_ci = _document_bootstrap([p.doc_id for p in pairs], y, scores, covered)
        tag = "held out, never tuned on" if split == "test" else "tuned on (threshold, combiner)"
        rows.append({"name": f"scoring.presence.{split}.auc", "value": round(_auc(y, scores), 4),
                     "target": ">= 0.86" if split == "test" else "",
                     "detail": f"{len(pairs)} pairs, {len({p.doc_id for p in pairs})} docs, "
                     f"{tag}; 95 % CI by document {auc_ci}; word-overlap floor "
                     f"{_auc(y, floor):.3f}"})
        rows.append({"name": f"scoring.presence.{split}.accuracy",
                     "value": round(float((covered == y).mean()), 4),
                     "target": ">= 0.80" if split == "test" else "",
                     "detail": f"95 % CI by document {acc_ci}; word-overlap floor (>= 0.6) "
                     f"{((floor >= 0.6) == y).mean():.3f}"})
        if split == "test":
            rows.append({"name": "scoring.presence.checks_per_s",
                         "value": round(len(pairs) / elapsed, 1),
                         "detail": "match_points per summary, spaCy parse included"})


def _first_reading(model, pairs) -> list[tuple[str, str]]:
    """Each REALSumm pair as the model first reads it: the point against the summary's
    first window (presence.readings)."""
    from listen_coach.scoring.presence import readings

    return [readings(p.unit, p.summary, model.window_words, model.point_words)[0][0]
            for p in pairs]


def bench_pair_speed(rows: list[dict]) -> None:
    """Model time a pair: calls spread over one worker per core (the app's way)
    against one call at a time on all the threads, interleaved on the same pairs."""
    from training import realsumm

    if not realsumm.available():
        rows.append({"name": "scoring.pair_ms", "skipped": "../shared/data/realsumm is absent"})
        return
    from listen_coach.scoring.presence import PresenceModel, model_dir

    spread, serial = PresenceModel(model_dir()), PresenceModel(model_dir(), workers=1)
    pairs = _first_reading(spread, realsumm.load_pairs("dev")[:600])
    times: dict[str, list[float]] = {"spread": [], "serial": []}
    order = [("spread", spread), ("serial", serial)]
    for i in range(4):
        for name, model in order if i % 2 == 0 else order[::-1]:
            started = time.perf_counter()
            model.pair_logits(pairs)
            times[name].append((time.perf_counter() - started) / len(pairs) * 1000)
    same = np.array_equal(spread.pair_logits(pairs[:50]), serial.pair_logits(pairs[:50]))
    rows.append({"name": "scoring.pair_ms", "value": round(statistics.median(times["spread"]), 2),
                 "detail": f"{len(pairs)} REALSumm dev pairs, median of 4; one call at a time "
                 f"on all threads {statistics.median(times['serial']):.2f} ms; "
                 f"same logits: {same}"})


def bench_batch_drift(rows: list[dict]) -> None:
    """Why pairs run one per call (presence.pair_logits). An int8 model quantized its
    activations with one scale per call, so a pair's logit in a padded batch of 8
    differs from its logit alone. Also what batching would gain: both ways spread
    over one worker per core, interleaved, median of 3."""
    from training import realsumm

    if not realsumm.available():
        rows.append({"name": "scoring.batch_drift",
                     "skipped": "../shared/data/realsumm is absent"})
        return
    from listen_coach.scoring.presence import PresenceModel, model_dir, prepare

    model = PresenceModel(model_dir(), with_combiner=False)
    pairs = _first_reading(model, realsumm.load_pairs("dev")[:400])
    encodings = model.tokenizer.encode_batch([prepare(u, s) for u, s in pairs])

    def run_batch(part) -> list[float]:
        width = max(len(e.ids) for e in part)
        feeds = {name: np.array([getattr(e, attr) + [0] * (width - len(e.ids)) for e in part],
                                np.int64)
                 for name, attr in (("input_ids", "ids"), ("attention_mask", "attention_mask"),
                                    ("token_type_ids", "type_ids"))}
        return model.session.run(None, feeds)[0].reshape(-1).tolist()

    def batched() -> np.ndarray:
        parts = [encodings[i:i + 8] for i in range(0, len(encodings), 8)]
        mapped = model._pool.map(run_batch, parts) if model._pool else map(run_batch, parts)
        return np.array([x for part in mapped for x in part])

    times: dict[str, list[float]] = {"alone": [], "batched": []}
    for i in range(3):
        for name, way in [("alone", lambda: model.pair_logits(pairs)),
                          ("batched", batched)][:: 1 if i % 2 == 0 else -1]:
            started = time.perf_counter()
            logits = way()
            times[name].append(time.perf_counter() - started)
            if name == "alone":
                alone = logits
            else:
                together = logits
    drift = np.abs(together - alone)
    cost = statistics.median(times["alone"]) / statistics.median(times["batched"]) - 1
    rows.append({"name": "scoring.batch_drift", "value": round(float(drift.mean()), 3),
                 "detail": f"{len(pairs)} REALSumm dev pairs, |logit in a batch of 8 - logit "
                 f"alone|: mean (value), max {drift.max():.2f}; one pair a call takes "
                 f"{cost:+.0%} time against batches of 8"})


def bench_parse_cost(rows: list[dict]) -> None:
    """What leaving spaCy's entity recogniser out saves (nlp.LEFT_OUT): 150 news
    summaries parsed with the pipeline as the app loads it and with the recogniser on,
    interleaved, median of 3 each."""
    from training import realsumm

    if not realsumm.available():
        rows.append({"name": "scoring.parse_ms", "skipped": "../shared/data/realsumm is absent"})
        return
    import spacy

    from listen_coach.scoring import nlp

    texts = list(dict.fromkeys(p.summary for p in realsumm.load_pairs("dev")))[:150]
    pipelines = {"app": nlp.nlp(), "with ner": spacy.load(nlp.SPACY_MODEL)}
    times: dict[str, list[float]] = {name: [] for name in pipelines}
    for i in range(3):
        for name, pipeline in list(pipelines.items())[:: 1 if i % 2 == 0 else -1]:
            started = time.perf_counter()
            list(pipeline.pipe(texts, batch_size=64))
            times[name].append(time.perf_counter() - started)
    app_s, ner_s = statistics.median(times["app"]), statistics.median(times["with ner"])
    rows.append({"name": "scoring.parse_ms", "value": round(app_s / len(texts) * 1000, 2),
                 "detail": f"a REALSumm summary, {len(texts)} parsed in a batch, median of 3; "
                 f"with the entity recogniser {ner_s / len(texts) * 1000:.2f} ms "
                 f"(it is {1 - app_s / ner_s:.0%} of that parse)"})


def bench_spoken(rows: list[dict]) -> None:
    """The same decision on spoken paraphrase: talk-style points and listener-style
    summaries written for this project, a held-out part of training/spoken_pairs.py
    that no model, combiner or threshold was fitted on."""
    from listen_coach.scoring import match_points
    from training import spoken_pairs

    data = spoken_pairs.held_out()
    matches = [match_points([point], said)[0] for point, said, _ in data]
    y = np.array([label for *_, label in data])
    scores = np.array([m.score for m in matches])
    covered = np.array([m.covered for m in matches])
    detail = (f"{len(data)} pairs, {len({p for p, *_ in data})} points, held out; "
              f"covered {covered[y == 1].mean():.2f} of paraphrases, "
              f"{covered[y == 0].mean():.2f} of distortions")
    rows.append({"name": "scoring.spoken.auc", "value": round(_auc(y, scores), 4),
                 "detail": detail})
    rows.append({"name": "scoring.spoken.accuracy",
                 "value": round(float((covered == y).mean()), 4), "detail": detail})


def bench_spoken_corpus(rows: list[dict]) -> None:
    """The point judgment on the *test* split of the spoken corpus (training/
    spoken_corpus.py), which no model, combiner or threshold was fitted on: for each
    kind of listener, the share of the points they conveyed that is credited
    (recall) and the share of the points they did not convey that is credited
    anyway (false credit); false credit on the points a distorted summary states
    wrongly; AUC and accuracy, with 95 % intervals by talk, and the word-overlap
    floor (share of a point's content words in the summary) beside them."""
    from listen_coach.scoring import match_points
    from training import spoken_corpus

    if not spoken_corpus.available():
        rows.append({"name": "scoring.spoken_test.auc", "skipped": "no spoken corpus"})
        return
    from spacy.lang.en.stop_words import STOP_WORDS

    pairs = spoken_corpus.load_pairs("test")
    by_summary: dict[tuple[str, str], list[int]] = defaultdict(list)
    read = [spoken_corpus.as_read(p) for p in pairs]
    for i, (_, summary) in enumerate(read):
        by_summary[(pairs[i].talk_id, summary)].append(i)
    scores, covered = np.zeros(len(pairs)), np.zeros(len(pairs), bool)
    for (_, summary), idx in by_summary.items():
        for i, m in zip(idx, match_points([read[i][0] for i in idx], summary), strict=True):
            scores[i], covered[i] = m.score, m.covered
    y = np.array([p.label for p in pairs])
    kinds = np.array([p.kind for p in pairs])
    floor = np.array([_floor_share(u, s, set(STOP_WORDS)) for u, s in read])
    talks = sorted({p.talk_id for p in pairs})
    detail = f"{len(pairs)} pairs, {len(talks)} talks never trained or tuned on"
    for kind in spoken_corpus.KINDS:
        k = kinds == kind
        pos, neg = k & (y == 1), k & (y == 0)
        rows.append({"name": f"scoring.spoken_test.{kind}.recall",
                     "value": round(float(covered[pos].mean()), 3) if pos.any() else None,
                     "target": ">= 0.85" if kind == "paraphrase" else "",
                     "detail": f"{pos.sum()} conveyed points credited; false credit "
                     f"{covered[neg].mean():.3f} of {neg.sum()} not conveyed; word-overlap "
                     f"floor at 0.6 credits {(floor[pos] >= 0.6).mean():.2f}"})
    distorted = np.array([p.distorted for p in pairs])
    rows.append({"name": "scoring.spoken_test.distorted_false_credit",
                 "value": round(float(covered[distorted].mean()), 3), "target": "<= 0.10",
                 "detail": f"{distorted.sum()} points a distorted summary states wrongly"})
    off = (kinds == "off_topic") & (y == 0)
    rows.append({"name": "scoring.spoken_test.off_topic_false_credit",
                 "value": round(float(covered[off].mean()), 3), "target": "<= 0.02",
                 "detail": f"{off.sum()} points of talks an off-topic summary never stated"})
    ci_auc, ci_acc = _document_bootstrap([p.talk_id for p in pairs], y, scores, covered)
    rows.append({"name": "scoring.spoken_test.auc", "value": round(_auc(y, scores), 4),
                 "target": ">= 0.95", "detail": f"{detail}; 95 % CI by talk {ci_auc}; "
                 f"word-overlap floor {_auc(y, floor):.4f}"})
    rows.append({"name": "scoring.spoken_test.accuracy",
                 "value": round(float((covered == y).mean()), 4),
                 "detail": f"{detail}; 95 % CI by talk {ci_acc}; word-overlap floor "
                 f"{((floor >= 0.6) == y).mean():.4f}"})


def bench_points_vs_reference(rows: list[dict]) -> None:
    """Extracted points against the points people wrote for the same talk, on the
    spoken corpus's test split (transcribed speech, 130-280 words): the share of
    reference points some extracted point carries, and the share of extracted points
    that carry a reference point, both judged by the presence check; and how many."""
    from listen_coach.scoring import match_points
    from listen_coach.scoring.person import as_you, second_person
    from listen_coach.scoring.points import extract_points
    from training import spoken_corpus

    if not spoken_corpus.available():
        rows.append({"name": "scoring.points.reference_recall", "skipped": "no spoken corpus"})
        return
    talks = spoken_corpus.load_talks("test")
    found = carried = refs = extracted = 0
    counts = []
    for t in talks:
        mine = [p.text for p in extract_points(t.talk)]
        theirs = [as_you(r, t.speaker) for r in t.points]
        counts.append(len(mine))
        said = " ".join(second_person(m).rstrip(".") + "." for m in mine)
        found += sum(m.covered for m in match_points(theirs, said))
        carried += sum(m.covered for m in match_points(mine, " ".join(
            r.rstrip(".") + "." for r in theirs)))
        refs += len(theirs)
        extracted += len(mine)
    detail = (f"{len(talks)} talks; {extracted / len(talks):.1f} points extracted a talk "
              f"(range {min(counts)}-{max(counts)}), {refs / len(talks):.1f} written")
    rows.append({"name": "scoring.points.reference_recall", "value": round(found / refs, 3),
                 "target": ">= 0.80", "detail": detail})
    rows.append({"name": "scoring.points.precision", "value": round(carried / extracted, 3),
                 "target": ">= 0.70", "detail": detail})


def bench_round(rows: list[dict]) -> None:
    from listen_coach.scoring.report import score_round

    score_round(SPEAKER, SUMMARY)  # warm-up: models loaded, caches cold below
    from listen_coach.scoring import lexical, nlp, report

    times = []
    for i in range(7):
        nlp.clear_cache()
        lexical.analyse.cache_clear()
        report._extracted.cache_clear()  # the speaker's points too: the whole round
        started = time.perf_counter()
        result = score_round(SPEAKER + " " * i, SUMMARY + " " * i)
        times.append(time.perf_counter() - started)
    # The fastest run beside the median: on a shared machine other load moves the
    # median by a third from one run to the next; the fastest is the work itself.
    rows.append({"name": "scoring.round_ms", "value": round(statistics.median(times) * 1000, 1),
                 "target": "< 300", "detail": f"{len(SPEAKER.split())}-word talk, "
                 f"{len(SUMMARY.split())}-word summary, median of 7, cold caches; "
                 f"fastest {min(times) * 1000:.0f} ms; scored {result.overall}/100"})


def bench_counselling_questions(rows: list[dict]) -> None:
    """Questions and reflections (scoring/questions.py) against 200 counsellor
    utterances coded by MITI 4.2.1 (training/data/counselling-utterances.jsonl),
    written for evaluation and never used to write or tune the rules."""
    import json

    from listen_coach.scoring.questions import find_questions

    path = Path(__file__).resolve().parents[1] / "training" / "data" / \
        "counselling-utterances.jsonl"
    data = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]

    def kind(text: str) -> str:
        found = find_questions(text)
        return found[-1].kind if found else "none"  # an utterance is coded by its last act

    questions = [r for r in data if r["label"] in ("open", "closed")]
    said = [kind(r["text"]) for r in questions]
    reflections = [r for r in data if r["label"] == "reflection"]
    other = [r for r in data if r["label"] == "other"]
    no_mark = [k == r["label"] for k, r in zip(said, questions, strict=True)
               if "?" not in r["text"]]
    agreed = sum(k == r["label"] for k, r in zip(said, questions, strict=True))
    rows.append({"name": "scoring.questions.open_closed_agreement",
                 "value": round(agreed / len(questions), 3),
                 "target": ">= 0.80",
                 "detail": f"{len(questions)} coded questions (a missed question counts as "
                 f"wrong; {sum(k == 'none' for k in said)} missed); {len(no_mark)} without "
                 f"'?': {sum(no_mark) / max(1, len(no_mark)):.3f}"})
    rows.append({"name": "scoring.questions.reflections_called_questions",
                 "value": round(sum(kind(r["text"]) != "none" for r in reflections)
                                / len(reflections), 3), "target": "<= 0.10",
                 "detail": f"{len(reflections)} coded reflections (with '?', tags and summary "
                 f"openers); other statements called questions "
                 f"{sum(kind(r['text']) != 'none' for r in other)} of {len(other)}"})
