"""`listen-coach export | import | report | forget`: the facilitator's commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from listen_coach.errors import UserError


def _store():
    from listen_coach.store import open_store

    return open_store()


def _output(out: str, example: str) -> Path:
    """Where a command writes: a file in a folder that exists (said in one sentence
    otherwise, before any work)."""
    path = Path(out).expanduser()
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name such as {example}.")
    if not path.absolute().parent.is_dir():
        raise UserError(f"The folder {path.absolute().parent} does not exist; make it first "
                        "or write somewhere else.")
    return path


def _write(text: str, out: str | None, example: str) -> None:
    if out:
        path = _output(out, example)
        try:
            path.write_text(text, encoding="utf-8")
            path.chmod(0o600)
        except OSError as exc:
            raise UserError(f"Cannot write {path} ({exc.strerror or exc}).") from None
        print(f"wrote {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def cmd_export(args: argparse.Namespace) -> int:
    from listen_coach.store import export

    store = _store()
    if args.judgments:
        from listen_coach.store import judgments

        if args.bundle or args.out:
            raise UserError("--judgments writes its own file; leave out --bundle and --out.")
        done = judgments.write(store, Path(args.judgments), args.workshop)
        print(f"wrote {done.points} judged point(s) from {done.rounds} pair round(s) to "
              f"{done.path}, names replaced by placeholders; `listen-coach forget NAME` "
              "also takes a participant's lines out of it")
        return 0
    if args.bundle:
        path = _output(args.bundle, "workshop.zip")
        try:
            n = export.write_bundle(store, path, args.workshop)
        except OSError as exc:
            raise UserError(f"Cannot write {path} ({exc.strerror or exc}).") from None
        print(f"wrote {n} round(s) to {args.bundle}; merge it elsewhere with "
              f"`listen-coach import {args.bundle}`")
        return 0
    text = export.to_csv(store, args.workshop) if args.format == "csv" else export.to_json(
        store, args.workshop)
    _write(text, args.out, f"rounds.{args.format}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from listen_coach.store import export

    store = _store()
    added, skipped = export.read_bundle(store, Path(args.bundle))
    print(f"imported {added} round(s)" + (f"; {skipped} were already here" if skipped else ""))
    if store.problem:
        print(store.problem, file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from listen_coach.store.report import render

    store = _store()
    if args.workshop and args.workshop not in store.workshops():
        known = ", ".join(store.workshops()) or "none yet"
        raise UserError(f"No workshop called {args.workshop!r} (workshops: {known}).")
    _write(render(store, args.workshop), args.out, "report.html")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    store = _store()
    if args.participant not in store.participants():
        raise UserError(f"No participant called {args.participant!r}; `listen-coach export` "
                        "lists everyone.")
    if not args.yes:
        rounds = [r for r in store.rounds(status=None)
                  if args.participant in (r.listener, r.speaker)]
        try:
            answer = input(f"Remove {args.participant} and {len(rounds)} round(s) with their "
                           "recordings, for good? [y/N] ")
        except EOFError:  # no one to answer (input from a file or /dev/null)
            answer = ""
            print()
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing removed (add --yes to remove without asking).")
            return 1
    gone = store.forget(args.participant)
    print(f"Removed {gone.participant}: {gone.rounds} round(s) and {gone.files} recording(s)"
          + (f"; their lines are out of {gone.exports} judgment export(s)" if gone.exports
             else "") + ".")
    for path in gone.exports_changed:
        print(f"{path} was changed after it was exported, so it was left as it is: remove "
              f"{gone.participant}'s lines from it by hand, or delete it.", file=sys.stderr)
    return 0


def register(sub) -> None:
    p = sub.add_parser("export", help="rounds as CSV or JSON, or a bundle for another station")
    p.add_argument("--format", choices=["csv", "json"], default="csv", help="default csv")
    p.add_argument("--workshop", help="only this workshop's rounds")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument("--bundle", metavar="FILE", help="write a .zip to merge with `import`")
    p.add_argument("--judgments", metavar="FILE",
                   help="write the pair rounds' ticked points as judgment data (JSON lines, "
                        "names replaced by placeholders) for training or evaluation")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="merge a bundle from another station")
    p.add_argument("bundle", help="a .zip made by `export --bundle`")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("report", help="an HTML report with charts, for a workshop")
    p.add_argument("--workshop", help="only this workshop (default: every round)")
    p.add_argument("--out", help="HTML file to write (default: standard output)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("forget", help="remove a participant's rounds and recordings")
    p.add_argument("participant", help="their name, as in the review")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_forget)
