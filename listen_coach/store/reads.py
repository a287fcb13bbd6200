"""The store's reads: rounds for the review, one round whole, names (repo.Store's
base; every read goes through `Store.read`, which turns a lost connection into one
sentence)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased

from listen_coach.store import schema as s
from listen_coach.store.records import Note, PhaseRecord, RoundDetail, RoundRow, Ruling
from listen_coach.turns.overlaps import from_records


class StoreReads:
    data_path: Path

    def read(self, fn: Callable[[Connection], Any]) -> Any:  # pragma: no cover - Store's
        raise NotImplementedError

    def _round_query(self):
        listener, speaker = aliased(s.participants), aliased(s.participants)
        return (select(s.rounds.c.id, s.rounds.c.uid, listener.c.name, speaker.c.name,
                       s.sessions.c.kind, s.rounds.c.exercise, s.rounds.c.exercise_title,
                       s.workshops.c.name, s.rounds.c.started_at, s.rounds.c.status,
                       s.rounds.c.score, s.rounds.c.override_score, s.rounds.c.interruptions,
                       s.rounds.c.encouragers)
                .join(s.sessions, s.sessions.c.id == s.rounds.c.session_id)
                .join(listener, listener.c.id == s.rounds.c.listener_id)
                .outerjoin(speaker, speaker.c.id == s.rounds.c.speaker_id)
                .outerjoin(s.workshops, s.workshops.c.id == s.sessions.c.workshop_id),
                listener, speaker)

    def rounds(self, participant: str | None = None, workshop: str | None = None,
               status: str | None = "done") -> list[RoundRow]:
        """Rounds, oldest first; `participant` matches the listener (whose round it is)."""
        query, listener, _ = self._round_query()
        if participant:
            query = query.where(listener.c.name == participant)
        if workshop:
            query = query.where(s.workshops.c.name == workshop)
        if status:
            query = query.where(s.rounds.c.status == status)
        query = query.order_by(s.rounds.c.started_at, s.rounds.c.id)
        return self.read(lambda c: [RoundRow(*r) for r in c.execute(query)])

    def unfinished(self) -> list[RoundRow]:
        """Rounds left in progress (the app quit or crashed): offer resume or discard."""
        return self.rounds(status="in_progress")

    def round_detail(self, round_uid: str) -> RoundDetail | None:
        query, _, _ = self._round_query()

        def read(conn: Connection) -> RoundDetail | None:
            r = conn.execute(query.where(s.rounds.c.uid == round_uid)).first()
            if r is None:
                return None
            row = RoundRow(*r)
            phases = {}
            for p in conn.execute(select(s.phases).where(s.phases.c.round_id == row.id)).mappings():
                rec = p["recording"]
                phases[p["name"]] = PhaseRecord(
                    p["name"], p["started_at"], p["seconds"], p["text"], json.loads(p["words"]),
                    from_records(json.loads(p["turns"])),
                    (self.data_path / rec) if rec else None)
            detail = conn.execute(select(s.scores.c.detail)
                                  .where(s.scores.c.round_id == row.id)).scalar()
            conf = [tuple(x) for x in conn.execute(
                select(s.confirmations.c.point_index, s.confirmations.c.point,
                       s.confirmations.c.came_across, s.confirmations.c.scorer_covered)
                .where(s.confirmations.c.round_id == row.id)
                .order_by(s.confirmations.c.point_index))]
            notes = [Note(t, c) for t, c in conn.execute(
                select(s.notes.c.text, s.notes.c.created_at)
                .where(s.notes.c.round_id == row.id).order_by(s.notes.c.id))]
            reason = conn.execute(select(s.rounds.c.override_reason)
                                  .where(s.rounds.c.id == row.id)).scalar()
            rulings = {i: Ruling(v, b, a) for i, v, b, a in conn.execute(
                select(s.rulings.c.point_index, s.rulings.c.verdict, s.rulings.c.ruled_by,
                       s.rulings.c.ruled_at).where(s.rulings.c.round_id == row.id))}
            return RoundDetail(row, phases, json.loads(detail) if detail else None,
                               conf, notes, reason, rulings)

        return self.read(read)

    def components(self, workshop: str | None = None) -> dict[str, dict[str, float]]:
        """Each finished round's score components by round uid, in one query (the
        report reads a thousand rounds; one query each would take seconds)."""
        query = (select(s.rounds.c.uid, s.scores.c.components)
                 .join(s.scores, s.scores.c.round_id == s.rounds.c.id)
                 .join(s.sessions, s.sessions.c.id == s.rounds.c.session_id)
                 .outerjoin(s.workshops, s.workshops.c.id == s.sessions.c.workshop_id)
                 .where(s.rounds.c.status == "done"))
        if workshop:
            query = query.where(s.workshops.c.name == workshop)
        return self.read(lambda c: {uid: json.loads(comps) for uid, comps in c.execute(query)})

    def participants(self) -> list[str]:
        return self.read(lambda c: list(c.execute(
            select(s.participants.c.name).order_by(s.participants.c.name)).scalars()))

    def workshops(self) -> list[str]:
        return self.read(lambda c: list(c.execute(
            select(s.workshops.c.name).order_by(s.workshops.c.name)).scalars()))
