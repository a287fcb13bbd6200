"""One round's score: every component, an overall 0-100, and tips from the round itself.

Overall score (documented here and in the README):

    overall = 100 * sum(weight_c * score_c) / sum(weight_c over the components present)

    coverage       0.40  weighted share of the speaker's points the summary caught
    faithfulness   0.15  1 - 0.25 per invented or distorted statement (floor 0)
    question       0.15  open and on topic 1.0, open but generic 0.8, closed and on
                         topic 0.6, closed and generic 0.4, none 0
    feelings       0.10  share of the speaker's named feelings reflected back
                         (left out when the speaker named none)
    paraphrase     0.10  1 below 20 % verbatim echo, falling to 0 at 100 %
    interruptions  0.10  1 - 1/3 per interruption (left out when not measured)

Catching the points is most of listening, so coverage weighs most; getting them
right and asking about them come next. Feedback research (DESIGN.md §3) says a
rich, personal report after practice helps, so tips quote the round.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache

from listen_coach.scoring import faithfulness as faith
from listen_coach.scoring.coverage import PointMatch, match_points
from listen_coach.scoring.feelings import Feelings, compare_feelings, suggested_phrase
from listen_coach.scoring.lexical import analyse, weight
from listen_coach.scoring.nlp import parse, strip_fillers
from listen_coach.scoring.paraphrase import Echo, echo
from listen_coach.scoring.person import as_you, second_person, third_person
from listen_coach.scoring.points import Point, clean, extract_points
from listen_coach.scoring.questions import find_questions

WEIGHTS = {"coverage": 0.40, "faithfulness": 0.15, "question": 0.15, "feelings": 0.10,
           "paraphrase": 0.10, "interruptions": 0.10}
ISSUE_COST = 0.25
INTERRUPTION_COST = 1 / 3
ECHO_FREE = 0.2
#: What each component is called wherever a person reads it: the results screen,
#: the facilitator's report. Exports keep the keys.
LABELS = {"coverage": "Points caught", "faithfulness": "Accuracy", "question": "Question",
          "feelings": "Feelings", "paraphrase": "Own words", "interruptions": "Let them finish"}
#: A question is on topic when this weighted share of its content words was said
#: by the speaker (one salient shared word in a short question is enough).
PERTINENT = 0.3
#: Longest speaker transcript scored in full (about 25 minutes of speech); beyond
#: it the first part is used and the report says so.
MAX_SPEAKER_WORDS = 4000


@dataclass(frozen=True)
class QuestionResult:
    text: str
    kind: str  # "open" or "closed"
    pertinence: float
    offer_of_help: bool

    @property
    def pertinent(self) -> bool:
        return self.pertinence >= PERTINENT or self.offer_of_help


@dataclass(frozen=True)
class ScoredPoint:
    match: PointMatch
    weight: float
    tags: tuple[str, ...] = ()
    #: In a pair round the speaker's tick is the verdict (`match.covered`); this is
    #: what the scorer itself said, kept for the results screen and for audit.
    scorer_covered: bool | None = None


@dataclass(frozen=True)
class DrillScore:
    overall: int
    components: dict[str, float]
    points: tuple[ScoredPoint, ...]
    issues: tuple[faith.Issue, ...]
    question: QuestionResult | None
    echo: Echo
    feelings: Feelings
    interruptions: int | None
    encouragers: int | None
    tips: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())
    #: Whether the summary held words to score (not empty, fillers or another language).
    said_back: bool = True

    @property
    def covered(self) -> int:
        return sum(p.match.covered for p in self.points)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["covered"] = self.covered
        return data


#: Pronouns that point back at what was just said: "What surprised you most about
#: *that*?", "How did *it* feel when *she* answered?" ask about the speaker's story
#: without naming it again.
_REFERRING = {"that", "this", "it", "she", "he", "they", "them", "her", "him", "those",
              "these"}
#: The pertinence of a question that follows on by a pronoun rather than a word the
#: speaker said: on topic (>= PERTINENT), but below one that names a point.
FOLLOWS_ON = 0.5


def _pertinence(question: str, speaker: str) -> float:
    q = analyse(question)
    said = {t.key for t in analyse(speaker).tokens}
    content = [t for t in q.tokens if t.key != "SPEAKER"]
    if not content:
        return FOLLOWS_ON  # "How did that feel?": follows on, but names nothing
    total = sum(weight(t.key) for t in content)
    share = round(sum(weight(t.key) for t in content if t.key in said) / total, 4)
    if share < PERTINENT and any(t.lower_ in _REFERRING and t.pos_ == "PRON"
                                 for t in parse(question)):
        return FOLLOWS_ON
    return share


def _question(summary: str, speaker: str) -> QuestionResult | None:
    found = find_questions(summary)
    if not found:
        return None
    results = [QuestionResult(q.text, q.kind, _pertinence(q.text, speaker), q.offer_of_help)
               for q in found]
    rank = {"open": 1, "closed": 0}
    return max(results, key=lambda r: (r.pertinent, rank[r.kind], r.pertinence))


def _question_score(q: QuestionResult | None) -> float:
    if q is None:
        return 0.0
    if q.kind == "open":
        return 1.0 if q.pertinent else 0.8
    return 0.6 if q.pertinent else 0.4


def _looks_english(text: str) -> bool:
    """English text is full of stop words ("the", "and", "was"); another language's
    is not. spaCy's list, looked up directly: no parse needed."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 5:
        return True
    stop = sum(1 for w in words[:200] if w in STOP_WORDS)
    return stop / min(len(words), 200) >= 0.15


