"""Questions: is there one, is it open or closed, is it about what was said, is it an offer.

The rules follow the counselling coding manuals, which is what the people this
drill trains are assessed by:

- MITI 3.0 (Moyers, Martin, Manuel, Miller & Ernst, 2007), "Questions": a *closed*
  question "implies a short answer: yes or no, a specific fact, a number"; an
  *open* question "allows a wide range of possible answers", and invitations
  phrased as requests ("Tell me more about...", "Can you tell me...") are open.
- MITI 4.2.1 (Moyers, Manuel & Ernst, 2014), "Reflections": a reflection may be
  "phrased with a voice inflection at the end" and is still a reflection, not a
  question: "You're up for the challenge?" says back what was heard. So is a
  statement with a tag ("It's hard to know where to start, isn't it?").
- A summary's opener ("So what I heard is that...", "What you're saying is...")
  frames a reflection; it asks nothing, however many wh-words it holds.

Speech recognition often drops the question mark, so a question is found by its
shape too: a leading question word followed by a verb, an inverted auxiliary
before its subject, a request to tell more, or "I wonder whether...".
tests/test_questions.py holds labelled examples written from the manuals'
definitions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

QuestionKind = Literal["open", "closed"]

_WH = {"what", "how", "why", "where", "when", "who", "whom", "which", "whose"}
_AUX = {"do", "does", "did", "is", "are", "was", "were", "am", "have", "has", "had", "can",
        "could", "will", "would", "should", "shall", "may", "might", "must", "isn't", "aren't",
        "wasn't", "weren't", "don't", "doesn't", "didn't", "haven't", "hasn't", "can't",
        "couldn't", "won't", "wouldn't", "shouldn't"}
#: What follows an inverted auxiliary in a yes/no question: its subject.
_SUBJECTS = {"you", "i", "we", "they", "he", "she", "it", "there", "that", "this", "your",
             "the", "anyone", "anybody", "someone", "somebody", "any", "everyone", "things"}
#: Words that open a sentence without changing its kind ("So what happened?").
_LEAD = {"so", "and", "but", "okay", "ok", "right", "well", "um", "uh", "then", "also", "oh",
         "now", "yeah", "hmm", "alright", "just", "like"}
#: Leads only as a pair ("I mean", "I guess"): a bare "I" starts a statement.
_LEAD_PAIRS = {("i", "mean"), ("i", "guess"), ("you", "know")}
#: Requests to elaborate are open even when phrased with a modal ("Could you tell me...").
_INVITE = re.compile(
    r"\b(tell me (a (little )?(bit )?)?(more|about|what|how|why|a bit)|say (a (little )?bit )?more|"
    r"talk (me )?(through|about)|walk me through|describe|explain|elaborate|expand on|"
    r"share (more|what|how|a bit)|go on\b)", re.I)
_INDIRECT = re.compile(
    r"\b(i('m| am| was)? wonder(ing)?|i'd (love|like) to (know|hear)|i('m| am) curious)\s+"
    r"(about\s+)?(what|how|why|where|when|who|which|if|whether)\b", re.I)
_INDIRECT_CLOSED = re.compile(r"\b(if|whether)\b", re.I)
#: A statement checked with a tag ("..., right?", "..., isn't it?"): a reflection.
_TAG = re.compile(
    r",?\s*(right|yeah|no|eh|huh|okay|ok|correct|is that (right|it|fair)|am i right|"
    r"(is|are|was|were|do|does|did|have|has|had|can|could|would|will|should)(n't| not)?\s+"
    r"(it|you|i|we|they|he|she|there|that))\s*\??\s*$", re.I)
#: The framing of a reflection that starts like a question: "What I heard is...",
#: "What you're saying is...", "How I understand it, ...".
_OPENER = re.compile(
    r"^(what|how) (i('m| am)?|i've|you('re| are)?|it) ?"
    r"(hear(d|ing)?|get(ting)?|got|understand|understood|notice[ds]?|took|take|"
    r"say(ing)?|said|mean(t)?|describ(e|ed|ing)|sound(s|ed)?( like)?|seem(s|ed)?|"
    r"strikes me|stands? out|picked up)\b", re.I)
#: wh-questions that ask for one fact, which MITI 3.0 codes closed.
_FACT = re.compile(
    r"^(how (many|much|long|often|old|far|soon)|what (time|day|date|year|age|number|"
    r"percentage)|when|where|who|whom|whose)\b", re.I)
_OFFER = re.compile(
    r"\b(how (can|could|might) (i|we) (help|support)|(is there )?anything (i|we) can do|"
    r"what can (i|we) do( to help| for you)?|can (i|we) help|what would (help|be helpful)|"
    r"what do you need( from me)?|how can i be (of )?help|what would support look like|"
    r"what (kind|sort|type) of (help|support))\b", re.I)


@dataclass(frozen=True)
class Question:
    text: str
    kind: QuestionKind
    offer_of_help: bool


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\s*[—–]\s*|\s+-\s+", text.strip())
    return [p.strip() for p in parts if p.strip()]


def _words(sentence: str) -> list[str]:
    # "what's" is "what is": the question word must be seen under its contraction.
    text = re.sub(r"\b(what|how|who|where|when|why)'s\b", r"\1 is", sentence.lower())
    return re.findall(r"[a-z']+", text)


def _unlead(words: list[str]) -> list[str]:
    while words:
        if len(words) > 1 and (words[0], words[1]) in _LEAD_PAIRS:
            words = words[2:]
        elif words[0] in _LEAD:
            words = words[1:]
        else:
            break
    return words


def _asks(sentence: str, words: list[str]) -> bool:
    """A question by its shape, with or without its question mark."""
    first = words[0]
    if first in _WH and len(words) > 1:
        # "what did your team think", "how was it": a wh-word and then a verb or
        # auxiliary; not "what I heard is..." (an opener) nor "when I got there, ..."
        # (a clause of time).
        return not _OPENER.match(" ".join(words)) and (
            words[1] in _AUX or words[1] in {"happened", "made", "makes", "helped", "kept",
                                               "stopped", "changed", "would", "else", "about",
                                               "kind", "sort", "part", "do", "if"}
            or sentence.rstrip().endswith("?"))
    if first in _AUX and len(words) > 1:
        return words[1] in _SUBJECTS or sentence.rstrip().endswith("?")
    return False


def _kind_of(sentence: str) -> QuestionKind | None:
    words = _unlead(_words(sentence))
    if not words:
        return None
    asked = sentence.rstrip().endswith("?")
    if _OPENER.match(" ".join(words)):
        return None  # "What I'm hearing is...": a reflection's frame
    if _INVITE.search(sentence) and (asked or words[0] in _AUX or words[0] in
                                     {"tell", "say", "talk", "walk", "describe", "explain",
                                      "please", "go"}):
        return "open"
    if indirect := _INDIRECT.search(sentence):
        return "closed" if _INDIRECT_CLOSED.search(indirect.group(0)) else "open"
    if not _asks(sentence, words):
        # A statement, with or without a rising "?" or a tag: a reflection (MITI
        # 4.2.1), except a wh-word left in place ("And you did what?"), which asks.
        if asked and any(w in _WH for w in words[1:]) and not _TAG.search(sentence) and \
                re.search(r"\b(what|why|how)\s*\?\s*$", sentence, re.I):
            return "open"
        return None
    if words[0] in _WH:
        # "Which one, A or B?" is a choice; "How many...?", "When...?", "Who...?" ask
        # for one fact: closed (MITI 3.0). "What", "why", "how" invite the story.
        if words[0] == "which" or _FACT.match(" ".join(words)):
            return "closed"
        return "open"
    # An inverted auxiliary: yes or no; "Do you want to say more?" was caught above.
    return "closed"


#: Where a question may start inside a run-on sentence the recogniser did not end:
#: after a comma or a joining word ("... and so what did your team think of it").
_CLAUSE = re.compile(r"(?:,|;|\b(?:so|and|but|because)\b)\s+(?=\S)", re.I)


def _last_clause_question(sentence: str) -> tuple[str, QuestionKind] | None:
    """The question that ends a sentence with no question mark, when its last clause
    has a question's shape: "You moved in March so what did your team think"."""
    for m in _CLAUSE.finditer(sentence):
        tail = sentence[m.end():].strip()
        while (lead := re.match(r"(\w+),?\s+", tail)) and lead.group(1).lower() in _LEAD:
            tail = tail[lead.end():]
        words = _unlead(_words(tail))
        if len(words) >= 3 and _asks(tail, words):
            kind = _kind_of(tail)
            if kind is not None:
                return tail, kind
    return None


def find_questions(text: str) -> list[Question]:
    out = []
    for sentence in sentences(text):
        kind = _kind_of(sentence)
        if kind is None and not sentence.rstrip().endswith("?"):
            found = _last_clause_question(sentence)
            if found:
                sentence, kind = found
        if kind is not None:
            out.append(Question(sentence, kind, bool(_OFFER.search(sentence))))
    return out


def classify_question(text: str) -> QuestionKind | None:
    """'open', 'closed', or None when `text` asks nothing.

    With several questions, an open one wins: the listener did ask an open question.
    """
    kinds = {q.kind for q in find_questions(text)}
    if "open" in kinds:
        return "open"
    return "closed" if "closed" in kinds else None
