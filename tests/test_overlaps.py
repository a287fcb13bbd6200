"""classify_overlaps: interruption or backchannel, from timing and words."""

from listen_coach.turns import Turn, classify_overlaps


def test_backchannel_inside_a_turn():
    events = classify_overlaps([
        Turn("A", 0.0, 10.0, "so the launch slipped again and again"),
        Turn("B", 4.0, 4.3, "mm-hmm"),
    ])
    assert [(e.kind, e.speaker, e.over) for e in events] == [("backchannel", "B", "A")]


def test_interruption_takes_the_floor():
    events = classify_overlaps([
        {"speaker": "A", "start": 0.0, "end": 6.0, "text": "and then my manager said"},
        {"speaker": "B", "start": 5.2, "end": 8.0, "text": "wait, did he really say that"},
    ])
    assert [(e.kind, e.start) for e in events] == [("interruption", 5.2)]


def test_no_overlap_no_event():
    assert classify_overlaps([Turn("A", 0, 3, "hello"), Turn("B", 3.2, 5, "hi there")]) == []


def test_textless_segments_decide_by_duration():
    events = classify_overlaps([Turn("A", 0, 10), Turn("B", 2.0, 2.4), Turn("B", 6.0, 7.5)])
    assert [e.kind for e in events] == ["backchannel", "interruption"]


def test_short_but_wordy_is_an_interruption():
    [e] = classify_overlaps([Turn("A", 0, 10, "x"), Turn("B", 3, 3.9, "no no no stop")])
    assert e.kind == "interruption"


def test_own_overlapping_segments_are_not_events():
    assert classify_overlaps([Turn("A", 0, 5, "a"), Turn("A", 4, 6, "b")]) == []


def test_pyannote_sample_overlaps():
    """The real sample's RTTM (skipped without ../shared): the short vocalisation at
    18.15 s inside the other's turn is a backchannel."""
    import pytest

    from support.speech import require_shared

    rttm = require_shared() / "conversation" / "pyannote_sample" / "sample.rttm"
    turns = []
    for line in rttm.read_text().splitlines():
        f = line.split()
        if f and f[0] == "SPEAKER":
            start, dur = float(f[3]), float(f[4])
            turns.append(Turn(f[7], start, start + dur))
    events = classify_overlaps(turns)
    near = [e for e in events if abs(e.start - 18.15) < 0.3]
    if not near:
        pytest.fail(f"no event near 18.15 s: {events}")
    assert near[0].kind == "backchannel"
    assert any(e.kind == "interruption" and abs(e.start - 27.85) < 0.3 for e in events)
