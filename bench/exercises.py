"""Exercise rows: each solo passage's own recording, through the transcriber, said
back in the second person, scored against its annotated points."""

from __future__ import annotations


def bench_self_consistency(rows: list[dict]) -> None:
    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.config import AsrSettings
    from listen_coach.drill.packs import load_library
    from listen_coach.drill.solo import score_passage
    from listen_coach.scoring.person import second_person

    transcriber = Transcriber(AsrSettings())
    for rate in ("normal", "slow"):
        shares, worst = [], ("", 1.0)
        for passage in load_library().passages:
            text = transcriber.transcribe(passage.audio[rate]).text
            result = score_passage(passage, second_person(text))
            share = result.covered / len(result.points)
            shares.append(share)
            worst = min(worst, (passage.id, share), key=lambda w: w[1])
        rows.append({"name": f"exercises.own_transcript_coverage.{rate}",
                     "value": round(sum(shares) / len(shares), 3), "target": ">= 0.9 each",
                     "detail": f"{len(shares)} passages; {sum(s >= 0.9 for s in shares)} at "
                     f"90 %+; lowest {worst[0]} {worst[1]:.2f}"})


def bench_hand_summaries(rows: list[dict]) -> None:
    """Spoken-style scoring: the share of each passage's points that a good and a poor
    hand-written listener's summary (tests/data/passage_summaries.toml) are given."""
    import tomllib
    from pathlib import Path

    from listen_coach.drill.packs import load_library
    from listen_coach.drill.solo import score_passage

    path = Path(__file__).resolve().parents[1] / "tests" / "data" / "passage_summaries.toml"
    summaries = tomllib.loads(path.read_text(encoding="utf-8"))
    shares: dict[str, list[float]] = {"good": [], "poor": []}
    for passage in load_library().passages:
        for kind in shares:
            result = score_passage(passage, summaries[passage.id][kind])
            shares[kind].append(result.covered / len(result.points))
    for kind, values in shares.items():
        rows.append({"name": f"exercises.hand_summary_coverage.{kind}",
                     "value": round(sum(values) / len(values), 3),
                     "detail": f"{len(values)} passages, points covered by a {kind} summary "
                     f"written by hand; lowest {min(values):.2f}, highest {max(values):.2f}"})
