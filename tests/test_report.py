"""The workshop report, rendered by a real headless browser (Debian `chromium`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from listen_coach.store import open_store
from listen_coach.store.repo import RoundStart
from listen_coach.store.report import render
from listen_coach.turns.overlaps import OverlapEvent

CHART_BLUE = (0x2F, 0x6D, 0xB5)  # progress lines and the coverage bars
INTERRUPTION_RED = (0xC0, 0x39, 0x2B)
AGREEMENT_GREEN = (0x3A, 0x7D, 0x44)


def _workshop(tmp_path):
    store = open_store(tmp_path / "data", database="")
    for i, (listener, speaker) in enumerate([("Alex", "Sam"), ("Sam", "Alex")] * 3):
        start = RoundStart(listener=listener, speaker=speaker, workshop="Spring", number=i,
                           started_at=f"2026-03-0{i + 1}T10:00:00+00:00")
        store.begin_round(start)
        store.save_phase(start.uid, "speak",
                         turns=[OverlapEvent("interruption", listener, 1.0, 2.0)] * (3 - i // 2)
                         + [OverlapEvent("backchannel", listener, 3.0, 3.2)] * 2)
        store.save_score(start.uid, {"overall": 50 + 8 * i, "components": {
            "coverage": 0.4 + 0.1 * i, "faithfulness": 1.0, "question": 0.6, "paraphrase": 0.9},
            "points": [{"match": {"point": f"point {k}", "score": 0.5, "covered": k < 2,
                                  "evidence": f"summary words {k}"}} for k in range(4)]})
        # Alex's rounds (i even): the scorer differs on point 3 in the first one only.
        scorer = [True, True, i == 0, False]
        store.save_confirmations(start.uid, [(k, f"point {k}", k < 2, scorer[k])
                                             for k in range(4)])
        store.finish_round(start.uid)
    return store


def _png(path: Path) -> np.ndarray:
    import av

    with av.open(str(path)) as container:
        return next(container.decode(video=0)).to_ndarray(format="rgb24")


def _pixels_near(img: np.ndarray, rgb: tuple[int, int, int], tol: int = 12) -> int:
    return int((np.abs(img.astype(int) - np.array(rgb)).max(axis=2) <= tol).sum())


def test_report_html_holds_every_chart(tmp_path):
    page = render(_workshop(tmp_path), "Spring")
    assert page.count('class="chart progress"') == 2  # one per participant
    assert page.count('class="chart bars"') == 2  # components, interruptions
    assert "+32 since the first round" in page  # Alex: rounds 1, 3, 5: 50 -> 82
    assert "<script" not in page and "http" not in page  # self-contained, offline
    assert page.count('class="chart agreement"') == 1
    # The components are called what the results screen calls them.
    legend = page[page.index('<p class="legend">'):]
    legend = legend[:legend.index("</p>")]
    for shown in ("Points caught", "Accuracy", "Question", "Feelings", "Own words"):
        assert shown in legend
    assert "faithfulness" not in legend and "paraphrase" not in legend


def test_report_shows_the_agreement_with_the_speakers(tmp_path):
    store = _workshop(tmp_path)
    store.rule(store.rounds()[0].uid, 2, "speaker", "Dana")
    page = render(store, "Spring")
    # 24 ticked points, one disagreement (round 1, point 2: credited, not ticked).
    assert "on 96% of 24 points (95% interval 80-99%, 6 round(s))" in page
    assert "<tr><td>Alex</td><td class=num>12</td><td class=num>92%</td>" in page
    assert "<tr><td>Sam</td><td class=num>12</td><td class=num>100%</td>" in page
    assert "Where they disagreed (1)" in page
    assert "<td>point 2</td><td>summary words 2</td><td>not heard</td>" in page
    assert "<td>heard it (0.50)</td><td>speaker was right</td>" in page


def test_empty_report_says_so(tmp_path):
    assert "No finished rounds yet" in render(open_store(tmp_path / "d", database=""))


def test_report_renders_in_a_real_browser(tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (scripts/setup-system.sh --test installs it)")
    html = tmp_path / "report.html"
    html.write_text(render(_workshop(tmp_path), "Spring"), encoding="utf-8")
    shot = tmp_path / "report.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,1400",
                    f"--screenshot={shot}", html.as_uri()],
                   capture_output=True, timeout=120, check=True)
    img = _png(shot)
    assert img.shape[0] >= 1000 and img.std() > 20  # not a blank page
    assert _pixels_near(img, CHART_BLUE) > 500  # progress lines and coverage bars drawn
    assert _pixels_near(img, INTERRUPTION_RED) > 200  # interruption bars drawn
    assert _pixels_near(img, AGREEMENT_GREEN) > 500  # agreement bars drawn
    pdf = tmp_path / "report.pdf"  # and it prints
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}",
                    "--no-pdf-header-footer", html.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000


def test_the_speakers_ticks_are_the_verdict_and_the_tips_follow_them():
    from listen_coach.scoring.report import score_round, with_ticks

    speaker = ("I manage a small bakery. Last month our oven broke down on a Friday. "
               "I was really worried we would lose the wedding order. My brother Sami came "
               "in at five in the morning to help me bake.")
    summary = "So the oven went on a Friday and Sami came in early. How did the wedding go?"
    scorer = score_round(speaker, summary, speaker_name="Dana")
    ticks = [True] * len(scorer.points)
    judged = with_ticks(scorer, ticks, "Dana")
    assert judged.covered == len(scorer.points)
    assert judged.components["coverage"] == 1.0
    assert [p.scorer_covered for p in judged.points] == [p.match.covered for p in scorer.points]
    assert not any(t.startswith("You missed") for t in judged.tips)
    # Ticking nothing is believed too, and the tip names a point.
    none = with_ticks(scorer, [False] * len(scorer.points), "Dana")
    assert none.components["coverage"] == 0.0 and none.overall < judged.overall
    assert any(t.startswith("You missed") for t in none.tips)


def test_a_statement_that_carries_a_caught_point_is_never_also_made_up():
    from listen_coach.scoring.report import score_round

    speaker = "We moved the whole office to Leeds in March. It took four weekends."
    result = score_round(speaker, "You moved the office to Leeds in March, over four weekends.")
    evidence = {p.match.evidence for p in result.points if p.match.covered}
    invented = {i.summary_text for i in result.issues if i.kind == "invented"}
    assert not any(e and (e in i or i in e) for e in evidence for i in invented)
