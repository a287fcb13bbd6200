"""The points a listener should capture, extracted from what the speaker said.

A point is one atomic statement. Sentences are cleaned of fillers and false
starts, split where two clauses each have their own subject ("I stayed late and
my manager never noticed" is two points), and simple third-person pronouns are
resolved to the last person named. Each point gets a salience weight: named
people and things, numbers and feelings are what a speaker notices being missed.
When an exercise gives annotated points, those are used instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from listen_coach.scoring.amounts import TIME_UNITS
from listen_coach.scoring.feelings import names_a_feeling
from listen_coach.scoring.lexical import weight
from listen_coach.scoring.nlp import expand_contractions, parse, strip_fillers

#: Clauses with fewer content words than this are asides ("I don't know", "it was fine").
MIN_CONTENT_WORDS = 2
#: At most this many points per round, and about one per WORDS_PER_POINT words of
#: talk (at least MIN_POINTS): people who wrote the points of 130-280-word talks
#: wrote one per 21 words (the spoken corpus, median; 16-27) and the solo passages'
#: annotators one per 23; an extracted clause often holds less than a written point,
#: so a few more are kept. More makes the tick screen a chore, and the extra points
#: are the garbled ones.
MAX_POINTS = 8
WORDS_PER_POINT = 16
MIN_POINTS = 3
#: A point this much contained in an earlier one (its content words) says it again.
REPEATED = 0.7
_ASIDES = re.compile(r"^(i (don't|do not) know|you know|i mean|anyway|so yeah|yeah|right|"
                     r"that's it|that's all|i guess|whatever)[.!?]*$", re.I)
#: Discourse markers that open a clause without adding to it.
_OPENERS = re.compile(r"^(so|and|but|anyway|well|okay|ok|also|then|yeah|now|oh)\b[,]?\s+", re.I)
_ORPHAN_CONJUNCTION = re.compile(r"\s*,\s*(?:and|but|or|so)?\s*,", re.I)
_STUTTER = re.compile(r"\b(\w+)(\s+\1\b)+", re.I)  # "I I went" -> "I went"
_RESTART = re.compile(r"\b(\w+ \w+)[-—,]\s+(?=\1\b)", re.I)  # "I was- I was going"


@dataclass(frozen=True)
class Point:
    text: str
    weight: float
    #: Why it matters: "name", "number", "feeling" (for tips and the confirm screen).
    tags: tuple[str, ...] = ()


def clean(text: str) -> str:
    text = strip_fillers(text)
    text = _RESTART.sub("", text)
    text = _STUTTER.sub(r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


#: Subjects that make a verb a clause of its own ("there are forty of us" has one too).
_SUBJECTS = ("nsubj", "nsubjpass", "expl")
#: Subordinate clauses that state a fact of their own: "..., because nobody else
#: knows the grant reporting" is a point a listener can catch or miss by itself.
#: Conditions ("if", "unless") and time ("when", "after") are left on their clause:
#: cut off, they would state as fact what the speaker only supposed or placed.
_FACT_MARKERS = {"because", "cause", "'cause", "cos", "although", "though", "whereas"}


def _own_clause(tok) -> bool:
    has_subject = any(c.dep_ in _SUBJECTS for c in tok.children)
    if tok.dep_ == "conj" and tok.pos_ in ("VERB", "AUX"):
        return has_subject
    if tok.dep_ == "advcl" and tok.pos_ in ("VERB", "AUX"):
        return has_subject and any(c.dep_ == "mark" and c.lower_ in _FACT_MARKERS
                                   for c in tok.children)
    return False


def _joins(tok, groups: dict, root) -> bool:
    """The word that joined a split-off clause to the rest ("and", "because"), not an
    "and" between two verbs of one clause ("comes twice a week and says ...")."""
    if tok.head.i not in groups:
        return False
    if tok.dep_ == "cc":
        if tok.i < tok.head.i:
            return True  # hung on the clause it opens
        joined = next((c for c in tok.head.children if c.dep_ == "conj" and c.i > tok.i), None)
        return joined is None or joined.i in groups
    return tok.dep_ == "mark" and tok.head.i != root.i


def clauses(sent) -> list[list]:
    """Token groups of independent clauses: a conjoined verb with its own subject
    starts a new clause, and so does a "because" or "although" clause; the
    conjunction that joined them is dropped."""
    roots = [sent.root, *(tok for tok in sent if tok.i != sent.root.i and _own_clause(tok))]
    if len(roots) == 1:
        return [[t for t in sent if not t.is_space]]
    groups: dict[int, list] = {r.i: [] for r in roots}
    for tok in sent:
        owner = tok
        while owner.i not in groups and owner.head.i != owner.i:
            owner = owner.head
        key = owner.i if owner.i in groups else sent.root.i
        groups[key].append(tok)
    out = []
    for root in roots:
        toks = [t for t in groups[root.i] if not _joins(t, groups, sent.root)]
        while toks and (toks[-1].is_punct or toks[-1].dep_ == "cc"):
            toks = toks[:-1]
        if toks:
            out.append(toks)
    return out


#: Days and months are proper nouns too, but never who "she" is.
_CALENDAR = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december"}
#: Where a person stands in a clause: doing, done to, named beside, owning. A place
#: is mostly the object of a preposition ("in Leeds"), a day an adverb ("every
#: Saturday"). The role decides, not the entity recogniser: the small model's labels
#: are unreliable on speech (it has called "Marcus" a place), and running it costs
#: about 55 ms a talk, a sixth of scoring a whole round.
_PERSON_ROLES = {"nsubj", "nsubjpass", "dobj", "appos", "poss", "conj", "attr", "ROOT"}
#: Words that tie a clause to a time or an amount as a number does (what a recogniser
#: would label DATE, TIME, MONEY or PERCENT): a speaker notices these being missed.
_TIMES_AND_AMOUNTS = _CALENDAR | {
    "spring", "summer", "autumn", "winter", "today", "tonight", "yesterday", "tomorrow",
    "weekend", "day", "days", "night", "nights", "morning", "evening", "afternoon",
    "week", "weeks", "month", "months", "year", "years", "hour", "hours", "minute",
    "minutes", "fortnight", "half", "quarter", "dozen", "percent", "%", "£", "$", "€",
    "pounds", "dollars", "euros", "quid", "mile", "miles"}


def _could_be_person(tok) -> bool:
    """A name a later "he" or "she" may refer to: written as a name ("Nadia"), not a
    recogniser's guess in capitals ("MAM"), which would garble every "she" after it."""
    return (tok.pos_ == "PROPN" and tok.dep_ in _PERSON_ROLES and tok.lower_ not in _CALENDAR
            and tok.text.istitle() and tok.text.isalpha() and len(tok.text) > 1)


