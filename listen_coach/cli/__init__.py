"""The `listen-coach` command. Subcommands call into the core; heavy imports are lazy
so `listen-coach --help` answers at once."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from listen_coach import __version__
from listen_coach.errors import ModelError, UserError
from listen_coach.shutdown import settle


def _settings():
    from listen_coach.config import load_settings

    return load_settings()


def cmd_devices(args: argparse.Namespace) -> int:
    from listen_coach.audio.devices import list_input_devices

    devices = list_input_devices()
    if args.json:
        from dataclasses import asdict

        print(json.dumps([asdict(d) for d in devices], indent=2))
        return 0
    if not devices:
        from listen_coach.audio.devices import NO_DEVICE

        print(NO_DEVICE)
        return 1
    print("Input devices (choose one with --device N or audio.input_device in settings):")
    for d in devices:
        mark = "*" if d.is_default else " "
        print(f" {mark} {d.index:>3}  {d.name}  ({d.channels} ch, "
              f"{d.default_samplerate / 1000:g} kHz, {d.hostapi})")
    print("   * = default")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from listen_coach import models

    if args.action == "install":
        log = (lambda _m: None) if args.quiet else (lambda m: print(f"models: {m}"))
        for name in (models.WHISPER_BASE, models.VOICE_ENCODER):
            try:
                path = models.assemble(name, log=log)
            except ModelError as exc:
                if name != models.VOICE_ENCODER:
                    raise
                # Only one-microphone drills need it; everything else works without.
                print(f"models: {exc} One-microphone drills need it: "
                      "`pip install --no-deps resemblyzer==0.1.4`.", file=sys.stderr)
                continue
            if not args.quiet:
                print(f"models: {name} ready in {path}")
        if not models.spacy_model_available():
            raise UserError(f"The spaCy model {models.SPACY_MODEL} is missing; run `make setup`.")
        return 0
    ok = True
    for st in models.status(_settings().asr.model_dir):
        ok &= st.ready
        print(f"{'ready  ' if st.ready else 'MISSING'}  {st.name}: {st.detail}")
    return 0 if ok else 1


def _beam(text: str) -> int:
    from listen_coach.config import MAX_BEAM

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_BEAM:
        raise argparse.ArgumentTypeError(f"must be 1 to {MAX_BEAM}, not {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 3600, not {text}")
    return value


def cmd_transcribe(args: argparse.Namespace) -> int:
    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.audio.files import load_audio

    settings = _settings()
    if args.language:
        from listen_coach.config import language_problem

        problem = language_problem(args.language)
        if problem:
            raise UserError(f"--language: {problem}")
        settings.asr.language = args.language
    from listen_coach.models import whisper_model_dir

    clip = load_audio(args.file)  # bad files fail here, before the model loads
    whisper_model_dir(settings.asr.model_dir)  # a broken model is reported even for silence
    transcriber = Transcriber(settings.asr)
    started = time.perf_counter()
    result = transcriber.transcribe(clip.samples, beam_size=args.beam)
    elapsed = time.perf_counter() - started
    if args.json:
        data = result.to_dict()
        data["processing_seconds"] = round(elapsed, 3)
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    if result.is_empty:
        print(f"(no speech found in {result.duration:.1f} s of audio)")
    for seg in result.segments:
        print(f"[{_clock(seg.start)} - {_clock(seg.end)}] {seg.text}")
    for note in (clip.cut_short, *result.notes) if clip.cut_short else result.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    """Record from the microphone with live captions; the take is saved as FLAC."""
    from listen_coach.asr.live import LiveCaptioner
    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.audio.recorder import TakeRecorder
    from listen_coach.audio.sources import MicrophoneSource
    from listen_coach.errors import AudioError

    settings = _settings()
    out = Path(args.out) if args.out else settings.data_path / "takes" / time.strftime(
        "take-%Y%m%d-%H%M%S.flac")
    if out.is_dir():
        raise UserError(f"--out {out} is a folder; give a file name such as take.flac.")
    if args.out and not out.parent.is_dir():
        raise UserError(f"The folder {out.parent} does not exist (--out).")
    if not args.out:
        from listen_coach.store.db import private_dir

        private_dir(settings.data_path)
        private_dir(out.parent)  # takes/ is as private as the recordings
    from listen_coach.audio.devices import find_input_device
    from listen_coach.models import whisper_model_dir

    device = args.device or settings.audio.input_device or None
    find_input_device(device)  # no microphone: say so before creating files or loading models
    whisper_model_dir(settings.asr.model_dir)
    transcriber = Transcriber(settings.asr)
    transcriber.load()
    source = MicrophoneSource(device, recorder=TakeRecorder(out))
    try:
        source.start()
    except AudioError:
        out.unlink(missing_ok=True)  # nothing was recorded: leave no empty take behind
        raise
    live = LiveCaptioner(transcriber, on_update=_print_caption if not args.json else None)
    print(f"Recording from {source.device} for {args.seconds:g} s; Ctrl+C stops.",
          file=sys.stderr)
    fault: AudioError | None = None
    deadline = time.monotonic() + args.seconds
    try:
        while time.monotonic() < deadline:
            block = source.read(timeout=0.2)
            if block is None:
                break
            live.feed(block)
    except AudioError as exc:
        fault = exc
    except KeyboardInterrupt:
        pass
    finally:
        source.stop()
    try:  # blocks captured before stop() are still queued
        while (block := source.read(timeout=0.5)) is not None and block.size:
            live.feed(block)
    except AudioError as exc:
        fault = fault or exc
    caption = live.close()
    print(file=sys.stderr)
    final = transcriber.transcribe(out) if out.exists() and out.stat().st_size else None
    if args.json:
        print(json.dumps({
            "file": str(out), "live": caption.committed,
            "text": final.text if final else "", "duration": final.duration if final else 0.0,
            "device": str(source.device), "error": str(fault) if fault else None,
        }, indent=2))
    else:
        print(f"Saved {out}")
        print(f"Final transcript: {final.text if final and final.text else '(no speech)'}")
    if fault:
        print(f"listen-coach: {fault}", file=sys.stderr)
        return 2
    return 0


_last_caption = [""]


def _print_caption(caption) -> None:
    line = caption.committed[-70:] + (" ~" + caption.tentative if caption.tentative else "")
    if line != _last_caption[0]:
        _last_caption[0] = line
        print("\r\033[K" + line[-100:], end="", file=sys.stderr, flush=True)


def cmd_app(args: argparse.Namespace) -> int:
    """Start the terminal app (the home screen shows what is ready)."""
    from listen_coach.tui.app import make_app

    app = make_app()
    app.run()
    return settle(app.return_code or 0)


def cmd_demo(args: argparse.Namespace) -> int:
    """The app, straight into a demo round played from bundled recordings."""
    from listen_coach.tui.app import make_app

    if args.speed <= 0 or args.speed > 4:
        raise UserError("--speed must be above 0 and at most 4.")
    app = make_app(demo_speed=args.speed)
    app.start_with_demo = True
    app.run()
    return settle(app.return_code or 0)


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60):02d}:{seconds % 60:05.2f}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="listen-coach",
        description="Practise active listening: record, transcribe, score, coach. Offline.",
    )
    parser.add_argument("--version", action="version", version=f"listen-coach {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("devices", help="list microphones (the default is marked)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_devices)

    p = sub.add_parser("transcribe", help="transcribe an audio file")
    p.add_argument("file", help="wav, flac, mp3, ogg, ... at any sample rate")
    p.add_argument("--json", action="store_true", help="text, duration, segments and words")
    p.add_argument("--beam", type=_beam, default=None,
                   help="beam width, 1-20 (default: settings, 5)")
    p.add_argument("--language", help="spoken language code, or 'auto' (default: settings, en)")
    p.set_defaults(func=cmd_transcribe)

    p = sub.add_parser("record", help="record from the microphone with live captions")
    p.add_argument("--seconds", type=_seconds, default=10.0,
                   help="how long, up to 3600 (default 10)")
    p.add_argument("--device", help="microphone number or name (see `devices`)")
    p.add_argument("--out", help="FLAC file to write (default: the data folder)")
    p.add_argument("--json", action="store_true", help="machine-readable result")
    p.set_defaults(func=cmd_record)

    from listen_coach.cli import analysis, exercises, store

    analysis.register(sub)

    p = sub.add_parser("models", help="show or install the offline models")
    p.add_argument("action", nargs="?", choices=["status", "install"], default="status")
    p.add_argument("--quiet", action="store_true", help="print nothing when all is well")
    p.set_defaults(func=cmd_models)

    p = sub.add_parser("demo", help="a complete pair drill from bundled recordings (no microphone)")
    p.add_argument("--speed", type=float, default=1.0,
                   help="playback speed (default 1 = real time)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("app", help="the terminal app (the default with no command)")
    p.set_defaults(func=cmd_app)

    exercises.register(sub)
    store.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", cmd_app)
    try:
        return int(func(args) or 0)
    except UserError as exc:
        print(f"listen-coach: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
