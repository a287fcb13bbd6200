"""Questions: is there one, is it open or closed, is it about what was said, is it an offer.

Open questions invite the speaker to say more in their own words ("What made
you decide that?", "Tell me more about the client"); closed ones can be answered
with yes, no or a single fact ("Did you tell your manager?"). Counselling
practice prefers open questions, so the drill reports which kind was asked.

Speech recognition often drops the question mark, so questions are found by
their shape as well: a leading question word, an inverted auxiliary, a request
to tell more, or a tag ("..., right?").
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
#: Words that open a sentence without changing its kind ("So what happened?").
_LEAD = {"so", "and", "but", "okay", "ok", "right", "well", "um", "uh", "then", "also", "oh",
         "now", "yeah", "hmm", "alright", "and,", "so,"}
#: Requests to elaborate are open even when phrased with a modal ("Could you tell me...").
_INVITE = re.compile(
    r"\b(tell me (more|about|what|how|why)|say (a bit )?more|talk (me )?(through|about)|"
    r"walk me through|describe|explain|elaborate|expand on|share (more|what|how))\b", re.I)
_INDIRECT = re.compile(
    r"\b(i('m| am| was)? wonder(ing)?|i'd (love|like) to (know|hear)|i('m| am) curious)\s+"
    r"(what|how|why|where|when|who|which|if|whether|about)\b", re.I)
_TAG = re.compile(r",\s*(right|yeah|no|isn't it|aren't you|didn't you|don't you|wasn't it|"
                  r"is that right|correct)\s*\?\s*$", re.I)
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
    return re.findall(r"[a-z']+", sentence.lower())


def _kind_of(sentence: str) -> QuestionKind | None:
    words = _words(sentence)
    while words and words[0] in _LEAD:
        words = words[1:]
    if not words:
        return None
    asked = sentence.rstrip().endswith("?")
    if _INVITE.search(sentence) and (asked or words[0] in _AUX or words[0] in {"tell", "say"}
                                     or words[0] == "please"):
        return "open"
    if _INDIRECT.search(sentence):
        return "open"
    if words[0] in _WH:
        # "What time...?" and "How many...?" ask for one fact, but still in the speaker's
        # words; "Which one, A or B?" is a choice. Only the last is closed.
        if words[0] == "which" and " or " in sentence.lower():
            return "closed"
        return "open"
    if words[0] in _AUX and len(words) > 1:
        return "closed"
    if asked:
        # "You felt let down?" / "..., right?": a statement checked with the speaker.
        # A wh-word inside ("And you did what?") is open.
        wh_inside = any(w in _WH for w in words[1:])
        return "open" if wh_inside and not _TAG.search(sentence) else "closed"
    return None


def find_questions(text: str) -> list[Question]:
    out = []
    for sentence in sentences(text):
        kind = _kind_of(sentence)
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