#: Nouns of a time phrase ("about six weeks before that", "a year ago", "a while back").
_TIME_NOUNS = TIME_UNITS | {"while", "bit"}


def _misheard_filler(sent) -> set[int]:
    """Token indices of an "I am" that is a recogniser's reading of "um": "and I'm about
    six weeks before that, our lead developer left" (the demo's take, with Whisper base).
    It is an "I am" hung as a clause on a later verb that has a subject of its own,
    with nothing on it but a time phrase: said so, it states nothing of the speaker.
    "I'm at the station, the train left" (a place) and "I'm sure he left" keep it."""
    for tok in sent:
        if not (tok.lower_ in ("am", "'m") and tok.dep_ == "ccomp" and tok.head.i > tok.i
                and any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.head.children)):
            continue
        kids = [c for c in tok.children if c.dep_ not in ("cc", "punct")]
        subject = [c for c in kids if c.dep_ == "nsubj" and c.lower_ == "i"]
        rest = [c for c in kids if c not in subject]
        if len(subject) != 1 or not rest or any(c.dep_ not in ("advmod", "npadvmod", "prep")
                                                for c in rest):
            continue
        phrase = [t for c in rest for t in c.subtree]
        nouns = [t for t in phrase if t.pos_ in ("NOUN", "PROPN")]
        if nouns and all(t.lemma_.lower() in _TIME_NOUNS for t in nouns):
            return {subject[0].i, tok.i}
    return set()


