"""Exports: CSV and JSON for spreadsheets and scripts, and bundles that merge the
rounds of a station that had no network into another station's database."""

from __future__ import annotations

import csv
import io
import json
import shutil
import uuid
import zipfile
import zlib
from dataclasses import asdict
from pathlib import Path

from listen_coach.store.db import StoreError
from listen_coach.store.repo import RoundDetail, RoundStart, Store
from listen_coach.turns.overlaps import from_records

COMPONENTS = ("coverage", "faithfulness", "question", "feelings", "paraphrase", "interruptions")
#: The score components (0-1) are columns of their own, named with "_score" where a
#: count of the same name comes first ("interruptions" is how many; the component
#: "interruptions_score" is what they cost).
CSV_COLUMNS = ("round", "date", "workshop", "participant", "partner", "kind", "exercise",
               "score", "scorer_score", "override_score", "override_reason", "interruptions",
               "encouragers", *(c if c != "interruptions" else "interruptions_score"
                                for c in COMPONENTS), "points_caught", "points", "notes")
BUNDLE_FORMAT = 1


def _details(store: Store, workshop: str | None) -> list[RoundDetail]:
    out = []
    for row in store.rounds(workshop=workshop):
        detail = store.round_detail(row.uid)
        if detail is not None:
            out.append(detail)
    return out


#: A spreadsheet runs a cell that starts with one of these as a formula
#: (=HYPERLINK("http://...") in a participant's name); such a cell gets a leading
#: apostrophe, which spreadsheets show as text (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(store: Store, workshop: str | None = None) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for d in _details(store, workshop):
        r, score = d.row, d.score or {}
        comps = score.get("components", {})
        points = score.get("points", [])
        writer.writerow([_cell(c) for c in (
            r.uid, r.started_at, r.workshop or "", r.listener, r.speaker or "", r.kind,
            r.exercise, r.score if r.score is not None else "", r.scorer_score or "",
            r.override_score if r.override_score is not None else "", d.override_reason or "",
            "" if r.interruptions is None else r.interruptions,
            "" if r.encouragers is None else r.encouragers,
            *[comps.get(c, "") for c in COMPONENTS],
            sum(1 for p in points if p.get("match", {}).get("covered")), len(points),
            " | ".join(n.text for n in d.notes))])
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


#: The largest recording a bundle may hold: an hour of 16 kHz stereo FLAC is about
#: 100 MB, and a phase lasts minutes. A bigger entry is refused, so that a small
#: damaged or hostile bundle cannot unpack gigabytes.
MAX_RECORDING_BYTES = 200 * 1024 * 1024
_ROUND_KEYS = ("uid", "listener", "speaker", "kind", "exercise", "exercise_title", "workshop",
               "started_at", "status", "phases", "confirmations", "notes")


def _checked(path: Path) -> tuple[zipfile.ZipFile, list[dict]]:
    """Open a bundle and check all of it (its JSON, every recording's size and CRC)
    before anything is written, so a damaged bundle changes nothing."""
    bad = StoreError(f"{path} is not a listen-coach bundle "
                     "(make one with `listen-coach export --bundle FILE`).")
    try:
        zf = zipfile.ZipFile(path)
        data = json.loads(zf.read("bundle.json"))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError, zlib.error):
        raise bad from None
    if not isinstance(data, dict):
        raise bad
    if data.get("format") != BUNDLE_FORMAT:
        raise StoreError(f"{path} is a bundle of format {data.get('format')}; this "
                         f"listen-coach reads format {BUNDLE_FORMAT}.")
    rounds = data.get("rounds")
    if not isinstance(rounds, list) or not all(
            isinstance(r, dict) and all(k in r for k in _ROUND_KEYS)
            and isinstance(r["phases"], dict) for r in rounds):
        raise StoreError(f"{path} is damaged: its list of rounds is incomplete; nothing was "
                         "imported. Export it again from the other station.")
    for item in rounds:
        for phase in item["phases"].values():
            arc = phase.get("recording") if isinstance(phase, dict) else None
            if not arc:
                continue
            try:
                info = zf.getinfo(arc)
                if info.file_size > MAX_RECORDING_BYTES:
                    raise StoreError(f"{path} holds a recording of {info.file_size:,} bytes "
                                     f"({arc}), more than a phase can be; nothing was imported.")
                with zf.open(info) as f:  # reading to the end checks the CRC
                    while f.read(1 << 20):
                        pass
            except (KeyError, zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise StoreError(f"{path} is damaged ({arc} of round {item['uid'][:8]} "
                                 f"cannot be read: {type(exc).__name__}); nothing was imported. "
                                 "Export it again from the other station.") from None
    return zf, rounds


def import_session_uid(round_uid: str) -> str:
    """The session an imported round goes into: a uuid (36 characters, the column's
    width) made from the round's own, so importing twice finds the same one."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"listen-coach/import/{round_uid}"))


def read_bundle(store: Store, path: Path) -> tuple[int, int]:
    """Merge a bundle: rounds already present (same uid, finished) are skipped; a
    round a failed import left unfinished is imported again. (added, skipped)."""
    zf, rounds = _checked(path)
    known = {r.uid for r in store.rounds(status=None) if r.status != "in_progress"}
    added = skipped = 0
    with zf:
        for item in rounds:
            if item["uid"] in known:
                skipped += 1
                continue
            _import_round(store, zf, item)
            added += 1
    return added, skipped


def _import_round(store: Store, zf: zipfile.ZipFile, item: dict) -> None:
    start = RoundStart(listener=item["listener"], speaker=item["speaker"],
                       kind=item["kind"], exercise=item["exercise"],
                       exercise_title=item["exercise_title"], workshop=item["workshop"],
                       uid=item["uid"], started_at=item["started_at"],
                       session_uid=import_session_uid(item["uid"]), station="import")
    store.begin_round(start)
    for name, phase in item["phases"].items():
        recording = None
        if phase.get("recording"):
            recording = store.recording_path(item["uid"], name)
            with zf.open(phase["recording"]) as src, open(recording, "wb") as dst:
                shutil.copyfileobj(src, dst)
            recording.chmod(0o600)
        store.save_phase(item["uid"], name, text=phase.get("text", ""),
                         words=phase.get("words", []), turns=from_records(phase.get("turns")),
                         seconds=phase.get("seconds", 0.0), recording=recording,
                         started_at=phase.get("started_at"))
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
