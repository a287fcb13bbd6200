"""The facilitator's review, driven by Pilot over a real store: the agreement with
the speakers, and rulings made with the keys and stored with who made them."""

from __future__ import annotations

import asyncio

import pytest

from listen_coach.config import load_settings
from listen_coach.store import audit, open_store
from listen_coach.tui.app import make_app
from support.pilot import until as _until
from support.rounds import seed as _seed

pytestmark = pytest.mark.slow



def test_rulings_from_the_keys_reach_the_store_and_the_agreement(transcriber, tmp_path):
    store = open_store(tmp_path / "data", database="")
    _seed(store)
    settings = load_settings()
    settings.facilitator = "Dana"
    app = make_app(settings, transcriber, store_factory=lambda: store,
                   microphone_status=lambda: "mic")

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("r")
            await _until(lambda: type(app.screen).__name__ == "ReviewScreen" and
                         app.screen.query_one("DataTable").row_count == 4)
            line = str(app.screen.query_one("#agreement").render())
            assert "78% of 9 points" in line  # 3 + 3 + 1 of 3 + 3 + 3 agreed
            await pilot.press("a")
            await _until(lambda: type(app.screen).__name__ == "AgreementScreen" and
                         app.screen.query_one("#disagreements").option_count == 2)
            await pilot.press("enter")  # the newest disagreement's round
            await _until(lambda: type(app.screen).__name__ == "RoundDetailScreen" and
                         app.screen.detail is not None)
            assert app.screen.uid == "round-2"
            await pilot.press("j")
            await _until(lambda: type(app.screen).__name__ == "RulingScreen")
            await pilot.press("s", "down", "c")
            await pilot.press("escape")
            await _until(lambda: type(app.screen).__name__ == "RoundDetailScreen")
            await _until(lambda: len(store.round_detail("round-2").rulings) == 2)
            await _until(lambda: "speaker was right (Dana)" in str(
                app.screen.query_one("#detail").render()))
            await pilot.press("escape")
            await _until(lambda: type(app.screen).__name__ == "AgreementScreen")
            await _until(lambda: "speaker right 1, scorer right 1" in str(
                app.screen.query_one("#agree-summary").render()))
            app.exit()

    asyncio.run(run())
    rulings = store.round_detail("round-2").rulings
    assert {i: (r.verdict, r.by) for i, r in rulings.items()} == {
        1: ("speaker", "Dana"), 2: ("scorer", "Dana")}
    assert audit.agreement(audit.verdicts(store)).unruled == 0


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_agreement_updates_as_rounds_come_in(transcriber, tmp_path, monkeypatch, backend,
                                                 request):
    from listen_coach.store.repo import RoundStart
    from listen_coach.tui.screens import review

    if backend == "sqlite":
        store = open_store(tmp_path / "data", database="")
    else:
        store = open_store(tmp_path / "data",
                           database=request.getfixturevalue("postgres").create_db("live"))
    _seed(store)
    monkeypatch.setattr(review, "REFRESH_S", 0.3)
    app = make_app(load_settings(), transcriber, store_factory=lambda: store,
                   microphone_status=lambda: "mic")

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("r")
            await _until(lambda: type(app.screen).__name__ == "ReviewScreen" and
                         "78% of 9 points" in str(app.screen.query_one("#agreement").render()))
            # Another station finishes a ticked round: one point, and they disagree.
            start = RoundStart(listener="Sam", speaker="Alex", workshop="Spring", uid="late")
            store.begin_round(start)
            store.save_score("late", {"overall": 50, "components": {}, "points": [
                {"match": {"point": "I moved house", "covered": True}}]})
            store.save_confirmations("late", [(0, "I moved house", True, False)])
            store.finish_round("late")
            await _until(lambda: "70% of 10 points" in str(
                app.screen.query_one("#agreement").render()))
            assert app.screen.query_one("DataTable").row_count == 5
            app.exit()

    asyncio.run(run())


def test_names_that_look_like_markup_are_shown_as_written(transcriber, tmp_path):
    from listen_coach.store.repo import RoundStart

    store = open_store(tmp_path / "data", database="")
    start = RoundStart(listener="Jo [/]", speaker="[b]Max", workshop="[/b]", uid="odd",
                       exercise_title="Cards [/i]")
    store.begin_round(start)
    store.save_phase("odd", "summary", text="So [/] you moved.")
    store.save_score("odd", {"overall": 50, "components": {}, "points": [
        {"match": {"point": "I moved [/b]", "covered": True, "score": 0.2,
                   "evidence": "[/] you moved"}}]})
    store.save_confirmations("odd", [(0, "I moved [/b]", True, False)])
    store.finish_round("odd")
    app = make_app(load_settings(), transcriber, store_factory=lambda: store,
                   microphone_status=lambda: "mic")

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("r")
            await _until(lambda: type(app.screen).__name__ == "ReviewScreen" and
                         app.screen.query_one("DataTable").row_count == 1)
            await pilot.press("a")
            await _until(lambda: type(app.screen).__name__ == "AgreementScreen" and
                         app.screen.query_one("#disagreements").option_count == 1)
            await pilot.press("enter")
            await _until(lambda: type(app.screen).__name__ == "RoundDetailScreen" and
                         app.screen.detail is not None)
            assert "Jo [/]" in str(app.screen.query_one("#detail").render())
            await pilot.press("j")
            await _until(lambda: type(app.screen).__name__ == "RulingScreen")
            await pilot.press("s", "escape")
            await _until(lambda: "speaker was right" in str(
                app.screen.query_one("#detail").render()))
            app.exit()

    asyncio.run(run())
    assert store.round_detail("odd").rulings[0].verdict == "speaker"
