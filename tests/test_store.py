"""The sessions store on its real backends: SQLite, and PostgreSQL from the Debian
package (a private server started for the session)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from listen_coach.store import open_store
from listen_coach.store.db import StoreError
from listen_coach.store.repo import RoundStart, Store
from listen_coach.turns.overlaps import OverlapEvent

ROOT = Path(__file__).resolve().parents[1]
SCORE = {"overall": 72, "components": {"coverage": 0.6, "question": 1.0},
         "points": [{"match": {"point": "a", "covered": True}}], "interruptions": 1,
         "encouragers": 2}


def _round(store: Store, listener="Alex", speaker="Sam", workshop="Spring", **kw) -> str:
    start = RoundStart(listener=listener, speaker=speaker, workshop=workshop,
                       exercise="mentor-advice", exercise_title="Advice that stuck", **kw)
    assert store.begin_round(start)
    return start.uid


def test_a_whole_round_round_trips(store):
    uid = _round(store)
    rec = store.recording_path(uid, "speak")
    rec.write_bytes(b"fLaC")
    turns = [OverlapEvent("interruption", "Alex", 3.0, 4.2, over="Sam"),
             OverlapEvent("backchannel", "Alex", 9.0, 9.3)]
    store.save_phase(uid, "speak", text="I had a mentor.", words=[["I", 0.0, 0.2]],
                     turns=turns, seconds=62.5, recording=rec)
    store.save_phase(uid, "summary", text="You had a mentor. What did she say?", seconds=31)
    store.save_score(uid, SCORE)
    store.save_confirmations(uid, [(0, "I had a mentor", True, True), (1, "x", False, True)])
    store.add_note(uid, "Good open question.")
    store.override_score(uid, 80, "the scorer missed a paraphrase")
    store.finish_round(uid)

    [row] = store.rounds()
    assert (row.listener, row.speaker, row.workshop, row.exercise) == (
        "Alex", "Sam", "Spring", "mentor-advice")
    assert (row.scorer_score, row.override_score, row.score) == (72, 80, 80)
    assert (row.interruptions, row.encouragers) == (1, 2)
    detail = store.round_detail(uid)
    assert detail.phases["speak"].recording == rec
    assert detail.phases["speak"].turns == turns
    assert detail.phases["summary"].text.endswith("What did she say?")
    assert detail.score["components"]["coverage"] == 0.6
    assert detail.confirmations == [(0, "I had a mentor", True, True), (1, "x", False, True)]
    assert [n.text for n in detail.notes] == ["Good open question."]
    assert detail.override_reason == "the scorer missed a paraphrase"
    assert store.participants() == ["Alex", "Sam"] and store.workshops() == ["Spring"]


def test_filters_and_unfinished_rounds(store):
    done = _round(store, listener="Alex")
    store.finish_round(done)
    _round(store, listener="Bea", workshop="Autumn")  # left in progress
    assert [r.listener for r in store.rounds()] == ["Alex"]
    assert [r.listener for r in store.unfinished()] == ["Bea"]
    assert store.rounds(workshop="Autumn") == []
    assert [r.listener for r in store.rounds(participant="Bea", status=None)] == ["Bea"]


def test_override_needs_a_reason_and_a_valid_score(store):
    uid = _round(store)
    with pytest.raises(StoreError, match="reason"):
        store.override_score(uid, 50, " ")
    with pytest.raises(StoreError, match="between 0 and 100"):
        store.override_score(uid, 140, "typo")


def test_forget_removes_rows_and_recordings(store):
    a = _round(store, listener="Alex", speaker="Sam")
    b = _round(store, listener="Sam", speaker="Alex")
    c = _round(store, listener="Cy", speaker="Di")
    for uid in (a, b, c):
        rec = store.recording_path(uid, "speak")
        rec.write_bytes(b"fLaC")
        store.save_phase(uid, "speak", recording=rec)
        store.finish_round(uid)
    gone = store.forget("Alex")
    assert (gone.rounds, gone.files) == (2, 2)
    assert [r.uid for r in store.rounds()] == [c]
    assert "Alex" not in store.participants()
    assert not store.recording_path(a, "speak").exists()
    assert store.recording_path(c, "speak").exists()
    with pytest.raises(StoreError, match="No participant"):
        store.forget("Alex")


def test_export_bundle_merges_into_another_store(store, tmp_path):
    from listen_coach.store.export import read_bundle, to_csv, to_json, write_bundle

    uid = _round(store)
    rec = store.recording_path(uid, "speak")
    rec.write_bytes(b"fLaC-audio")
    store.save_phase(uid, "speak", text="hello", recording=rec)
    store.save_score(uid, SCORE)
    store.add_note(uid, "note, with a comma")
    store.finish_round(uid)
    csv_text = to_csv(store)
    assert csv_text.splitlines()[0].startswith("round,date,workshop,participant")
    assert '"note, with a comma"' in csv_text and ",72," in csv_text
    assert json.loads(to_json(store))[0]["scoring"]["overall"] == 72

    bundle = tmp_path / "station2.zip"
    assert write_bundle(store, bundle) == 1
    other = open_store(tmp_path / "other", database="")
    assert read_bundle(other, bundle) == (1, 0)
    assert read_bundle(other, bundle) == (0, 1)  # merging twice adds nothing
    detail = other.round_detail(uid)
    assert detail.phases["speak"].recording.read_bytes() == b"fLaC-audio"
    assert detail.row.score == 72 and [n.text for n in detail.notes] == ["note, with a comma"]


def test_a_bad_bundle_is_one_sentence(tmp_path):
    from listen_coach.store.export import read_bundle

    bad = tmp_path / "x.zip"
    bad.write_text("not a zip")
    with pytest.raises(StoreError, match="is not a listen-coach bundle"):
        read_bundle(open_store(tmp_path / "d", database=""), bad)


def test_sqlite_files_are_private(tmp_path):
    store = open_store(tmp_path / "data", database="")
    uid = _round(store)
    db = tmp_path / "data" / "listen-coach.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    assert stat.S_IMODE(store.recording_path(uid, "x").parent.stat().st_mode) == 0o700
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_schema_version_and_a_newer_database(tmp_path):
    store = open_store(tmp_path / "data", database="")
    store.rounds()
    db = tmp_path / "data" / "listen-coach.db"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM meta").fetchone()[0] == "2"
        conn.execute("UPDATE meta SET value = '99'")
    with pytest.raises(StoreError, match="newer listen-coach"):
        open_store(tmp_path / "data", database="").rounds()


def test_a_bad_database_url_is_one_sentence(tmp_path):
    with pytest.raises(StoreError, match="must be a postgresql://"):
        open_store(tmp_path, database="mysql://x@y/z")


WRITER = textwrap.dedent("""
    import sys
    from listen_coach.store import open_store
    from listen_coach.store.repo import RoundStart
    store = open_store(sys.argv[1], database="")
    for i in range(int(sys.argv[3])):
        start = RoundStart(listener=sys.argv[2], speaker="Partner", number=i)
        store.begin_round(start)
        store.save_phase(start.uid, "speak", text="x" * 2000, seconds=60)
        store.save_score(start.uid, {"overall": i % 100, "components": {}})
        store.finish_round(start.uid)
        assert store.problem is None, store.problem
