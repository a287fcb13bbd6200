"""`listen-coach score | turns`: the analyses of a speaker's and a listener's words
or recordings, outside a drill."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from listen_coach.cli import _clock, _settings
from listen_coach.errors import UserError

_transcriber: list = []


def _shared_transcriber():
    """One speech model per process, however many audio files a command reads."""
    if not _transcriber:
        from listen_coach.asr.transcriber import Transcriber

        _transcriber.append(Transcriber(_settings().asr))
    return _transcriber[0]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _read_text_or_audio(path_text: str, what: str) -> tuple[str, list[str]]:
    """A .txt file's text (any encoding, undecodable bytes replaced), or an audio file
    transcribed. Returns the text and notes for the user."""
    from listen_coach.errors import AudioFileError

    path = Path(path_text)
    if not path.exists():
        raise UserError(f"No such file: {path} ({what}).")
    if path.suffix.lower() in (".txt", ".text", ".md", ""):
        if path.is_dir():
            raise UserError(f"{path} is a folder; give a .txt file or an audio file ({what}).")
        raw = path.read_bytes()
        notes = []
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", errors="replace")
            notes.append(f"{path} is not UTF-8 text; unreadable characters were replaced.")
        # Control characters (ESC, BEL, NUL) would reach the terminal when the text is
        # printed back; they are never words.
        clean = _CONTROL.sub(" ", text)
        if clean != text:
            notes.append(f"{path} holds control characters; they were read as spaces.")
        return clean, notes
    try:
        result = _shared_transcriber().transcribe(path)
    except AudioFileError as exc:
        raise UserError(f"{exc} ({what}; give a .txt file or an audio file)") from None
    return result.text, [f"{what} transcribed from {path.name}: {len(result.words)} words."]


def cmd_score(args: argparse.Namespace) -> int:
    from listen_coach.scoring.report import LABELS, score_round

    speaker, notes = _read_text_or_audio(args.speaker, "the speaker")
    summary, more = _read_text_or_audio(args.summary, "the summary")
    notes += more
    points = None
    if args.points:
        text, more = _read_text_or_audio(args.points, "the points")
        notes += more
        points = [line.strip(" -*•\t") for line in text.splitlines() if line.strip(" -*•\t")]
    result = score_round(speaker, summary, points=points, speaker_name=args.name)
    if args.json:
        data = result.to_dict()
        data["input_notes"] = notes
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"Score {result.overall}/100   points caught {result.covered}/{len(result.points)}")
    print("  " + "  ".join(f"{LABELS.get(k, k)} {v:.0%}" for k, v in result.components.items()))
    print("\nPoints:")
    for p in result.points:
        mark = "✔" if p.match.covered else "✘"
        print(f"  {mark} {p.match.point}")
        if p.match.evidence:
            print(f"      you said: “{p.match.evidence}”")
    if result.issues:
        print("\nNot what was said:")
        for issue in result.issues:
            print(f"  ! {issue.summary_text}  ({issue.kind})")
    q = result.question
    print(f"\nQuestion: {f'“{q.text}” ({q.kind})' if q else 'none asked'}")
    print("\nTips:")
    for tip in result.tips:
        print(f"  • {tip}")
    return 0


def cmd_turns(args: argparse.Namespace) -> int:
    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.audio.files import load_audio
    from listen_coach.turns.pipeline import analyse_one_mic, analyse_two_channel

    transcriber = None if args.no_text else Transcriber(_settings().asr)
    if args.stereo:
        if args.floor:
            raise UserError("--floor is for one-microphone recordings (with --enroll).")
        if args.enroll:
            raise UserError("--enroll is for one-microphone recordings; with --stereo each "
                            "partner is known by their channel.")
        names = tuple(args.names.split(",")) if args.names else ("A", "B")
        if len(names) != 2 or not all(names):
            raise UserError("--names needs two names separated by a comma, like "
                            "--names Sam,Alex.")
        clip = load_audio(args.file, stereo=True)
        result = analyse_two_channel(clip.samples, (names[0], names[1]), transcriber)
    else:
        from listen_coach.turns.one_mic import check_pair, enroll

        pairs = [e.split("=", 1) for e in args.enroll or []]
        if len(pairs) != 2 or any(len(p) != 2 or not p[0] or not p[1] for p in pairs):
            raise UserError(
                "One microphone needs both partners' voices: --enroll NAME=FILE twice (about "
                "five seconds of each talking); or pass --stereo for one partner per channel.")
        if pairs[0][0] == pairs[1][0]:
            raise UserError("The two partners need different names.")
        # Enrolments are checked (silent, too short, same voice) before anything else.
        voices = [enroll(name, load_audio(path).samples) for name, path in pairs]
        check_pair(*voices)
        names = (voices[0].name, voices[1].name)
        if args.floor is not None and args.floor not in names:
            raise UserError(f"--floor names a partner: {names[0]} or {names[1]}.")
        clip = load_audio(args.file)
        result = analyse_one_mic(clip.samples, voices[0], voices[1], transcriber,
                                 floor=args.floor)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return 0
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    for seg in result.segments:
        print(f"[{_clock(seg.start)} - {_clock(seg.end)}] {seg.speaker}: {seg.text}")
    if result.events:
        print()
    for ev in result.events:
        kind = "encourager" if ev.kind == "backchannel" else ev.kind  # as the totals say
        print(f"{_clock(ev.start)}  {kind:<12} {ev.speaker} over {ev.over}"
              f"{': ' + ev.text if ev.text else ''}")
    for name in names:
        print(f"{name}: {result.count('interruption', name)} interruption(s), "
              f"{result.count('backchannel', name)} encourager(s)")
    return 0


def register(sub) -> None:
    p = sub.add_parser("score", help="score a listener's summary of what a speaker said")
    p.add_argument("--speaker", required=True, help="what the speaker said: .txt or audio")
    p.add_argument("--summary", required=True, help="the listener's summary: .txt or audio")
    p.add_argument("--points", help="annotated points, one per line (default: extracted)")
    p.add_argument("--name", help="the speaker's name, for the tips")
    p.add_argument("--json", action="store_true", help="every component, machine-readable")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("turns", help="who spoke when: segments, interruptions, encouragers")
    p.add_argument("file", help="a recording (wav, flac, ...)")
    p.add_argument("--stereo", action="store_true", help="one partner per channel (left, right)")
    p.add_argument("--names", help="the partners' names, left then right (default A,B)")
    p.add_argument("--enroll", action="append", metavar="NAME=FILE",
                   help="one microphone: a partner's voice (about 5 s of them talking); "
                        "give it twice, once per partner")
    p.add_argument("--floor", metavar="NAME",
                   help="one microphone: the partner who holds the floor (the speaker); "
                        "only the other's encouragers and cut-ins are counted")
    p.add_argument("--no-text", action="store_true", help="skip transcription (faster)")
    p.add_argument("--json", action="store_true", help="segments and events, machine-readable")
    p.set_defaults(func=cmd_turns)