def render(tokens, resolve: dict[int, str]) -> str:
    parts = []
    for t in tokens:
        parts.append((resolve.get(t.i, t.text)) + t.whitespace_)
    text = "".join(parts).strip().strip(",;:-— ")
    # A conjunction left between two commas where a clause of its own was split off
    # ("for the lighting, and [that worked], so maybe") joins nothing.
    text = _ORPHAN_CONJUNCTION.sub(",", text)
    while (stripped := _OPENERS.sub("", text)) != text:
        text = stripped
    return text[:1].upper() + text[1:] if text else text


def extract_points(transcript: str, limit: int | None = None) -> list[Point]:
    """The most salient points, most salient first: at most `limit` (by default one
    per WORDS_PER_POINT words of talk, MIN_POINTS to MAX_POINTS). Clauses without a
    verb ("Yes, eventually.") and points said again are left out."""
    if limit is None:
        limit = max(MIN_POINTS, min(MAX_POINTS, len(transcript.split()) // WORDS_PER_POINT))
    # Contractions expanded ("couldn't" -> "could not") as everywhere in scoring, so
    # this parse of the transcript is the one the other scorers reuse.
    text = expand_contractions(clean(transcript))
    if not text:
        return []
    doc = parse(text)
    last_person: str | None = None
    found: list[Point] = []
    said: list[set[str]] = []  # content words of each point kept, to spot repeats
    for sent in doc.sents:
        # "Marcus wants to move, but the head teacher has not said yes and I am worried
        # she will not": someone unnamed became the subject in between, in the same
        # sentence, so "she" stays "she". Across sentences the last name still holds.
        unnamed_subject = False
        misheard = _misheard_filler(sent)
        for clause in clauses(sent):
            clause = [t for t in clause if t.i not in misheard]
            resolve: dict[int, str] = {}
            for t in clause:
                if _could_be_person(t):
                    last_person, unnamed_subject = t.text, False
                elif t.dep_ in ("nsubj", "nsubjpass") and t.pos_ == "NOUN":
                    unnamed_subject = True
                if (t.lower_ in ("he", "she") and t.dep_ in ("nsubj", "nsubjpass")
                        and last_person and not unnamed_subject):
                    resolve[t.i] = last_person
            content = [t for t in clause if not (t.is_stop or t.is_punct or t.is_space)
                       or t.dep_ == "neg"]
            rendered = render(clause, resolve)
            if len(content) < MIN_CONTENT_WORDS or _ASIDES.match(rendered) or not any(
                    t.pos_ in ("VERB", "AUX") for t in clause):
                continue
            keys = {t.lemma_.lower() for t in content}
            if any(len(keys & seen) >= REPEATED * len(keys) for seen in said):
                continue
            said.append(keys)
            tags = []
            if any(t.pos_ == "PROPN" and t.lower_ not in _CALENDAR for t in clause):
                tags.append("name")
            if any(t.like_num or t.lower_ in _TIMES_AND_AMOUNTS for t in clause):
                tags.append("number")
            if any(names_a_feeling(t) for t in clause):
                tags.append("feeling")
            rarity = sum(weight(t.lemma_.lower()) for t in content) / len(content)
            salience = 1.0 + 0.5 * len(tags) + 0.1 * (rarity - 3.0)
            found.append(Point(rendered, round(max(0.5, salience), 3), tuple(tags)))
    # Stable: of equal salience, the one said first comes first.
    return sorted(found, key=lambda p: -p.weight)[:limit]
