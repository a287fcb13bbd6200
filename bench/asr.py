"""Speech recognition rows: WER and real-time factor, live-caption lag, start-up, memory."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED_ASR = ROOT.parent / "shared" / "data" / "speech" / "asr"

#: A passage the project wrote for the lag benchmark (not used for any tuning).
LAG_PASSAGE = (
    "Last spring our team lost its biggest client. I had spent two years on that account, "
    "and when the email came I honestly did not know what to tell everyone. "
    "My manager said we should call the client and ask what went wrong, "
    "so we did, and it turned out the problem was our reporting, not the work itself."
)


def shared_clips() -> list[tuple[Path, str]]:
    if not SHARED_ASR.is_dir():
        return []
    clips = [(SHARED_ASR / "jfk" / "jfk.flac", (SHARED_ASR / "jfk" / "jfk.txt").read_text())]
    for folder in ("librivox", "pocketsphinx_cmd"):
        for line in (SHARED_ASR / folder / "transcripts.txt").read_text().splitlines():
            if line.strip():
                name, text = line.split(" ", 1)
                clips.append((SHARED_ASR / folder / f"{name}.wav", text))
    return clips


def bench_final_pass(rows: list[dict]) -> None:
    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.asr.wer import corpus_wer, wer
    from listen_coach.audio.files import load_audio

    clips = shared_clips()
    if not clips:
        rows.append({"name": "asr", "skipped": "../shared/data/speech is absent"})
        return
    transcriber = Transcriber()
    transcriber.load()
    transcriber.transcribe(load_audio(clips[0][0]).samples)  # warm-up
    pairs, audio_s, compute_s, per_clip = [], 0.0, 0.0, []
    for path, reference in clips:
        samples = load_audio(path).samples
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            result = transcriber.transcribe(samples)
            runs.append(time.perf_counter() - started)
        pairs.append((reference, result.text))
        audio_s += len(samples) / 16000
        compute_s += statistics.median(runs)
        per_clip.append(wer(reference, result.text))
    rows.append({"name": "asr.final_pass.wer", "value": round(corpus_wer(pairs), 4),
                 "target": "<= 0.05", "detail": f"{len(clips)} real clips, beam 5, "
                 f"per-clip max {max(per_clip):.3f}"})
    rows.append({"name": "asr.final_pass.rtf", "value": round(compute_s / audio_s, 4),
                 "target": "<= 0.15", "detail": f"median of 3 runs; {audio_s:.1f} s of audio"})


def _espeak_passage(folder: Path) -> tuple[Path, str] | None:
    import shutil

    if shutil.which("espeak-ng") is None:
        return None
    path = folder / "passage.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(path), LAG_PASSAGE],
                   check=True, capture_output=True)
    return path, LAG_PASSAGE


def bench_live_lag(rows: list[dict]) -> None:
    from listen_coach.asr.live import LiveCaptioner
    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.asr.wer import wer
    from listen_coach.audio.sources import FileSource

    transcriber = Transcriber()
    transcriber.load()
    with tempfile.TemporaryDirectory() as tmp:
        sources = [c for c in shared_clips() if "librivox" not in str(c[0])][:2]
        passage = _espeak_passage(Path(tmp))
        if passage:
            sources.append(passage)
        lags: list[float] = []
        per_source: list[str] = []
        errors = []
        for path, reference in sources:
            live = LiveCaptioner(transcriber)
            source = FileSource(path, realtime=True)
            source.start()
            while (block := source.read(timeout=1.0)) is not None:
                live.feed(block)
            final = live.close()
            these = [committed_at - source.started_at - word.end
                     for word, committed_at in zip(final.words, live.commit_times, strict=True)]
            lags += these
            per_source.append(f"{path.stem} {np.median(these):.2f}")
            errors.append(wer(reference, final.committed))
    lags_arr = np.array(lags)
    rows.append({"name": "live.caption_lag.median_s", "value": round(float(np.median(lags_arr)), 3),
                 "target": "<= 1.5", "detail": f"{len(lags)} words, {len(sources)} real-time "
                 f"replays (medians: {', '.join(per_source)}); lag = commit time - word end"})
    rows.append({"name": "live.caption_lag.p90_s",
                 "value": round(float(np.percentile(lags_arr, 90)), 3), "target": "<= 2.5"})
    rows.append({"name": "live.caption.wer", "value": round(float(np.mean(errors)), 4),
                 "detail": "committed live text vs reference (greedy; the final pass re-decodes)"})


#: Starts the measured child from a small process: Linux carries a parent's memory
#: high-water mark into its children (across fork and exec), so a child started
#: from the benchmark itself (models loaded, hundreds of MB) would report at least
#: the benchmark's size.
_LAUNCHER = ("import os, subprocess, sys, time\n"
             "t = time.perf_counter()\n"
             "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, "
             "stderr=subprocess.DEVNULL)\n"
             "_, status, usage = os.wait4(p.pid, 0)\n"
             "print(time.perf_counter() - t, status, usage.ru_maxrss)")


def _timed_child(args: list[str]) -> tuple[float, int, int]:
    """Wall seconds, exit status and peak RSS (MiB) of one child process."""
    out = subprocess.run([sys.executable, "-c", _LAUNCHER, *args], capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]), int(out[2]) // 1024


def bench_process(rows: list[dict]) -> None:
    exe = str(Path(sys.executable).with_name("listen-coach"))
    help_times = [_timed_child([exe, "--help"])[0] for _ in range(7)]
    rows.append({"name": "cli.help_s", "value": round(statistics.median(help_times), 3),
                 "target": "< 0.3", "detail": "median of 7"})
    clips = shared_clips()
    if not clips:
        return
    runs = [_timed_child([exe, "transcribe", "--json", str(clips[0][0])]) for _ in range(3)]
    rows.append({"name": "asr.fresh_process_first_transcript_s",
                 "value": round(statistics.median(r[0] for r in runs), 3),
                 "detail": "import + model load + 11 s clip, median of 3"})
    rows.append({"name": "asr.peak_memory_mib", "value": max(r[2] for r in runs),
                 "target": "<= 600", "detail": "peak RSS of `listen-coach transcribe`"})


def bench_speech_rate(rows: list[dict]) -> None:
    """Words per second of speech (Silero VAD regions), the yardstick of live.py's
    MIN_WORDS_PER_SPEECH_SECOND: the solo passages at both rates and the real clips."""
    from listen_coach.asr.transcriber import speech_regions
    from listen_coach.audio.files import load_audio
    from listen_coach.drill.packs import load_library

    clips = [(p.audio[rate], p.text) for p in load_library().passages
             for rate in ("normal", "slow")] + shared_clips()
    rates = []
    for path, text in clips:
        audio = load_audio(path).samples
        speech = sum(end - start for start, end in speech_regions(audio)) / 16000
        if speech >= 2.0:
            rates.append(len(text.split()) / speech)
    rows.append({"name": "asr.words_per_speech_second", "value": round(min(rates), 2),
                 "detail": f"slowest of {len(rates)} recordings (value); median "
                 f"{statistics.median(rates):.2f}, fastest {max(rates):.2f}"})


def bench_summary_final(rows: list[dict]) -> None:
    """The summary's final pass (asr/incremental.py): WER against what was said, with
    and without the speaker's words as context, and whether the same recording gives
    the same transcript however fast it arrives."""
    import tomllib

    from listen_coach.asr.incremental import IncrementalTranscriber
    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.asr.wer import corpus_wer
    from listen_coach.audio.files import load_audio
    from listen_coach.drill.packs import load_library

    transcriber = Transcriber()
    transcriber.load()
    meta = tomllib.loads((ROOT / "exercises" / "demo" / "demo.toml").read_text("utf-8"))
    takes = [(load_audio(ROOT / "exercises" / "demo" / meta["listener"]["audio"]).samples,
              meta["listener"]["text"], meta["speaker"]["text"])]
    for passage in load_library().passages:  # recorded monologues, their title as context
        if "normal" in passage.audio:
            takes.append((load_audio(passage.audio["normal"]).samples, passage.text,
                          passage.title))

    def final(audio: np.ndarray, context: str, block_s: float = 0.5, pause: float = 0.0) -> str:
        inc = IncrementalTranscriber(transcriber, context=lambda: context)
        block = int(block_s * 16000)
        for i in range(0, len(audio), block):
            inc.feed(audio[i:i + block])
            if pause:
                time.sleep(pause)
        return inc.finish().text

    with_context, plain, one_pass = [], [], []
    for audio, reference, context in takes:
        mono = audio.mean(axis=1) if audio.ndim == 2 else audio
        with_context.append((reference, final(mono, context)))
        plain.append((reference, final(mono, "")))
        one_pass.append((reference, transcriber.transcribe(mono).text))
    demo_audio = takes[0][0].mean(axis=1) if takes[0][0].ndim == 2 else takes[0][0]
    runs = {final(demo_audio, takes[0][2], 0.5, 0.06), final(demo_audio, takes[0][2], 0.1),
            final(demo_audio, takes[0][2], 60.0)}
    rows.append({"name": "asr.summary_final.wer", "value": round(corpus_wer(with_context), 4),
                 "detail": f"{len(takes)} takes (the demo summary with the speaker's words as "
                 f"context, {len(takes) - 1} solo passages with their title); without context "
                 f"{corpus_wer(plain):.4f}; one pass over the whole take "
                 f"{corpus_wer(one_pass):.4f}"})
    rows.append({"name": "asr.summary_final.same_every_run", "value": len(runs) == 1,
                 "target": "True", "detail": "the demo summary fed at ~8x real time, as fast "
                 "as it goes, and all at once: one transcript"})
