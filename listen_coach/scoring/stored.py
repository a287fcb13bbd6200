"""A DrillScore back from its stored form (`DrillScore.to_dict()`, as JSON).

The store keeps a round's score as JSON, and bundles carry it between machines,
so the screens that show a stored round get it back as the same typed record a
fresh round has. Rounds saved by older versions, or imported from elsewhere, may
lack fields or hold odd values: whatever is missing takes its empty value, and
the record never fails to build.
"""

from __future__ import annotations

from typing import Any

from listen_coach.scoring.coverage import PointMatch
from listen_coach.scoring.faithfulness import Issue
from listen_coach.scoring.feelings import Feelings
from listen_coach.scoring.paraphrase import Echo
from listen_coach.scoring.report import DrillScore, QuestionResult, ScoredPoint


def _table(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _rows(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list | tuple) else []


def _number(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _count(value: Any) -> int | None:
    return None if value is None else int(_number(value))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _point(data: dict) -> ScoredPoint:
    m = _table(data.get("match"))
    scorer = data.get("scorer_covered")
    return ScoredPoint(
        PointMatch(str(m.get("point", "")), _number(m.get("score")), bool(m.get("covered")),
                   _text(m.get("evidence")), _text(m.get("conflict")),
                   _number(m.get("lexical_recall"))),
        _number(data.get("weight"), 1.0), tuple(str(t) for t in data.get("tags") or ()),
        None if scorer is None else bool(scorer))


def score_from_dict(data: dict) -> DrillScore:
    """The stored score as a DrillScore."""
    q = data.get("question")
    e, f = _table(data.get("echo")), _table(data.get("feelings"))
    return DrillScore(
        overall=int(_number(data.get("overall"))),
        components={str(k): _number(v) for k, v in _table(data.get("components")).items()},
        points=tuple(_point(p) for p in _rows(data.get("points"))),
        issues=tuple(Issue(str(i.get("kind", "")), str(i.get("summary_text", "")),
                           _text(i.get("speaker_text")),
                           None if i.get("support") is None else _number(i.get("support")))
                     for i in _rows(data.get("issues"))),
        question=QuestionResult(str(q.get("text", "")), str(q.get("kind", "closed")),
                                _number(q.get("pertinence")), bool(q.get("offer_of_help")))
        if isinstance(q, dict) else None,
        echo=Echo(_number(e.get("share")), tuple(str(r) for r in e.get("runs") or ())),
        feelings=Feelings({str(k): str(v) for k, v in _table(f.get("named")).items()},
                          {str(k): str(v) for k, v in _table(f.get("reflected")).items()},
                          tuple(str(w) for w in f.get("missed") or ())),
        interruptions=_count(data.get("interruptions")),
        encouragers=_count(data.get("encouragers")),
        tips=tuple(str(t) for t in data.get("tips") or ()),
        notes=tuple(str(n) for n in data.get("notes") or ()),
        said_back=bool(data.get("said_back", True)))