def _speaker_text(speaker: str) -> tuple[str, list[str]]:
    """The speaker's transcript as every scorer reads it, and a note if it was cut."""
    speaker = clean(speaker)  # one cleaned text, parsed once, for every scorer below
    words = speaker.split()
    if len(words) > MAX_SPEAKER_WORDS:
        return " ".join(words[:MAX_SPEAKER_WORDS]), [
            f"The speaker's transcript is {len(words):,} words; the first "
            f"{MAX_SPEAKER_WORDS:,} were scored."]
    return speaker, []


@lru_cache(maxsize=8)
def _extracted(speaker: str) -> tuple[Point, ...]:
    return tuple(extract_points(speaker))


def prepare_speaker(speaker: str) -> None:
    """Do the speaker's half of the scoring now: parse, points, the windows that
    statements are checked against. The drill calls this while the listener is
    still summarising, so that scoring after the summary only reads the summary.
    Everything lands in caches keyed by the text; calling it is never required."""
    text, _ = _speaker_text(speaker)
    if text.strip():
        _extracted(text)
        faith.windows(text)
        parse(text)


def score_round(speaker: str, summary: str, points: Sequence[str] | None = None,
                speaker_name: str | None = None, point_weights: Sequence[float] | None = None,
                interruptions: int | None = None, encouragers: int | None = None,
                paraphrases: Sequence[Sequence[str]] | None = None) -> DrillScore:
    """Score a listener's summary of what the speaker said.

    `points` are annotated points (an exercise's); without them they are extracted
    from `speaker`. `paraphrases[i]` are other accepted wordings of `points[i]`:
    a point scores the best of its wordings. Interruptions and encouragers come
    from the turns analysis.
    """
    speaker, notes = _speaker_text(speaker)
    if points is not None:
        weights = list(point_weights) if point_weights else [1.0] * len(points)
        plist = [Point(p, w) for p, w in zip(points, weights, strict=True)]
    else:
        plist = list(_extracted(speaker))
    if not plist:
        notes.append("No points could be found in what the speaker said.")
    cleaned = strip_fillers(summary).strip(" .,")
    if not summary.strip():
        notes.append("The summary is empty: nothing was said back.")
    elif not cleaned:
        notes.append("The summary holds only fillers (um, uh, you know).")
    elif not _looks_english(summary):
        notes.append("The summary does not look like English, so it cannot be compared "
                     "with what the speaker said.")
        cleaned = ""
    texts = [p.text for p in plist]
    if not cleaned:
        matches = [PointMatch(t, 0.0, False, None) for t in texts]
    else:
        wordings = [[t, *(paraphrases[i] if paraphrases and i < len(paraphrases) else ())]
                    for i, t in enumerate(texts)]
        matches = _best_wording(texts, wordings, cleaned, speaker_name)
    scored = tuple(ScoredPoint(m, p.weight, p.tags) for m, p in zip(matches, plist, strict=True))
    issues = tuple(faith.check(speaker, cleaned)) if cleaned else ()
    question = _question(summary, speaker) if cleaned else None
    ech = echo(speaker, cleaned)
    feelings = compare_feelings(speaker, cleaned)

    return _assemble(scored, issues, question, ech, feelings, interruptions, encouragers,
                     speaker_name, notes, bool(cleaned))


