"""The labelled export: the workshop's ticked points as judgment data, opt-in.

`listen-coach export --judgments F.jsonl` writes one line per finished pair round
in the shape of the project's spoken judgment corpus (training/data/README.md):
the talk, its points, and the listener's summary with a 1/0 label per point, so
the file can be added to training or evaluation as it is. Beside the label each
summary carries the speaker's ticks, the scorer's verdicts and confidences, and
the facilitator's rulings, so whoever uses the file can choose what to trust.

The label is the speaker's tick, unless a facilitator ruled that the scorer was
right on that point: the speaker knows what they meant, and a facilitator who
looked again knows better than either.

Privacy: names are replaced by placeholders (the speaker is SPEAKER, the listener
LISTENER, every other name NAME1, NAME2, ... within the round), and nothing else
about the participants goes in: no dates, workshop, station or round id. Each
export is noted in the data folder (path, checksum, which round each line came
from, none of it in the file) so that `forget NAME` can take that participant's
lines out of every export file still where it was written, and unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from listen_coach.store.audit import PointVerdict, verdicts
from listen_coach.store.db import StoreError, private_dir
from listen_coach.store.repo import Store

#: Where exports are noted, inside the (private) data folder.
REGISTRY = "judgment-exports.json"
SPEAKER, LISTENER = "SPEAKER", "LISTENER"
#: Proper nouns that are not people or places and are needed to read a point.
_NOT_NAMES = {m.casefold() for m in (
    "January February March April May June July August September October November "
    "December Monday Tuesday Wednesday Thursday Friday Saturday Sunday I OK Okay Mr Mrs Ms "
    "Dr Christmas Easter English").split()}


@dataclass(frozen=True)
class JudgmentExport:
    path: Path
    rounds: int
    points: int


def _placeholders(texts: list[str], speaker: str | None, listener: str,
                  known: list[str]) -> dict[str, str]:
    """Name -> placeholder for one round: the two partners first, then every other
    participant and every proper noun the tagger finds, in order of appearance."""
    from listen_coach.scoring.nlp import parse

    names: dict[str, str] = {}
    if speaker:
        names[speaker.casefold()] = SPEAKER
    names.setdefault(listener.casefold(), LISTENER)
    found: list[str] = []
    for text in texts:
        low = text.casefold()
        found += [n for n in known if n.casefold() not in names and
                  re.search(rf"\b{re.escape(n.casefold())}\b", low)]
        found += [t.text for t in parse(text) if t.pos_ == "PROPN" and t.text[:1].isupper()
                  and t.text.casefold() not in _NOT_NAMES and t.text.isalpha()]
    for name in found:
        if name.casefold() not in names:
            names[name.casefold()] = f"NAME{sum(v.startswith('NAME') for v in names.values()) + 1}"
    return names


def anonymise(text: str, names: dict[str, str]) -> str:
    """`text` with every name of `names` (whole words, any case, with "'s") replaced."""
    if not names:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in
                                            sorted(names, key=len, reverse=True)) + r")\b",
                         re.IGNORECASE)
    return pattern.sub(lambda m: names[m.group(1).casefold()], text)


def label(v: PointVerdict) -> int:
    """The speaker's tick, or the scorer's verdict where a facilitator ruled for it."""
    return int(v.scorer_covered if v.ruling == "scorer" else v.came_across)


def records(store: Store, workshop: str | None = None) -> tuple[list[dict], list[str]]:
    """The export's lines, and the round uid each came from (kept out of the file)."""
    points = verdicts(store, workshop)
    by_round: dict[str, list[PointVerdict]] = {}
    for v in points:
        by_round.setdefault(v.round_uid, []).append(v)
    known = store.participants()
    lines, uids = [], []
    for n, (uid, vs) in enumerate(by_round.items(), start=1):
        detail = store.round_detail(uid)
        if detail is None:
            continue
        speak, summary = detail.phases.get("speak"), detail.phases.get("summary")
        talk, said = (speak.text if speak else ""), (summary.text if summary else "")
        first = vs[0]
        names = _placeholders([talk, said, *(v.point for v in vs)], first.speaker,
                              first.listener, known)
        scored = (detail.score or {}).get("points", [])
        scores = [scored[v.index]["match"].get("score") if v.index < len(scored) else None
                  for v in vs]
        lines.append({
            "talk_id": f"workshop-{n:04d}", "topic": first.exercise, "speaker": SPEAKER,
            "talk": anonymise(talk, names),
            "points": [anonymise(v.point, names) for v in vs],
            "summaries": [{
                "kind": "workshop", "text": anonymise(said, names),
                "labels": [label(v) for v in vs], "distorted": [],
                "speaker_ticks": [int(v.came_across) for v in vs],
                "scorer": [int(v.scorer_covered) for v in vs],
                "scorer_scores": [None if s is None else round(float(s), 4) for s in scores],
                "rulings": [v.ruling for v in vs]}]})
        uids.append(uid)
    return lines, uids


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _registry(store: Store) -> list[dict]:
    path = store.data_path / REGISTRY
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [e for e in data if isinstance(e, dict) and {"path", "sha256", "rounds"} <= set(e)]
    except (OSError, ValueError, TypeError):
        return []


def _save_registry(store: Store, entries: list[dict]) -> None:
    path = private_dir(store.data_path) / REGISTRY
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries, indent=1), encoding="utf-8")
    tmp.chmod(0o600)
    os.replace(tmp, path)


def _write_lines(path: Path, lines: list[dict]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines),
                   encoding="utf-8")
    tmp.chmod(0o600)
    os.replace(tmp, path)


def write(store: Store, path: Path, workshop: str | None = None) -> JudgmentExport:
    """Write the export to `path` (readable by the user only) and note it."""
    path = Path(path).expanduser().absolute()
    if path.is_dir():
        raise StoreError(f"{path} is a folder; give a file name such as judgments.jsonl.")
    if not path.parent.is_dir():
        raise StoreError(f"The folder {path.parent} does not exist.")
    lines, uids = records(store, workshop)
    try:
        _write_lines(path, lines)
    except OSError as exc:
        raise StoreError(f"Cannot write {path} ({exc.strerror or exc}).") from None
    entries = [e for e in _registry(store) if e["path"] != str(path)]
    entries.append({"path": str(path), "sha256": _digest(path), "rounds": uids})
    _save_registry(store, entries)
    return JudgmentExport(path, len(lines), sum(len(r["points"]) for r in lines))


def scrub(store: Store, round_uids: set[str]) -> tuple[int, list[str]]:
    """Take the lines of `round_uids` out of every noted export file. Returns how many
    files were rewritten, and the paths that could not be (moved or edited since)."""
    if not round_uids:
        return 0, []
    rewritten, skipped, kept = 0, [], []
    for entry in _registry(store):
        path = Path(entry["path"])
        if not any(u in round_uids for u in entry["rounds"]):
            kept.append(entry)
            continue
        try:
            current = path.read_text(encoding="utf-8").splitlines()
            unchanged = _digest(path) == entry["sha256"] and len(current) == len(entry["rounds"])
        except OSError:
            continue  # gone: nothing to take out, nothing more to note
        if not unchanged:
            skipped.append(str(path))
            kept.append(entry)
            continue
        pairs = [(u, line) for u, line in zip(entry["rounds"], current, strict=True)
                 if u not in round_uids]
        _write_lines(path, [json.loads(line) for _, line in pairs])
        kept.append({"path": str(path), "sha256": _digest(path), "rounds": [u for u, _ in pairs]})
        rewritten += 1
    _save_registry(store, kept)
    return rewritten, skipped
