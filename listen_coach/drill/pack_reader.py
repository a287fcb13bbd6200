"""Reading one pack file: TOML to cards and passages, every problem with its line.

Loading never raises for bad content: each problem becomes a `Problem` with the
file and line, the item it concerns is left out, and the rest stays usable.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from listen_coach.drill.pack_model import (
    DIFFICULTIES,
    MAX_POINTS,
    MAX_WEIGHT,
    MIN_PASSAGE_WORDS,
    MIN_POINTS,
    RATES,
    AnnotatedPoint,
    Card,
    Pack,
    Passage,
    Problem,
)

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_PACK_KEYS = {"name", "description"}
_CARD_KEYS = {"id", "title", "prompt", "why", "follow_ups", "difficulty", "theme"}
_PASSAGE_KEYS = {"id", "title", "speaker", "text", "audio", "point", "feelings",
                 "distractors", "theme"}
_POINT_KEYS = {"text", "weight", "paraphrases"}


class _Lines:
    """Line numbers of tables and keys in a TOML file (tomllib gives none)."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.]+)\s*\]\]?")

    def __init__(self, text: str):
        self.headers: list[tuple[int, str]] = []  # (line, table name) in file order
        self.lines = text.splitlines()
        for n, line in enumerate(self.lines, 1):
            if m := self._HEADER.match(line):
                self.headers.append((n, m.group(1)))

    def table(self, name: str, index: int, sub: str | None = None,
              sub_index: int = 0) -> int | None:
        """Line of the `index`-th `[[name]]` (and its `sub_index`-th `[[name.sub]]`)."""
        seen = -1
        for i, (line, table) in enumerate(self.headers):
            if table == name:
                seen += 1
                if seen == index:
                    if sub is None:
                        return line
                    count = -1
                    for line2, table2 in self.headers[i + 1:]:
                        if table2 == name:
                            break
                        if table2 == f"{name}.{sub}":
                            count += 1
                            if count == sub_index:
                                return line2
                    return line
        return None

    def key(self, start: int | None, key: str) -> int | None:
        """Line of `key = ...` in the table that begins at line `start`."""
        if start is None:
            return None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for n in range(start, len(self.lines)):  # 0-based index `start` is the next line
            if self._HEADER.match(self.lines[n]):
                break
            if pattern.match(self.lines[n]):
                return n + 1
        return start


def _toml_line(exc: tomllib.TOMLDecodeError) -> int | None:
    m = re.search(r"line (\d+)", str(exc))
    return int(m.group(1)) if m else None


class _Reader:
    def __init__(self, path: Path, lines: _Lines, problems: list[Problem]):
        self.path, self.lines, self.problems = path, lines, problems

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def text(self, table: dict, key: str, line: int | None, what: str,
             required: bool = True) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                self.problem(line, f"{what} has no '{key}'.")
            return None if required else ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(self.lines.key(line, key), f"{what}: '{key}' must be non-empty text.")
            return None
        return " ".join(value.split())

    def texts(self, table: dict, key: str, line: int | None, what: str) -> tuple[str, ...] | None:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(self.lines.key(line, key), f"{what}: '{key}' must be a list of texts.")
            return None
        return tuple(" ".join(v.split()) for v in value)

    def unknown(self, table: dict, known: set[str], line: int | None, what: str) -> None:
        for key in sorted(set(table) - known):
            self.problem(self.lines.key(line, key),
                         f"{what}: unknown key '{key}' "
                         f"(expected one of {', '.join(sorted(known))}).")

    def ident(self, table: dict, line: int | None, what: str, seen: set[str]) -> str | None:
        ident = self.text(table, "id", line, what)
        if ident is None:
            return None
        if not _ID.match(ident):
            self.problem(self.lines.key(line, "id"), f"{what}: id '{ident}' must be lower-case "
                         "letters, digits and hyphens.")
            return None
        if ident in seen:
            self.problem(self.lines.key(line, "id"), f"{what}: id '{ident}' is used twice.")
            return None
        seen.add(ident)
        return ident


def _card(r: _Reader, table: object, index: int, pack: str, seen: set[str]) -> Card | None:
    line = r.lines.table("card", index)
    what = f"card {index + 1}"
    if not isinstance(table, dict):
        r.problem(line, f"{what} must be a table ([[card]]).")
        return None
    n = len(r.problems)
    ident = r.ident(table, line, what, seen)
    what = f"card '{ident}'" if ident else what
    r.unknown(table, _CARD_KEYS, line, what)
    title = r.text(table, "title", line, what)
    prompt = r.text(table, "prompt", line, what)
    why = r.text(table, "why", line, what)
    follow = r.texts(table, "follow_ups", line, what)
    theme = r.text(table, "theme", line, what, required=False)
    difficulty = table.get("difficulty", "medium")
    if difficulty not in DIFFICULTIES:
        r.problem(r.lines.key(line, "difficulty"),
                  f"{what}: difficulty must be one of {', '.join(DIFFICULTIES)}, "
                  f"not {difficulty!r}.")
    if len(r.problems) > n or None in (ident, title, prompt, why, follow):
        return None
    return Card(ident, title, prompt, why, difficulty, follow, theme or "", pack)  # type: ignore[arg-type]


def _point(r: _Reader, table: object, line: int | None, what: str) -> AnnotatedPoint | None:
    if not isinstance(table, dict):
        r.problem(line, f"{what} must be a table ([[passage.point]]).")
        return None
    n = len(r.problems)
    r.unknown(table, _POINT_KEYS, line, what)
    text = r.text(table, "text", line, what)
    weight = table.get("weight", 1.0)
    numeric = isinstance(weight, int | float) and not isinstance(weight, bool)
    if not numeric or not 0 < weight <= MAX_WEIGHT:
        r.problem(r.lines.key(line, "weight"),
                  f"{what}: weight must be a number above 0 and at most {MAX_WEIGHT:g}.")
    paraphrases = r.texts(table, "paraphrases", line, what)
    if len(r.problems) > n or text is None or paraphrases is None:
        return None
    return AnnotatedPoint(text, float(weight), paraphrases)