def with_ticks(score: DrillScore, came_across: Sequence[bool],
               speaker_name: str | None = None) -> DrillScore:
    """The round as the speaker judged it: each point caught or not by their tick,
    the coverage component and the tips following the ticks, the scorer's verdict
    kept beside each point (`ScoredPoint.scorer_covered`). Only the speaker knows
    what they meant; the scorer reads words. The speaker's ticks decide a pair
    round; solo drills keep the scorer's verdict against the annotated points."""
    points = tuple(replace(p, match=replace(p.match, covered=bool(tick), conflict=(
        None if tick else p.match.conflict)), scorer_covered=p.match.covered)
        for p, tick in zip(score.points, came_across, strict=True))
    return _assemble(points, score.issues, score.question, score.echo, score.feelings,
                     score.interruptions, score.encouragers, speaker_name, list(score.notes),
                     score.said_back)


def _consistent(issues: Sequence[faith.Issue], points: Sequence[ScoredPoint]
                ) -> tuple[faith.Issue, ...]:
    """A statement that carries a caught point is never also "never said": the point
    check and the faithfulness check read the summary separately and may disagree."""
    evidence = [p.match.evidence.lower() for p in points
                if p.match.covered and p.match.evidence]

    def carries(text: str) -> bool:
        t = text.lower().strip(" .")
        return any(t in e or e in t for e in evidence)

    return tuple(i for i in issues if not (i.kind == "invented" and carries(i.summary_text)))


def _assemble(scored: tuple[ScoredPoint, ...], issues: Sequence[faith.Issue],
              question: QuestionResult | None, ech: Echo, feelings: Feelings,
              interruptions: int | None, encouragers: int | None, speaker_name: str | None,
              notes: list[str], cleaned: bool) -> DrillScore:
    """Components, overall and tips from the parts of a round."""
    issues = _consistent(issues, scored)
    total_weight = sum(p.weight for p in scored) or 1.0
    components: dict[str, float] = {
        "coverage": sum(p.weight for p in scored if p.match.covered) / total_weight,
        "faithfulness": max(0.0, 1.0 - ISSUE_COST * len(issues)) if cleaned else 0.0,
        "question": _question_score(question),
        "paraphrase": (1.0 - max(0.0, ech.share - ECHO_FREE) / (1 - ECHO_FREE))
        if cleaned else 0.0,
    }
    if feelings.share_reflected is not None:
        components["feelings"] = feelings.share_reflected
    if interruptions is not None:
        components["interruptions"] = max(0.0, 1.0 - INTERRUPTION_COST * interruptions)
    components = {k: round(v, 4) for k, v in components.items()}
    overall = 100 * sum(WEIGHTS[k] * v for k, v in components.items()) / sum(
        WEIGHTS[k] for k in components)
    tips = _tips(scored, tuple(issues), question, ech, feelings, interruptions, speaker_name,
                 notes)
    return DrillScore(round(overall), components, scored, tuple(issues), question, ech,
                      feelings, interruptions, encouragers, tuple(tips), tuple(notes), cleaned)


def _best_wording(points: list[str], wordings: list[list[str]], summary: str,
                  speaker_name: str | None) -> list[PointMatch]:
    """Match every wording of every point at once; keep each point's best match,
    reported in the point's own words."""
    owners = [i for i, alts in enumerate(wordings) for _ in alts]
    flat = [as_you(w, speaker_name) for alts in wordings for w in alts]
    best: dict[int, PointMatch] = {}
    for i, m in zip(owners, match_points(flat, as_you(summary, speaker_name)), strict=True):
        if i not in best or m.score > best[i].score:
            best[i] = m
    return [replace(best[i], point=points[i]) for i in range(len(points))]


