"""What an exercise pack holds: topic cards, solo passages and their annotated
points, and the problems found while reading a pack (pack_reader.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DIFFICULTIES = ("easy", "medium", "hard")
RATES = ("normal", "slow")
#: A solo passage holds 4-10 points: fewer is not a listening test, more than ten
#: cannot be held from one hearing of a 1-2 minute passage.
MIN_POINTS, MAX_POINTS = 4, 10
#: A passage shorter than this is a sentence, not something to summarise.
MIN_PASSAGE_WORDS = 60
MAX_WEIGHT = 3.0


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Card:
    """A pair-drill topic: what the speaker talks about for 1-3 minutes."""

    id: str
    title: str
    prompt: str
    why: str
    difficulty: str
    follow_ups: tuple[str, ...] = ()
    theme: str = ""
    pack: str = ""


@dataclass(frozen=True)
class AnnotatedPoint:
    text: str
    weight: float = 1.0
    #: Other ways of saying it that a listener's summary may use.
    paraphrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A recorded monologue for a solo drill, with the points a summary should catch."""

    id: str
    title: str
    speaker: str
    text: str
    points: tuple[AnnotatedPoint, ...]
    audio: dict[str, Path]  # rate ("normal", "slow") -> file
    feelings: tuple[str, ...] = ()
    #: Asides that are not points (a joke, the weather): they make summarising harder.
    distractors: tuple[str, ...] = ()
    theme: str = ""
    pack: str = ""

    @property
    def words(self) -> int:
        return len(self.text.split())

    def difficulty(self, rate: str = "normal") -> str:
        """Harder with length, with distractors, and at the normal (faster) rate.

        Bands: up to 140 words is a short passage, over 200 a long one (1-2 minutes
        of speech at 150 words a minute); one or two asides add a little, three or
        more a lot; the slow recording (80 % speed) takes one step off.
        """
        level = (self.words > 140) + (self.words > 200)
        level += (len(self.distractors) >= 1) + (len(self.distractors) >= 3)
        level -= rate == "slow"
        return DIFFICULTIES[0 if level <= 1 else 1 if level == 2 else 2]


@dataclass
class Pack:
    path: Path
    name: str
    description: str = ""
    cards: list[Card] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def broken(self) -> bool:
        return bool(self.problems)


@dataclass
class Library:
    packs: list[Pack] = field(default_factory=list)

    @property
    def cards(self) -> list[Card]:
        return [c for p in self.packs for c in p.cards]

    @property
    def passages(self) -> list[Passage]:
        return [s for p in self.packs for s in p.passages]

    @property
    def problems(self) -> list[Problem]:
        return [x for p in self.packs for x in p.problems]

    def card(self, card_id: str) -> Card | None:
        return next((c for c in self.cards if c.id == card_id), None)

    def passage(self, passage_id: str) -> Passage | None:
        return next((s for s in self.passages if s.id == passage_id), None)