def _passage(r: _Reader, table: object, index: int, pack: str, seen: set[str],
             check_audio: bool) -> Passage | None:
    line = r.lines.table("passage", index)
    what = f"passage {index + 1}"
    if not isinstance(table, dict):
        r.problem(line, f"{what} must be a table ([[passage]]).")
        return None
    n = len(r.problems)
    ident = r.ident(table, line, what, seen)
    what = f"passage '{ident}'" if ident else what
    r.unknown(table, _PASSAGE_KEYS, line, what)
    title = r.text(table, "title", line, what)
    speaker = r.text(table, "speaker", line, what)
    text = r.text(table, "text", line, what)
    if text is not None and len(text.split()) < MIN_PASSAGE_WORDS:
        r.problem(r.lines.key(line, "text"), f"{what}: the text has {len(text.split())} words; "
                  f"a passage needs at least {MIN_PASSAGE_WORDS}.")
    feelings = r.texts(table, "feelings", line, what)
    distractors = r.texts(table, "distractors", line, what)
    theme = r.text(table, "theme", line, what, required=False)
    raw_points = table.get("point", [])
    if not isinstance(raw_points, list):
        r.problem(line, f"{what}: points must be [[passage.point]] tables.")
        raw_points = []
    points = [_point(r, p, r.lines.table("passage", index, "point", j), f"{what}, point {j + 1}")
              for j, p in enumerate(raw_points)]
    if not MIN_POINTS <= len(raw_points) <= MAX_POINTS:
        r.problem(line, f"{what} has {len(raw_points)} points; a passage needs "
                  f"{MIN_POINTS} to {MAX_POINTS}.")
    audio = _audio(r, table.get("audio"), line, what, check_audio)
    if len(r.problems) > n or None in (ident, title, speaker, text, feelings, distractors, audio):
        return None
    return Passage(ident, title, speaker, text, tuple(points), audio,  # type: ignore[arg-type]
                   feelings, distractors, theme or "", pack)  # type: ignore[arg-type]


def _audio(r: _Reader, value: object, line: int | None, what: str,
           check_audio: bool) -> dict[str, Path] | None:
    where = r.lines.key(line, "audio")
    if not isinstance(value, dict) or "normal" not in value:
        r.problem(where, f"{what}: audio must be a table like "
                  "audio = { normal = \"audio/x.ogg\", slow = \"audio/x.slow.ogg\" }.")
        return None
    out: dict[str, Path] = {}
    for rate, name in value.items():
        if rate not in RATES or not isinstance(name, str):
            r.problem(where, f"{what}: audio rates are {', '.join(RATES)}, each a file name.")
            return None
        path = (r.path.parent / name).resolve()
        if not path.is_file():
            r.problem(where, f"{what}: audio file {name} is missing "
                      "(run `make exercises-audio` to generate it).")
            return None
        if check_audio:
            from listen_coach.audio.files import load_audio
            from listen_coach.errors import AudioFileError

            try:
                clip = load_audio(path)
            except AudioFileError as exc:
                r.problem(where, f"{what}: {exc}")
                return None
            if clip.duration < 5:
                r.problem(where, f"{what}: audio file {name} lasts only {clip.duration:.1f} s.")
                return None
            if clip.cut_short:  # it would stop part-way through the passage
                r.problem(where, f"{what}: audio file {name}: {clip.cut_short}.")
                return None
        out[rate] = path
    return out


def load_pack(path: Path, check_audio: bool = False, seen: set[str] | None = None) -> Pack:
    """Read one pack file. Never raises for its content; see `Pack.problems`.

    `check_audio` decodes every audio file (slow; for `exercises check`), otherwise
    only their presence is checked. `seen` holds ids already used by other packs.
    """
    path = Path(path)
    pack = Pack(path=path, name=path.stem)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        pack.problems.append(Problem(path, None, "is not UTF-8 text; save it as UTF-8."))
        return pack
    except OSError as exc:
        pack.problems.append(Problem(path, None, f"cannot be read ({exc.strerror})."))
        return pack
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        pack.problems.append(Problem(path, _toml_line(exc), f"is not valid TOML: {reason}."))
        return pack
    r = _Reader(path, _Lines(text), pack.problems)
    meta = data.get("pack")
    meta_line = r.lines.table("pack", 0)
    if not isinstance(meta, dict):
        r.problem(None, "has no [pack] table with a name.")
    else:
        r.unknown(meta, _PACK_KEYS, meta_line, "[pack]")
        pack.name = r.text(meta, "name", meta_line, "[pack]") or pack.name
        pack.description = r.text(meta, "description", meta_line, "[pack]", required=False) or ""
    for key in sorted(set(data) - {"pack", "card", "passage"}):
        r.problem(None, f"unknown table or key '{key}' (a pack holds [pack], [[card]] and "
                  "[[passage]]).")
    seen = set() if seen is None else seen
    cards, passages = data.get("card", []), data.get("passage", [])
    if not isinstance(cards, list) or not isinstance(passages, list):
        r.problem(None, "cards and passages must be written [[card]] and [[passage]].")
        return pack
    if not cards and not passages:
        r.problem(None, "holds no [[card]] and no [[passage]].")
    for i, table in enumerate(cards):
        if card := _card(r, table, i, pack.name, seen):
            pack.cards.append(card)
    for i, table in enumerate(passages):
        if passage := _passage(r, table, i, pack.name, seen, check_audio):
            pack.passages.append(passage)
    return pack