""")


def test_two_instances_writing_one_sqlite_file(tmp_path):
    data = tmp_path / "data"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(data), name, "40"],
                              stderr=subprocess.PIPE, text=True) for name in ("Ann", "Ben")]
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read()
    store = open_store(data, database="")
    assert len(store.rounds(participant="Ann")) == 40
    assert len(store.rounds(participant="Ben")) == 40
    with sqlite3.connect(data / "listen-coach.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not (data / "pending-writes.jsonl").exists()


KILLED = textwrap.dedent("""
    import os, signal, sys
    from listen_coach.store import open_store
    from listen_coach.store.repo import RoundStart
    store = open_store(sys.argv[1], database="")
    start = RoundStart(listener="Alex", speaker="Sam", uid="round-1")
    store.begin_round(start)
    rec = store.recording_path(start.uid, "speak")
    rec.write_bytes(b"fLaC")
    store.save_phase(start.uid, "speak", text="the speak phase", recording=rec)
    print("ready", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # the summary phase never ends
""")


def test_a_killed_app_keeps_completed_phases(tmp_path):
    data = tmp_path / "data"
    run = subprocess.run([sys.executable, "-c", KILLED, str(data)], capture_output=True, text=True)
    assert run.returncode == -signal.SIGKILL and "ready" in run.stdout
    store = open_store(data, database="")
    [left] = store.unfinished()
    assert left.uid == "round-1"
    detail = store.round_detail("round-1")
    assert detail.phases["speak"].text == "the speak phase"
    assert detail.phases["speak"].recording.exists()
    store.finish_round("round-1", "discarded")
    assert store.unfinished() == []


def test_lost_postgres_connection_is_retried_reported_and_kept(postgres, tmp_path):
    store = open_store(tmp_path / "data", database=postgres.create_db("lost"))
    uid = _round(store)
    postgres.stop("immediate")  # the server goes away mid-round
    try:
        assert store.save_phase(uid, "speak", text="kept while the server was down") is False
        assert "cannot be reached" in store.problem and "kept on this computer" in store.problem
        assert store.pending() == 1
        assert store.save_score(uid, SCORE) is False and store.pending() == 2
        with pytest.raises(StoreError, match="cannot be read"):
            store.rounds()
    finally:
        postgres.start()
    assert store.finish_round(uid) is True  # flushes the outbox first, in order
    assert store.pending() == 0 and store.problem is None
    detail = store.round_detail(uid)
    assert detail.phases["speak"].text == "kept while the server was down"
    assert detail.row.score == 72 and detail.row.status == "done"


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:  # bound, then closed: connections are refused
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_pruning_and_forgetting_on_an_unreachable_database_are_one_sentence(tmp_path):
    """The app prunes old recordings as it opens the store, and `forget` writes at
    once: neither may end in a driver traceback when the server is not there."""
    store = open_store(tmp_path / "data",
                       database=f"postgresql://lc:lc@127.0.0.1:{_closed_port()}/lc")
    with pytest.raises(StoreError, match="cannot be reached .*refused"):
        store.prune_recordings(30)
    with pytest.raises(StoreError, match="cannot be reached"):
        store.forget("Sam")
    with pytest.raises(StoreError, match="cannot be read"):
        store.unfinished()


def test_cli_export_report_forget(tmp_path, hermetic_settings):
    store = open_store()
    uid = _round(store)
    store.save_score(uid, SCORE)
    store.save_confirmations(uid, [(0, "Alex had a mentor", True, False)])
    store.finish_round(uid)
    cli = [sys.executable, "-m", "listen_coach"]
    judged = tmp_path / "judgments.jsonl"
    run = subprocess.run([*cli, "export", "--judgments", str(judged)], capture_output=True,
                         text=True)
    assert run.returncode == 0 and "1 judged point(s) from 1 pair round(s)" in run.stdout
    assert json.loads(judged.read_text())["points"] == ["LISTENER had a mentor"]
    run = subprocess.run([*cli, "export", "--judgments", str(tmp_path)], capture_output=True,
                         text=True)
    assert run.returncode == 2 and "is a folder" in run.stderr and "Traceback" not in run.stderr
    out = subprocess.run([*cli, "export", "--format", "json"], capture_output=True, text=True)
    assert out.returncode == 0 and json.loads(out.stdout)[0]["listener"] == "Alex"
    report = tmp_path / "report.html"
    run = subprocess.run([*cli, "report", "--workshop", "Spring", "--out", str(report)],
                         capture_output=True, text=True)
    assert run.returncode == 0 and 'class="chart progress"' in report.read_text()
    for bad in (["export", "--bundle", str(tmp_path)],
                ["report", "--out", str(tmp_path / "no" / "such" / "report.html")],
                ["export", "--out", str(tmp_path / "no" / "rounds.csv")]):
        run = subprocess.run([*cli, *bad], capture_output=True, text=True)
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
        assert "is a folder; give a file name" in run.stderr or "does not exist" in run.stderr
    run = subprocess.run([*cli, "report", "--workshop", "Nope"], capture_output=True, text=True)
    assert run.returncode == 2 and "No workshop called 'Nope'" in run.stderr
    run = subprocess.run([*cli, "forget", "Alex", "--yes"], capture_output=True, text=True)
    assert run.returncode == 0 and "1 round(s)" in run.stdout
    assert "out of 1 judgment export(s)" in run.stdout and judged.read_text() == ""


def _bundle_of_one(tmp_path, audio: bytes = b"fLaC" + bytes(range(256)) * 40):
    from listen_coach.store.export import write_bundle

    source = open_store(tmp_path / "source", database="")
    uid = _round(source)
    rec = source.recording_path(uid, "speak")
    rec.write_bytes(audio)
    source.save_phase(uid, "speak", text="hello", recording=rec)
    source.save_score(uid, SCORE)
    source.finish_round(uid)
    bundle = tmp_path / "one.zip"
    write_bundle(source, bundle)
    return bundle, uid


def test_a_bundle_imports_into_postgresql(postgres, tmp_path):
    from listen_coach.store.export import read_bundle

    bundle, uid = _bundle_of_one(tmp_path)
    target = open_store(tmp_path / "pg", database=postgres.create_db("imported"))
    assert read_bundle(target, bundle) == (1, 0)
    assert read_bundle(target, bundle) == (0, 1)
    assert target.round_detail(uid).row.status == "done"


def _rewrite(bundle, tmp_path, change):
    """A copy of `bundle` with its entries passed through `change(name, bytes)`."""
    import zipfile

    out = tmp_path / "changed.zip"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = change(info.filename, src.read(info))
            if data is not None:
                dst.writestr(info, data)
    return out


def test_a_damaged_bundle_changes_nothing_and_the_intact_one_still_imports(tmp_path):
    from listen_coach.store.export import read_bundle

    bundle, uid = _bundle_of_one(tmp_path)
    target = open_store(tmp_path / "target", database="")
    raw = bytearray(bundle.read_bytes())
    at = raw.find(b"fLaC")  # stored uncompressed? flip a byte of the entry either way
    flipped = tmp_path / "flipped.zip"
    raw[at + 100 if at >= 0 else len(raw) // 3] ^= 0xFF
    flipped.write_bytes(bytes(raw))
    missing = _rewrite(bundle, tmp_path, lambda name, data: None if name.startswith(
        "recordings/") else data)
    for bad in (flipped, missing):
        with pytest.raises(StoreError, match="damaged|not a listen-coach bundle"):
            read_bundle(target, bad)
        assert target.rounds(status=None) == []
    assert read_bundle(target, bundle) == (1, 0)
    assert target.round_detail(uid).phases["speak"].recording.read_bytes().startswith(b"fLaC")


def test_a_round_a_failed_import_left_unfinished_is_imported_again(tmp_path):
    from listen_coach.store.export import read_bundle

    bundle, uid = _bundle_of_one(tmp_path)
    target = open_store(tmp_path / "target", database="")
    target.begin_round(RoundStart(listener="Alex", uid=uid))  # a stub, as older imports left
    assert read_bundle(target, bundle) == (1, 0)
    assert target.round_detail(uid).row.status == "done"


@pytest.mark.parametrize("rounds", ['"lots"', '[{"uid": "x"}]', "[1, 2]"])
def test_a_malformed_bundle_list_is_one_sentence(tmp_path, rounds):
    from listen_coach.store.export import read_bundle

    bundle, _ = _bundle_of_one(tmp_path)
    broken = _rewrite(bundle, tmp_path, lambda name, data: (
        f'{{"format": 1, "rounds": {rounds}}}'.encode() if name == "bundle.json" else data))
    target = open_store(tmp_path / "target", database="")
    with pytest.raises(StoreError, match="damaged"):
        read_bundle(target, broken)
    assert target.rounds(status=None) == []


def test_a_recording_too_big_to_be_a_phase_is_refused(tmp_path, monkeypatch):
    from listen_coach.store import export

    bundle, _ = _bundle_of_one(tmp_path)
    monkeypatch.setattr(export, "MAX_RECORDING_BYTES", 1000)  # the entry holds 10 kB
    target = open_store(tmp_path / "target", database="")
    with pytest.raises(StoreError, match="more than a phase can be"):
        export.read_bundle(target, bundle)
    assert target.rounds(status=None) == []


def test_csv_cells_are_never_formulas(tmp_path):
    from listen_coach.store.export import to_csv

    store = open_store(tmp_path / "data", database="")
    uid = _round(store, listener='=HYPERLINK("http://x","y")', speaker="@Sam",
                 workshop="+Spring")
    store.save_score(uid, SCORE)
    store.add_note(uid, "-2 points for the question")
    store.finish_round(uid)
    import csv
    import io

    [header, row] = list(csv.reader(io.StringIO(to_csv(store))))
    cells = dict(zip(header, row, strict=True))
    assert cells["participant"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert (cells["partner"], cells["workshop"], cells["notes"]) == (
        "'@Sam", "'+Spring", "'-2 points for the question")
    assert cells["score"] == "72"


def test_the_csv_header_names_each_column_once(tmp_path):
    from listen_coach.store.export import CSV_COLUMNS, to_csv

    assert len(set(CSV_COLUMNS)) == len(CSV_COLUMNS)
    header = to_csv(open_store(tmp_path / "d", database="")).splitlines()[0].split(",")
    assert header.count("interruptions") == 1 and "interruptions_score" in header


def test_the_review_filter_matches_the_start_of_words():
    from listen_coach.store.records import RoundRow
    from listen_coach.tui.screens.review import matches

    row = RoundRow(1, "u", "Tomasz", "Priya", "pair", "customer-complaint",
                   "An unhappy customer", "Spring 2026", "2026-01-01", "done", 50, None, 0, 0)
    assert matches(row, "tom") and matches(row, "spring pri") and matches(row, "")
    assert not matches(row, "tom customers") and not matches(row, "ustom")
    assert not matches(row, "asz")


def test_an_existing_data_folder_keeps_its_permissions(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    store = open_store(shared, database="")
    uid = _round(store)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755  # the user's folder, untouched
    assert stat.S_IMODE((shared / "listen-coach.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(store.recording_path(uid, "x").parent.stat().st_mode) == 0o700


def test_the_outbox_loses_no_write_to_a_flush_running_beside_its_writers(tmp_path):
    """Four threads keep writes while a fifth flushes them (as the capture worker,
    the final-transcript thread and the app's periodic flush do): every write ends
    up flushed or still kept, none twice."""
    import threading

    from listen_coach.store.outbox import Outbox

    box = Outbox(tmp_path / "data")
    (tmp_path / "data").mkdir()
    flushed: list[str] = []
    done = threading.Event()

    def writer(w: int) -> None:
        for i in range(60):
            box.append("save_phase", {"id": f"{w}-{i}"})

    def flusher() -> None:
        while not done.is_set():
            with box.locked():
                items = box.items()
                flushed.extend(item["args"]["id"] for item in items[:3])
                box.keep(items[3:])

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    flush = threading.Thread(target=flusher)
    flush.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    flush.join()
    kept = [item["args"]["id"] for item in box.items()]
    everything = sorted(flushed + kept)
    assert everything == sorted(f"{w}-{i}" for w in range(4) for i in range(60))


def test_a_line_cut_short_in_the_outbox_is_skipped_not_fatal(tmp_path):
    from listen_coach.store.outbox import Outbox

    box = Outbox(tmp_path)
    box.append("add_note", {"round_uid": "x", "text": "kept"})
    with open(box.path, "a") as fh:
        fh.write('{"op": "add_note", "args": {"round')  # a crash mid-write
    assert [i["args"]["text"] for i in box.items()] == ["kept"]


def test_kept_writes_reach_postgresql_when_it_returns_while_the_app_runs(postgres, tmp_path):
    store = open_store(tmp_path / "data", database=postgres.create_db("returns"))
    uid = _round(store)
    postgres.stop("immediate")
    try:
        assert not store.add_note(uid, "while the server was away")
        assert store.pending() == 1 and not store.try_flush() and store.problem
    finally:
        postgres.start()
    assert store.try_flush() and store.pending() == 0 and store.problem is None
    assert [n.text for n in store.round_detail(uid).notes] == ["while the server was away"]


@pytest.mark.parametrize("content", [b"not a database at all, just text",
                                     b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_damaged_sessions_file_is_one_sentence(tmp_path, content):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "listen-coach.db").write_bytes(content)
    store = open_store(tmp_path / "data", database="")
    with pytest.raises(StoreError, match="cannot be opened .* Move it aside"):
        store.rounds()
    run = subprocess.run([sys.executable, "-m", "listen_coach", "report"], capture_output=True,
                         text=True, timeout=120,
                         env={**os.environ, "LISTEN_COACH_DATA_DIR": str(tmp_path / "data")})
    assert run.returncode == 2 and "Move it aside" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_data_folder_that_is_a_file_is_one_sentence(tmp_path):
    (tmp_path / "data").write_text("a file in the way")
    with pytest.raises(StoreError, match="cannot be made"):
        open_store(tmp_path / "data", database="").rounds()