def _within(clause: str) -> str:
    """A sentence set inside another ("You missed that ..."): its first word loses its
    capital unless it is a name or "I" ("the council wants", but "Marcus thinks")."""
    if not clause[:1].isupper():
        return clause
    first = parse(clause)[0]
    if first.text == "I" or first.pos_ == "PROPN":
        return clause
    return clause[:1].lower() + clause[1:]


def _quote(text: str, limit: int = 70) -> str:
    text = text.strip().rstrip(".")
    return f"“{text if len(text) <= limit else text[:limit].rsplit(' ', 1)[0] + '…'}”"


def _tips(points: tuple[ScoredPoint, ...], issues: tuple[faith.Issue, ...],
          question: QuestionResult | None, ech: Echo, feelings: Feelings,
          interruptions: int | None, name: str | None, notes: list[str]) -> list[str]:
    who = name or "your partner"
    tips: list[str] = []
    for issue in issues:
        if issue.kind in ("number", "negation", "name") and issue.speaker_text:
            what = {"number": "a different number", "negation": "the opposite",
                    "name": "a different name"}[issue.kind]
            tips.append(f"You said {_quote(issue.summary_text)}, but {who} said "
                        f"{_quote(issue.speaker_text)}: that is {what}.")
            break
    missed = sorted((p for p in points if not p.match.covered), key=lambda p: -p.weight)
    if missed:
        point = missed[0].match.point.rstrip(".")
        if missed[0].match.conflict:
            tips.append(f"Check {_quote(point)}: your version changed its meaning.")
        else:
            tips.append(f"You missed that {_within(third_person(point, name))}.")
    if question is None and not notes:
        top = max(points, key=lambda p: p.weight, default=None)
        subject = _topic(top.match.point) if top else None
        example = f"“What was the hardest part of {subject}?”" if subject else \
            "“What was the hardest part?”"
        tips.append(f"End with a question about what {who} said, for example {example}")
    elif question is not None and question.kind == "closed":
        tips.append(f"{_quote(question.text)} can be answered with yes or no; an open "
                    f"question (what, how, tell me more) lets {who} say more.")
    elif question is not None and not question.pertinent:
        tips.append(f"Your question {_quote(question.text)} did not pick up anything {who} "
                    f"said; ask about one of their points.")
    if feelings.missed:
        word = feelings.missed[0]
        tips.append(f"{who[:1].upper() + who[1:]} said “{word}”; naming the feeling "
                    f"(“{suggested_phrase(word)}”) shows you heard more than the facts.")
    for issue in issues:
        if issue.kind == "invented":
            tips.append(f"{_quote(issue.summary_text)} is not something {who} said: keep "
                        f"to what you heard.")
            break
    if ech.parroting and ech.runs:
        tips.append(f"Put it in your own words: {_quote(ech.runs[0])} was repeated word "
                    f"for word.")
    if interruptions:
        times = "once" if interruptions == 1 else f"{interruptions} times"
        tips.append(f"You cut in {times} while {who} was talking; let them finish first.")
    if len(tips) < 2:
        caught = [p for p in points if p.match.covered]
        if caught:
            best = max(caught, key=lambda p: p.weight).match.point.rstrip(".")
            tips.append(f"Well heard: you caught {len(caught)} of {len(points)} points, "
                        f"including that {_within(third_person(best, name))}.")
    if len(tips) < 2 and question is not None and question.kind == "open":
        tips.append(f"Good open question: {_quote(question.text)}.")
    for note in notes:
        if len(tips) >= 4:
            break
        tips.insert(0, note)
    return tips[:4]


def _topic(point: str) -> str | None:
    """A noun phrase naming what a point is about, in the listener's words ("your launch")."""
    chunks = [c for c in parse(point).noun_chunks if c.root.pos_ != "PRON"]
    if not chunks:
        return None
    chunk = max(chunks, key=lambda c: sum(weight(t.lemma_.lower()) for t in c
                                          if not t.is_stop))
    return second_person(chunk.text)
