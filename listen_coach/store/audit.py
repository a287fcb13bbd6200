"""How far the scorer agrees with the speakers: per workshop, per participant, and
the points where they differ.

In a pair round the speaker ticks which of their points came across; the scorer's
own verdict on each point is stored beside the tick (`confirmations`). Read back,
the two give a facilitator what no model card can: how often the machine agreed
with the people *in this workshop*, and where it did not. A facilitator may rule
on a disagreement ("the speaker was right" / "the scorer was right"); rulings are
counted beside the agreement, never folded into it, so the figure stays the plain
share of points on which tick and scorer matched.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, and_, select
from sqlalchemy.orm import aliased

from listen_coach.store import schema as s
from listen_coach.store.repo import Store

#: z for a two-sided 95 % interval.
Z95 = 1.959964


def wilson(agreed: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion (Wilson 1927). Chosen over the
    normal approximation because a workshop gives tens of points, not thousands, and
    agreement sits near 1, where the normal interval overshoots 100 % and collapses
    to a point at 100 % (Agresti & Coull 1998, "Approximate is better than 'exact'
    for interval estimation of binomial proportions")."""
    if n == 0:
        return 0.0, 1.0
    p = agreed / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class PointVerdict:
    """One point of one pair round: the speaker's tick beside the scorer's verdict."""

    round_uid: str
    started_at: str
    workshop: str | None
    listener: str  # whose summary was judged
    speaker: str | None  # who ticked
    exercise: str
    index: int
    point: str
    came_across: bool  # the speaker's tick
    scorer_covered: bool  # the scorer's own verdict
    ruling: str | None = None  # "speaker" or "scorer", from a facilitator
    ruled_by: str | None = None
    ruled_at: str | None = None

    @property
    def agrees(self) -> bool:
        return self.came_across == self.scorer_covered


@dataclass(frozen=True)
class Agreement:
    """Counts over a set of points; every figure is a plain count or share of them."""

    points: int
    agreed: int
    credited_unheard: int  # the scorer credited a point the speaker did not tick
    missed_heard: int  # the speaker ticked a point the scorer did not credit
    speaker_right: int  # disagreements a facilitator ruled for the speaker
    scorer_right: int  # ... and for the scorer
    rounds: int

    @property
    def share(self) -> float | None:
        return self.agreed / self.points if self.points else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.agreed, self.points)

    @property
    def disagreements(self) -> int:
        return self.points - self.agreed

    @property
    def unruled(self) -> int:
        return self.disagreements - self.speaker_right - self.scorer_right

    def sentence(self) -> str:
        """One line for the review: the share, its interval and what it rests on."""
        if not self.points:
            return "No ticked points yet: agreement shows once speakers tick pair rounds."
        lo, hi = self.interval
        text = (f"The scorer agreed with the speakers on {100 * (self.share or 0):.0f}% of "
                f"{self.points} points (95% interval {100 * lo:.0f}-{100 * hi:.0f}%, "
                f"{self.rounds} round(s)); it credited {self.credited_unheard} the speaker did "
                f"not hear and missed {self.missed_heard} they did")
        if self.speaker_right or self.scorer_right:
            text += (f"; ruled: speaker right {self.speaker_right}, "
                     f"scorer right {self.scorer_right}")
        return text + "."


def agreement(verdicts: Iterable[PointVerdict]) -> Agreement:
    points = agreed = credited = missed = speaker_right = scorer_right = 0
    rounds: set[str] = set()
    for v in verdicts:
        points += 1
        rounds.add(v.round_uid)
        if v.agrees:
            agreed += 1
            continue
        if v.scorer_covered:
            credited += 1
        else:
            missed += 1
        speaker_right += v.ruling == "speaker"
        scorer_right += v.ruling == "scorer"
    return Agreement(points, agreed, credited, missed, speaker_right, scorer_right, len(rounds))


def grouped(verdicts: Iterable[PointVerdict], key: Callable[[PointVerdict], str | None]
            ) -> dict[str, Agreement]:
    """Agreement per group (a workshop, a participant), sorted by name."""
    groups: dict[str, list[PointVerdict]] = defaultdict(list)
    for v in verdicts:
        groups[key(v) or "(none)"].append(v)
    return {name: agreement(groups[name]) for name in sorted(groups, key=str.casefold)}


def by_workshop(verdicts: Iterable[PointVerdict]) -> dict[str, Agreement]:
    return grouped(verdicts, lambda v: v.workshop)


