"""Turning the speaker's first person into words for the listener's feedback.

"I stayed late" becomes "Sam stayed late" in a tip ("You missed that Sam stayed
late") and "you stayed late" in a suggested summary.
"""

from __future__ import annotations

import re

from listen_coach.scoring.nlp import parse

_FIXED_THIRD = {"am": "is", "'m": "is", "have": "has", "'ve": "has", "do": "does",
                "was": "was", "were": "was"}
_FIXED_THEY = {"am": "are", "'m": "are", "was": "were"}


def _third_singular(verb: str) -> str:
    if re.search(r"(s|sh|ch|x|z|o)$", verb):
        return verb + "es"
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ies"
    return verb + "s"


def third_person(text: str, name: str | None = None) -> str:
    """First person -> `name` (or "they"), with present-tense verbs agreeing."""
    subject = name or "they"
    doc = parse(text)
    out: list[str] = []
    for i, tok in enumerate(doc):
        low = tok.lower_
        word = tok.text
        prev = doc[i - 1].lower_ if i else ""
        if low == "i":
            word = subject
        elif low == "me":
            word = name or "them"
        elif low == "my":
            word = f"{name}'s" if name else "their"
        elif low == "myself":
            word = "themselves"
        elif low == "mine":
            word = f"{name}'s" if name else "theirs"
        elif prev == "i" and tok.tag_ in ("VBP", "VBD") or prev == "i" and low in _FIXED_THIRD:
            if name:
                if low in _FIXED_THIRD:
                    word = _FIXED_THIRD[low]
                elif tok.tag_ == "VBP":
                    word = _third_singular(low)
            elif low in _FIXED_THEY:
                word = _FIXED_THEY[low]
        if word != tok.text and tok.text.startswith("'"):  # "I'm" -> "Sam is", not "Samis"
            word = " " + word
        out.append(word + tok.whitespace_)
    return "".join(out).strip()  # sentence case is the caller's: tips set it mid-sentence


def second_person(text: str) -> str:
    """First person -> "you" ("I was worried" -> "you were worried")."""
    doc = parse(text)
    out = []
    for i, tok in enumerate(doc):
        low = tok.lower_
        prev = doc[i - 1].lower_ if i else ""
        word = {"i": "you", "me": "you", "my": "your", "mine": "yours",
                "myself": "yourself"}.get(low, tok.text)
        if prev == "i":
            word = {"am": "are", "'m": "'re", "was": "were"}.get(low, word)
        out.append(word + tok.whitespace_)
    return "".join(out).strip()


def as_you(text: str, name: str | None) -> str:
    """The speaker's name read as "you": annotated points say "Priya stayed late",
    a listener says "you stayed late" (pair drill) or "Priya stayed late" (solo)."""
    if not name:
        return text
    text = re.sub(rf"\b{re.escape(name)}'s\b", "your", text)
    text = re.sub(rf"\b{re.escape(name)}\b", "you", text)
    return _agree(text) if re.search(r"\byou (\w+s|\w+sn't)\b", text, re.I) else text


#: "Priya is" read as "you is": the verb after a "you" that was a name, made to agree.
_YOU_FORMS = {"is": "are", "was": "were", "has": "have", "does": "do", "isn't": "aren't",
              "wasn't": "weren't", "hasn't": "haven't", "doesn't": "don't"}


def _agree(text: str) -> str:
    doc = parse(text)
    out = []
    for i, tok in enumerate(doc):
        word = tok.text
        if i and doc[i - 1].lower_ == "you":
            if tok.lower_ in _YOU_FORMS:
                word = _YOU_FORMS[tok.lower_]
            elif tok.tag_ == "VBZ" and tok.lemma_ and tok.lemma_ != tok.lower_:
                word = tok.lemma_
        out.append(word + tok.whitespace_)
    return "".join(out)
