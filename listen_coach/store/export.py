"""Exports: CSV and JSON for spreadsheets and scripts, and bundles that merge the
rounds of a station that had no network into another station's database."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import asdict
from pathlib import Path

from listen_coach.store.db import StoreError
from listen_coach.store.repo import RoundDetail, RoundStart, Store

COMPONENTS = ("coverage", "faithfulness", "question", "feelings", "paraphrase", "interruptions")
CSV_COLUMNS = ("round", "date", "workshop", "participant", "partner", "kind", "exercise",
               "score", "scorer_score", "override_score", "override_reason", "interruptions",
               "encouragers", *COMPONENTS, "points_caught", "points", "notes")
BUNDLE_FORMAT = 1


def _details(store: Store, workshop: str | None) -> list[RoundDetail]:
    out = []
    for row in store.rounds(workshop=workshop):
        detail = store.round_detail(row.uid)
        if detail is not None:
            out.append(detail)
    return out


def to_csv(store: Store, workshop: str | None = None) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for d in _details(store, workshop):
        r, score = d.row, d.score or {}
        comps = score.get("components", {})
        points = score.get("points", [])
        writer.writerow([
            r.uid, r.started_at, r.workshop or "", r.listener, r.speaker or "", r.kind,
            r.exercise, r.score if r.score is not None else "", r.scorer_score or "",
            r.override_score if r.override_score is not None else "", d.override_reason or "",
            "" if r.interruptions is None else r.interruptions,
            "" if r.encouragers is None else r.encouragers,
            *[comps.get(c, "") for c in COMPONENTS],
            sum(1 for p in points if p.get("match", {}).get("covered")), len(points),
            " | ".join(n.text for n in d.notes)])
    return buf.getvalue()


def detail_dict(d: RoundDetail) -> dict:
    return {
        **asdict(d.row), "score": d.row.score,
        "phases": {name: {**asdict(p), "recording": str(p.recording) if p.recording else None}
                   for name, p in d.phases.items()},
        "scoring": d.score,
        "confirmations": [{"index": i, "point": p, "came_across": c, "scorer_covered": m}
                          for i, p, c, m in d.confirmations],
        "notes": [asdict(n) for n in d.notes],
        "override_reason": d.override_reason,
        "rulings": [{"index": i, **asdict(r)} for i, r in sorted(d.rulings.items())],
    }


def to_json(store: Store, workshop: str | None = None) -> str:
    return json.dumps([detail_dict(d) for d in _details(store, workshop)], indent=2,
                      ensure_ascii=False)


def write_bundle(store: Store, path: Path, workshop: str | None = None) -> int:
    """A zip of every finished round (and its recordings) that `read_bundle` can merge."""
    details = _details(store, workshop)
    rounds = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for d in details:
            item = detail_dict(d)
            for name, phase in d.phases.items():
                if phase.recording and phase.recording.exists():
                    arc = f"recordings/{d.row.uid}-{name}{phase.recording.suffix}"
                    zf.write(phase.recording, arc)
                    item["phases"][name]["recording"] = arc
                else:
                    item["phases"][name]["recording"] = None
            rounds.append(item)
        zf.writestr("bundle.json", json.dumps({"format": BUNDLE_FORMAT, "rounds": rounds},
                                              ensure_ascii=False))
    path.chmod(0o600)
    return len(rounds)


def read_bundle(store: Store, path: Path) -> tuple[int, int]:
    """Merge a bundle: rounds already present (same uid) are skipped. (added, skipped)."""
    try:
        zf = zipfile.ZipFile(path)
        data = json.loads(zf.read("bundle.json"))
    except (OSError, zipfile.BadZipFile, KeyError, json.JSONDecodeError, UnicodeDecodeError):
        raise StoreError(f"{path} is not a listen-coach bundle "
                         "(make one with `listen-coach export --bundle FILE`).") from None
    if data.get("format") != BUNDLE_FORMAT:
        raise StoreError(f"{path} is a bundle of format {data.get('format')}; this "
                         f"listen-coach reads format {BUNDLE_FORMAT}.")
    known = {r.uid for r in store.rounds(status=None)}
    added = skipped = 0
    with zf:
        for item in data["rounds"]:
            if item["uid"] in known:
                skipped += 1
                continue
            start = RoundStart(listener=item["listener"], speaker=item["speaker"],
                               kind=item["kind"], exercise=item["exercise"],
                               exercise_title=item["exercise_title"], workshop=item["workshop"],
                               uid=item["uid"], started_at=item["started_at"],
                               session_uid=f"import-{item['uid']}", station="import")
            store.begin_round(start)
            for name, phase in item["phases"].items():
                recording = None
                if phase.get("recording"):
                    recording = store.recording_path(item["uid"], name)
                    recording.write_bytes(zf.read(phase["recording"]))
                    recording.chmod(0o600)
                store.save_phase(item["uid"], name, text=phase["text"], words=phase["words"],
                                 turns=phase["turns"], seconds=phase["seconds"],
                                 recording=recording, started_at=phase["started_at"])
            if item.get("scoring"):
                store.save_score(item["uid"], item["scoring"])
            if item["confirmations"]:
                store.save_confirmations(item["uid"], [
                    (c["index"], c["point"], c["came_across"], c["scorer_covered"])
                    for c in item["confirmations"]])
            for ruling in item.get("rulings", []):
                store.rule(item["uid"], ruling["index"], ruling["verdict"], ruling["by"])
            for note in item["notes"]:
                store.add_note(item["uid"], note["text"])
            if item.get("override_score") is not None:
                store.override_score(item["uid"], item["override_score"],
                                     item.get("override_reason") or "imported")
            store.finish_round(item["uid"], item["status"])
            added += 1
    return added, skipped
