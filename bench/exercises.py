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