def by_participant(verdicts: Iterable[PointVerdict]) -> dict[str, Agreement]:
    """Per listener: the scorer judged the listener's summary."""
    return grouped(verdicts, lambda v: v.listener)


def verdicts(store: Store, workshop: str | None = None, participant: str | None = None,
             round_uid: str | None = None) -> list[PointVerdict]:
    """Every ticked point of the finished pair rounds, oldest round first, in one query
    (the review reads them for a thousand rounds at a time)."""
    listener, speaker = aliased(s.participants), aliased(s.participants)
    c, r = s.confirmations, s.rounds
    query = (select(r.c.uid, r.c.started_at, s.workshops.c.name, listener.c.name,
                    speaker.c.name, r.c.exercise_title, r.c.exercise, c.c.point_index,
                    c.c.point, c.c.came_across, c.c.scorer_covered, s.rulings.c.verdict,
                    s.rulings.c.ruled_by, s.rulings.c.ruled_at)
             .join(r, r.c.id == c.c.round_id)
             .join(s.sessions, s.sessions.c.id == r.c.session_id)
             .join(listener, listener.c.id == r.c.listener_id)
             .outerjoin(speaker, speaker.c.id == r.c.speaker_id)
             .outerjoin(s.workshops, s.workshops.c.id == s.sessions.c.workshop_id)
             .outerjoin(s.rulings, and_(s.rulings.c.round_id == c.c.round_id,
                                        s.rulings.c.point_index == c.c.point_index))
             .where(r.c.status == "done", s.sessions.c.kind == "pair"))
    if workshop:
        query = query.where(s.workshops.c.name == workshop)
    if participant:
        query = query.where(listener.c.name == participant)
    if round_uid:
        query = query.where(r.c.uid == round_uid)
    query = query.order_by(r.c.started_at, r.c.id, c.c.point_index)

    def read(conn: Connection) -> list[PointVerdict]:
        return [PointVerdict(uid, at, ws, who, spk, title or ex, i, point, bool(tick),
                             bool(scorer), ruling, by, when)
                for (uid, at, ws, who, spk, title, ex, i, point, tick, scorer, ruling, by,
                     when) in conn.execute(query)]

    return store.read(read)


@dataclass(frozen=True)
class Disagreement:
    """A point the speaker and the scorer judged differently, with what the scorer read."""

    verdict: PointVerdict
    evidence: str | None  # the summary's words the scorer weighed for this point
    scorer_score: float | None  # the scorer's confidence that the point came across, 0-1
    summary: str  # the listener's whole summary


def disagreements(store: Store, points: Sequence[PointVerdict]) -> list[Disagreement]:
    """The points of `points` where tick and scorer differ, newest round first, each
    with the summary's words; reads the scores of only the rounds concerned."""
    differ = [v for v in points if not v.agrees]
    if not differ:
        return []
    uids = sorted({v.round_uid for v in differ})

    def read(conn: Connection) -> dict[str, tuple[str | None, str]]:
        out: dict[str, tuple[str | None, str]] = {}
        for start in range(0, len(uids), 500):  # stay under SQLite's bound-variable limit
            chunk = uids[start:start + 500]
            details = dict(conn.execute(
                select(s.rounds.c.uid, s.scores.c.detail)
                .join(s.scores, s.scores.c.round_id == s.rounds.c.id)
                .where(s.rounds.c.uid.in_(chunk))).all())
            texts = dict(conn.execute(
                select(s.rounds.c.uid, s.phases.c.text)
                .join(s.phases, s.phases.c.round_id == s.rounds.c.id)
                .where(s.rounds.c.uid.in_(chunk), s.phases.c.name == "summary")).all())
            for uid in chunk:
                out[uid] = (details.get(uid), texts.get(uid) or "")
        return out

    found = store.read(read)
    result = []
    for v in sorted(differ, key=lambda v: (v.started_at, v.index), reverse=True):
        detail, summary = found.get(v.round_uid, (None, ""))
        evidence, score = _evidence(detail, v.index)
        result.append(Disagreement(v, evidence, score, summary))
    return result


def _evidence(detail: str | None, index: int) -> tuple[str | None, float | None]:
    """The scorer's evidence and confidence for point `index` of a stored score."""
    if not detail:
        return None, None
    try:
        match = json.loads(detail)["points"][index]["match"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None, None
    score = match.get("score")
    return match.get("evidence"), float(score) if isinstance(score, int | float) else None
