"""Exercise packs: the bundled library is complete and valid, and broken packs are
reported with file and line without stopping anything else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from listen_coach.drill.packs import DIFFICULTIES, MAX_POINTS, MIN_POINTS, load_library, load_pack

GOOD_PASSAGE = """
[[passage]]
id = "p1"
title = "A passage"
speaker = "Sam"
audio = {{ normal = "{audio}" }}
text = \"\"\"{text}\"\"\"
{points}
"""
POINT = '\n[[passage.point]]\ntext = "Point number {n} is here."\nweight = 1.0\n'
TEXT = " ".join(["Sam talked about the week and the long project at work."] * 8)


def _passage_pack(tmp_path: Path, audio: str = "a.ogg", points: int = 5,
                  extra: str = "") -> Path:
    body = GOOD_PASSAGE.format(audio=audio, text=TEXT,
                               points="".join(POINT.format(n=i) for i in range(points)))
    path = tmp_path / "mine.toml"
    path.write_text('[pack]\nname = "Mine"\n' + body + extra, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def library():
    return load_library(check_audio=True)


def test_bundled_library_is_complete_and_valid(library):
    assert [str(p) for p in library.problems] == []
    assert len(library.cards) >= 20
    assert len(library.passages) >= 12
    assert len({c.id for c in library.cards} | {p.id for p in library.passages}) == (
        len(library.cards) + len(library.passages))
    for passage in library.passages:
        assert MIN_POINTS <= len(passage.points) <= MAX_POINTS
        assert set(passage.audio) == {"normal", "slow"}
        level = DIFFICULTIES.index
        assert level(passage.difficulty("slow")) <= level(passage.difficulty("normal"))


def test_themes_of_the_issue_are_covered(library):
    themes = {c.theme for c in library.cards} | {p.theme for p in library.passages}
    for theme in ("networking", "community", "stress", "setback", "career", "complaint",
                  "good news", "mentor"):
        assert theme in themes


def test_bundled_audio_stays_small():
    root = Path(__file__).resolve().parents[1] / "exercises"
    total = sum(p.stat().st_size for p in root.rglob("*.ogg"))
    assert total < 15 * 1024 * 1024


def test_syntax_error_gives_file_and_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[pack]\nname = "Bad"\n\n[[card]]\nid = "x"\ntitle = oops\n', encoding="utf-8")
    pack = load_pack(path)
    assert pack.broken
    assert str(pack.problems[0]).startswith(f"{path}:6: is not valid TOML")


def test_missing_and_unknown_keys_point_at_their_lines(tmp_path):
    path = tmp_path / "cards.toml"
    path.write_text('[pack]\nname = "Cards"\n\n[[card]]\nid = "one"\ntitle = "One"\n'
                    'prompt = "Talk."\nwhy = "Because."\n\n[[card]]\nid = "two"\n'
                    'title = "Two"\nprompt = "Talk."\nwhy = "Because."\ndificulty = "easy"\n'
                    '\n[[card]]\nid = "three"\ntitle = "Three"\nwhy = "Because."\n',
                    encoding="utf-8")
    pack = load_pack(path)
    messages = [str(p) for p in pack.problems]
    assert f"{path}:15: card 'two': unknown key 'dificulty'" in messages[0]
    assert messages[1] == f"{path}:17: card 'three' has no 'prompt'."
    assert [c.id for c in pack.cards] == ["one"]  # the good card is still offered


def test_passage_problems(tmp_path):
    (tmp_path / "a.ogg").write_bytes(b"")
    path = _passage_pack(tmp_path, audio="missing.ogg", points=2)
    messages = [p.message for p in load_pack(path).problems]
    assert any("has 2 points; a passage needs 4 to 10" in m for m in messages)
    assert any("audio file missing.ogg is missing" in m for m in messages)


def test_bad_weight_and_duplicate_id(tmp_path):
    (tmp_path / "a.ogg").write_bytes(b"x")
    extra = '\n[[card]]\nid = "p1"\ntitle = "T"\nprompt = "P"\nwhy = "W"\n'
    path = _passage_pack(tmp_path, extra=extra)
    path.write_text(path.read_text().replace("weight = 1.0", "weight = 7", 1))
    problems = load_pack(path).problems
    assert any("weight must be a number above 0 and at most 3" in p.message and p.line
               for p in problems)
    assert any("id 'p1' is used twice" in p.message for p in problems)


def test_unreadable_audio_is_caught_by_the_deep_check(tmp_path):
    (tmp_path / "a.ogg").write_bytes(b"not audio at all")
    path = _passage_pack(tmp_path)
    assert load_pack(path).passages  # presence only: fine
    problems = load_pack(path, check_audio=True).problems
    assert problems and "not a readable audio file" in problems[0].message


def test_a_passage_recording_cut_short_is_caught_by_the_deep_check(tmp_path):
    import numpy as np
    import soundfile as sf

    t = np.arange(16000 * 12) / 16000
    sf.write(tmp_path / "whole.flac", (0.3 * np.sin(2 * np.pi * 220 * t)).astype("float32"),
             16000)
    data = (tmp_path / "whole.flac").read_bytes()
    (tmp_path / "a.flac").write_bytes(data[:len(data) * 2 // 3])
    problems = load_pack(_passage_pack(tmp_path, audio="a.flac"), check_audio=True).problems
    assert problems and "is cut short" in problems[0].message and "of its 12.0 s" in \
        problems[0].message


def test_non_utf8_and_empty_packs(tmp_path):
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[pack]\nname = "Café"\n'.encode("latin-1"))
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    library = load_library([tmp_path])
    reasons = {p.path.name: p.message for p in library.problems}
    assert "not UTF-8" in reasons["latin.toml"]
    assert "no [pack] table" in reasons["empty.toml"] or "holds no" in reasons["empty.toml"]


def test_a_broken_pack_does_not_hide_the_others(tmp_path):
    (tmp_path / "broken.toml").write_text("[[card]\n", encoding="utf-8")
    library = load_library([Path(__file__).resolve().parents[1] / "exercises", tmp_path])
    assert len(library.cards) >= 20
    assert [p.path.name for p in library.packs if p.broken] == ["broken.toml"]


def test_cli_check_reports_problems_and_exit_code(tmp_path):
    (tmp_path / "broken.toml").write_text('[pack]\nname = "B"\n[[card]]\nid = "Bad Id"\n',
                                          encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "listen_coach", "exercises", "check",
                          str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 1
    assert f"{tmp_path / 'broken.toml'}:4: card 1: id 'Bad Id' must be lower-case" in run.stdout
    assert "Traceback" not in run.stderr


def test_cli_check_passes_on_the_bundled_packs():
    run = subprocess.run([sys.executable, "-m", "listen_coach", "exercises", "check", "--quick"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
    assert "12 passage(s)" in run.stdout


def test_facilitator_folder_from_settings(tmp_path, hermetic_settings):
    from listen_coach.config import load_settings
    from listen_coach.drill.packs import settings_dirs

    own = tmp_path / "own"
    own.mkdir()
    (own / "extra.toml").write_text('[pack]\nname = "Extra"\n\n[[card]]\nid = "own-card"\n'
                                    'title = "Own"\nprompt = "Talk."\nwhy = "Why."\n',
                                    encoding="utf-8")
    (hermetic_settings / "config.toml").write_text(f'exercise_dir = "{own}"\n')
    library = load_library(settings_dirs(load_settings().exercise_dir))
    assert library.card("own-card") is not None
    assert library.card("mentor-advice") is not None
