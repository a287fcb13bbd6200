"""`listen-coach exercises`: list the packs, or check them with file and line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def _dirs(args: argparse.Namespace) -> list[Path]:
    from listen_coach.config import load_settings
    from listen_coach.drill.packs import settings_dirs

    if args.dir:
        return [Path(args.dir)]
    return settings_dirs(load_settings().exercise_dir)


def cmd_check(args: argparse.Namespace) -> int:
    from listen_coach.drill.packs import load_library

    library = load_library(_dirs(args), check_audio=not args.quick)
    for pack in library.packs:
        state = "broken" if pack.broken else "ok"
        print(f"{state:<6} {pack.path}: {len(pack.cards)} card(s), {len(pack.passages)} "
              f"passage(s)" + (f", {len(pack.problems)} problem(s)" if pack.problems else ""))
    for problem in library.problems:
        print(f"  {problem}")
    if not library.packs:
        print("No exercise packs (*.toml) found.")
        return 1
    return 1 if library.problems else 0


def cmd_list(args: argparse.Namespace) -> int:
    from listen_coach.drill.packs import load_library

    library = load_library(_dirs(args))
    if args.json:
        print(json.dumps({
            "cards": [{"id": c.id, "title": c.title, "difficulty": c.difficulty,
                       "theme": c.theme, "pack": c.pack} for c in library.cards],
            "passages": [{"id": s.id, "title": s.title, "speaker": s.speaker,
                          "words": s.words, "points": len(s.points),
                          "difficulty": {r: s.difficulty(r) for r in s.audio},
                          "pack": s.pack} for s in library.passages],
            "broken": [str(p) for p in library.problems],
        }, indent=2))
        return 0
    print(f"Topic cards ({len(library.cards)}):")
    for c in library.cards:
        print(f"  {c.id:<28} {c.difficulty:<7} {c.title}")
    print(f"\nSolo passages ({len(library.passages)}):")
    for s in library.passages:
        print(f"  {s.id:<28} {s.difficulty('normal'):<7} {s.title} "
              f"({s.words} words, {len(s.points)} points)")
    if library.problems:
        print(f"\n{len(library.problems)} problem(s); run `listen-coach exercises check`.")
    return 0


def register(sub) -> None:
    p = sub.add_parser("exercises", help="list or check the exercise packs")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    check = actions.add_parser("check", help="report every problem with file and line")
    check.add_argument("dir", nargs="?", help="a folder of packs (default: bundled + settings)")
    check.add_argument("--quick", action="store_true", help="do not decode the audio files")
    check.set_defaults(func=cmd_check)
    lst = actions.add_parser("list", help="the topic cards and solo passages")
    lst.add_argument("dir", nargs="?", help="a folder of packs (default: bundled + settings)")
    lst.add_argument("--json", action="store_true", help="machine-readable output")
    lst.set_defaults(func=cmd_list)
    p.set_defaults(func=cmd_list, dir=None, json=False)
