"""What the summary said that the speaker never said, or said differently.

Each statement of the summary (its questions and the listener's framing, like
"it sounds like", set aside) is checked against what the speaker said, with the
same presence model that checks coverage, run the other way round: is this
statement present in the speaker's words? The speaker's transcript is cut into
windows of a few sentences, the lexically closest windows are scored, and the
best one is the support. A statement with no support is *invented*; one whose
closest support disagrees on negation, a number or a name is *distorted*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from listen_coach.scoring import lexical, presence
from listen_coach.scoring.nlp import expand_contractions, parse, strip_fillers
from listen_coach.scoring.points import clauses, clean, render
from listen_coach.scoring.questions import find_questions

#: Sentences per window of the speaker's transcript, and windows scored per
#: statement (the closest by word overlap): keeps a 10,000-word transcript cheap.
WINDOW_SENTENCES = 3
CANDIDATES = 2
#: Listener framing stripped before checking ("So what I'm hearing is ...").
_FRAMING = re.compile(
    r"^(so,? )?(it sounds like|sounds like|what i('m| am) hearing is|what i heard (is|was)|"
    r"if i understood (you )?(right|correctly),?|you('re| are) saying( that)?|you said( that)?|"
    r"i heard( that)?|it seems like|correct me if i'm wrong,? but|let me check,?)\s*",
    re.I)
#: The speaker addressed by name at the start ("Priya, you used to ask ..."): a
#: speaker seldom says their own name, so the name would read as one they never said.
_VOCATIVE = re.compile(r"^(?:(?i:so|and|well),?\s+)?[A-Z][\w'-]+,\s+"
                       r"(?=(?i:you|your|it|so|that|what|when|if|i)\b)(?!(?i:you sa))")
#: A statement whose closest window already holds this share of its content words
#: cannot be *invented* (the rule below needs recall under it), so the model is not
#: asked about it: its closest window is the support checked for a changed number,
#: name or negation. Most of a good summary is decided this way, for free.
SUPPORTED_RECALL = 0.5
#: Statements this short are acknowledgements ("I see.", "That's hard."), not claims.
MIN_CLAIM_WORDS = 3


@dataclass(frozen=True)
class Issue:
    kind: str  # "invented", "negation", "number" or "name"
    summary_text: str
    speaker_text: str | None  # the closest thing the speaker said, when there is one
    #: Presence probability of the best support; None when the words alone decided.
    support: float | None


def claims(summary: str) -> list[str]:
    """The summary's statements, one clause each ("X went bust, and you stayed late
    five nights" is two claims, checked separately), framing and questions removed."""
    questions = {q.text for q in find_questions(summary)}
    out = []
    for sent in parse(expand_contractions(strip_fillers(summary))).sents:
        text = sent.text.strip()
        if not text or text in questions or text.endswith("?"):
            continue
        unframed = _FRAMING.sub("", _VOCATIVE.sub("", text)).strip()
        # The sentence as parsed with its summary, unless framing was cut off it.
        sentence = sent if unframed == text else (
            next(iter(parse(unframed).sents)) if unframed else None)
        for clause in clauses(sentence) if sentence is not None else []:
            claim = render(clause, {})
            words = [t for t in clause if not (t.is_punct or t.is_space)]
            if len(words) >= MIN_CLAIM_WORDS and any(not t.is_stop for t in words):
                out.append(claim)
    return out


def windows(speaker: str) -> list[lexical.Analysed]:
    """Overlapping windows of `WINDOW_SENTENCES` sentences, from one parse of the speaker
    (cleaned as for point extraction, so that both read the same parse)."""
    whole = lexical.analyse(clean(speaker))
    n = len(whole.sentences)
    if n <= WINDOW_SENTENCES:
        return [whole] if whole.tokens else []
    step = max(1, WINDOW_SENTENCES - 1)
    return [lexical.subset(whole, i, min(n, i + WINDOW_SENTENCES)) for i in range(0, n - 1, step)]


def check(speaker: str, summary: str) -> list[Issue]:
    statements = claims(summary)
    spans = windows(speaker)
    if not statements:
        return []
    if not spans:
        return [Issue("invented", s, None, 0.0) for s in statements]
    model = presence.load()
    combiner = model.combiner
    assert combiner is not None
    lexical.prime(statements)
    # The closest windows of every statement; the model scores, in one batch, those
    # of the statements the words alone cannot clear.
    candidates = []
    for statement in statements:
        said = lexical.analyse(statement)
        scored = sorted(((lexical.overlap_of(said, w), w) for w in spans),
                        key=lambda pair: -pair[0].recall)[:CANDIDATES]
        candidates.append(scored)
    # A statement sharing no content word with any window has no closest windows
    # (the first few would be scored, at random): it is invented, by the words alone.
    unclear = [i for i, cands in enumerate(candidates)
               if 0 < cands[0][0].recall < SUPPORTED_RECALL]
    pairs = [(statements[i], w.text) for i in unclear for _, w in candidates[i]]
    logits = iter(model.pair_logits(pairs))
    issues = []
    for i, (statement, cands) in enumerate(zip(statements, candidates, strict=True)):
        best_prob: float | None = None
        best_ov, best_span = cands[0]
        if i in unclear:
            best_prob = -1.0
            for ov, span in cands:
                x = np.array([[next(logits), *lexical.features(ov)]])
                prob = float(combiner.probability(x)[0])
                if prob > best_prob:
                    best_prob, best_ov, best_span = prob, ov, span
        support = None if best_prob is None else round(best_prob, 4)
        conflict = "negation" if best_ov.negation_conflict else (
            "number" if best_ov.numbers_conflict else None)
        if conflict is None and best_ov.entities_missing >= 0.99 and best_ov.recall >= 0.4:
            conflict = "name"
        if conflict and best_ov.recall >= 0.4:
            issues.append(Issue(conflict, statement, _closest_sentence(best_span, statement),
                                support))
        elif best_ov.recall == 0 or (best_prob is not None and best_prob < combiner.threshold
                                     and best_ov.recall < SUPPORTED_RECALL):
            issues.append(Issue("invented", statement,
                                _closest_sentence(best_span, statement)
                                if best_ov.recall > 0.2 else None, support))
    return issues


def _closest_sentence(window: lexical.Analysed, statement: str) -> str:
    said = lexical.analyse(statement)
    best = max(range(len(window.sentences)),
               key=lambda i: lexical.overlap_of(said, lexical.subset(window, i, i + 1)).recall)
    start, end = window.sentences[best]
    return _source_text(window, start, end)


def _source_text(window: lexical.Analysed, start: int, end: int) -> str:
    # Sentence spans index the whole analysed transcript; `window.text` starts at its first.
    offset = window.sentences[0][0]
    return window.text[start - offset:end - offset].strip()
