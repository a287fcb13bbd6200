"""Cheap evidence that a point is in a summary: weighted word overlap and what must match.

Every feature here is explainable to a user ("you said 'two' where she said
'three'"), which is why the learned model's score is combined with them rather
than replacing them (see presence.py). Rare words weigh more than common ones,
by their frequency in general English (wordfreq's Zipf scale: 7 for "the", 3 for
"Kathmandu"), so "budget" matters more than "thing".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from listen_coach.scoring.feelings import EVERYDAY_SENSE, family_of
from listen_coach.scoring.nlp import (
    NEGATIONS,
    digits,
    expand_contractions,
    normalise_words,
    number_spans,
    number_tokens,
    parse,
    parse_many,
)

#: Pronouns that name the speaker ("I") or the listener's "you" for the speaker:
#: a summary turns "I stayed late" into "you stayed late", so both map to one key.
_PERSON = {"i": "SPEAKER", "me": "SPEAKER", "my": "SPEAKER", "mine": "SPEAKER",
           "myself": "SPEAKER", "you": "SPEAKER", "your": "SPEAKER", "yours": "SPEAKER",
           "yourself": "SPEAKER"}


@lru_cache(maxsize=65536)
def weight(word: str) -> float:
    """Salience of a word: 1 for very common words, up to 6 for rare ones."""
    from wordfreq import zipf_frequency

    return max(1.0, min(6.0, 8.0 - zipf_frequency(word, "en")))


@dataclass(frozen=True)
class Token:
    key: str  # lemma (numbers as digits)
    text: str
    start: int  # character offsets in the original text
    end: int
    sentence: int
    entity: bool  # a proper name (tagged NNP or NNPS)
    dep: str
    head_key: str


@dataclass(frozen=True)
class Analysed:
    text: str
    tokens: tuple[Token, ...]  # content tokens only
    negations: tuple[int, ...]  # count of negation cues per sentence
    numbers: frozenset[str]
    sentences: tuple[tuple[int, int], ...]  # character spans
    #: Per sentence, the words a negation applies to ("did not *send*", "was not
    #: *happy*", "*nobody* reads" -> read): polarity is compared word by word, so a
    #: "don't know" elsewhere in a long sentence does not flip an unrelated point.
    negated: tuple[frozenset[str], ...] = ()
    #: Per sentence, every lemma but auxiliaries (so "go", a stop word, still counts).
    lemmas: tuple[frozenset[str], ...] = ()
    #: Per sentence, its numbers as digits ("forty-two" and "42" are both "42").
    sentence_numbers: tuple[frozenset[str], ...] = ()


def _key(tok) -> str:
    if tok.like_num:
        digits = normalise_words(tok.text)
        if digits and digits[0].isdigit():
            return digits[0]
    lemma = tok.lemma_.lower()
    if lemma.endswith(".") and lemma[:-1].isalpha():  # "Mrs." = "Mrs", "Dr." = "Dr"
        lemma = lemma[:-1]
    return _PERSON.get(tok.lower_, lemma)


def prime(texts: list[str]) -> None:
    """Parse many texts in one batch before analysing them one by one."""
    parse_many([expand_contractions(t) for t in texts])


@lru_cache(maxsize=4096)
def analyse(text: str) -> Analysed:
    """Content words, negations, numbers and sentences of `text`. Offsets refer to
    `Analysed.text`: the text with contractions expanded, which is what was parsed."""
    text = expand_contractions(text)
    doc = parse(text)
    tokens, negations, spans, negated, lemmas, sentence_numbers = [], [], [], [], [], []
    numbers: set[str] = set()
    # Multi-word numbers ("forty-two", "two thousand") become one token with one key.
    runs = [r for r in number_spans(text) if any(c in text[r[0]:r[1]] for c in " -")]
    for si, sent in enumerate(doc.sents):
        spans.append((sent.start_char, sent.end_char))
        neg = 0
        scope: set[str] = set()
        for tok in sent:
            if (tok.lower_ in NEGATIONS or tok.dep_ == "neg") and not _compound_no(tok):
                neg += 1
                scope |= _negation_scope(tok)
                continue
            if tok.lemma_ in _NEGATIVE_VERBS:  # "refused to let you in" = "would not let"
                scope |= {_key(c) for c in tok.children if c.dep_ == "xcomp"}
            if tok.is_punct or tok.is_space:
                continue
            key = _key(tok)
            run = next((r for r in runs if r[0] <= tok.idx < r[1]), None) if runs else None
            if run is not None:
                if tok.idx != run[0]:
                    continue
                key = run[2]
            content = (not tok.is_stop or tok.like_num or key == "SPEAKER") and (
                tok.is_alpha or tok.like_num or any(c.isalnum() for c in tok.text))
            if not content:
                continue
            tokens.append(Token(key, tok.text, tok.idx, tok.idx + len(tok.text), si,
                                tok.tag_ in _NAME_TAGS, tok.dep_, _key(tok.head)))
        negations.append(neg)
        negated.append(frozenset(scope - _AUXILIARIES))
        said = frozenset(number_tokens(digits(sent.text)))
        sentence_numbers.append(said)
        numbers |= said
        lemmas.append(frozenset(_key(t) for t in sent if t.is_alpha or t.like_num) - _AUXILIARIES)
    return Analysed(text, tuple(tokens), tuple(negations), frozenset(numbers), tuple(spans),
                    tuple(negated), tuple(lemmas), tuple(sentence_numbers))


_NAME_TAGS = {"NNP", "NNPS"}
#: Verbs that negate the verb they govern: "refused to let" says "did not let".
_NEGATIVE_VERBS = {"refuse", "fail", "decline", "neglect"}


#: Longest summary sentence whose negations are compared word by word with a point.
NEGATION_MAX_WORDS = 30


def _compound_no(tok) -> bool:
    """"no" inside a hyphenated word ("no-cost", "no-show") negates nothing."""
    doc = tok.doc
    return tok.lower_ == "no" and tok.i + 1 < len(doc) and doc[tok.i + 1].text == "-"
#: Words whose polarity says nothing: "has been shut" and "we have no income" share
#: only "have", and that is no contradiction.
_AUXILIARIES = {"be", "do", "have", "will", "would", "can", "could", "shall", "should",
                "may", "might", "must"}


#: Dependents that carry the meaning of a negated copula or auxiliary ("was not *happy*").
#: Not objects: "never seen the *Star Wars* films" leaves Star Wars free to be
#: mentioned elsewhere without contradiction.
_COMPLEMENTS = {"acomp", "attr", "oprd"}


#: Parts of speech that carry no meaning a negation could flip.
_FUNCTION_POS = {"ADP", "DET", "CCONJ", "SCONJ", "PART", "PUNCT"}


def _negation_scope(tok) -> set[str]:
    """Lemmas a negation cue applies to: its head, the head's complement, and for
    "no"/"none" before a noun, the word that noun depends on."""
    if tok.lower_ == "without":  # negates its object: "without the slides"
        return {_key(c) for c in tok.children} - NEGATIONS
    head = tok.head
    scope = {_key(head)} | {_key(c) for c in head.children if c.dep_ in _COMPLEMENTS}
    # The verb right after the cue too: unpunctuated transcripts parse badly, but
    # "nobody has", "never once mentioned" are negated whatever the tree says.
    doc = tok.doc
    scope |= {_key(t) for t in doc[tok.i + 1:min(tok.i + 4, tok.sent.end)] if t.pos_ == "VERB"
              or (t.pos_ == "AUX" and t.dep_ == "ROOT")}
    # ...but not past an apposition, which contrasts: in "from a letter, not even a
    # phone call" the letter is what happened.
    if head.pos_ in {"NOUN", "PROPN", "PRON"} and head.head is not head and head.dep_ != "appos":
        scope.add(_key(head.head))
    # "are nobody" / "has nobody": the cue is not its own scope. Nor is a function word:
    # a cue hung on "for" in "you did not for six weeks" is a parse that lost its verb.
    function = {_key(t) for t in (head, head.head) if t.pos_ in _FUNCTION_POS}
    return scope - NEGATIONS - function


@dataclass(frozen=True)
class Overlap:
    recall: float  # weighted share of the point's content words found in the summary
    sentence_recall: float  # the same, against the best single summary sentence
    best_sentence: int
    matched: tuple[Token, ...]  # summary tokens matching the point, in the best sentence
    numbers_missing: tuple[str, ...]  # numbers in the point not in the summary
    numbers_conflict: bool  # ... while the best sentence states other numbers
    negation_conflict: bool  # the point and its best sentence differ in negation
    entities_missing: float  # weighted share of the point's named entities not found


def _prefix(key: str) -> str:
    return key[:6] if len(key) > 6 else key


@lru_cache(maxsize=65536)
def _kin(key: str) -> str | None:
    """A feeling word's family ("furious" and "angry" are one), so that a summary may
    name a feeling in its own word. Words with an everyday sense ("down", "lost") are
    left to match as themselves."""
    family = family_of(key)
    return f"~{family}" if family and key not in EVERYDAY_SENSE else None


def _family(t: Token) -> str | None:
    return _kin(t.key) or _kin(t.text.lower())


def _keys_of(tokens) -> set[str]:
    """Everything a token may be matched by: its key, its prefix, its feeling family."""
    keys = {t.key for t in tokens} | {_prefix(t.key) for t in tokens}
    return keys | {k for t in tokens if (k := _family(t))}


def _matches(t: Token, keys: set[str]) -> bool:
    return t.key in keys or _prefix(t.key) in keys or (_family(t) or "") in keys


def subset(a: Analysed, first: int, last: int) -> Analysed:
    """Sentences first..last-1 of an analysed text, as if analysed on their own
    (windows of a long transcript without parsing each window again)."""
    tokens = tuple(
        Token(t.key, t.text, t.start, t.end, t.sentence - first, t.entity, t.dep, t.head_key)
        for t in a.tokens if first <= t.sentence < last)
    spans = a.sentences[first:last]
    text = a.text[spans[0][0]:spans[-1][1]] if spans else ""
    said = a.sentence_numbers[first:last]
    return Analysed(text, tokens, a.negations[first:last],
                    frozenset().union(*said) if said else frozenset(), spans,
                    a.negated[first:last], a.lemmas[first:last], said)


def _compounds(tokens: tuple[Token, ...]) -> set[str]:
    """Adjacent words run together: speech recognition often splits a compound or a
    place name ("Northfield" heard as "north field")."""
    return {a.key + b.key for a, b in zip(tokens, tokens[1:], strict=False)
            if a.sentence == b.sentence and a.key.isalpha() and b.key.isalpha()}


def _near_name(key: str, candidates: set[str]) -> bool:
    """One letter substituted, added or dropped, in a name of five letters or more."""
    if len(key) < 5:
        return False
    for c in candidates:
        if abs(len(c) - len(key)) > 1 or c[:2] != key[:2]:
            continue
        if len(c) == len(key) and sum(a != b for a, b in zip(c, key, strict=True)) == 1:
            return True
        short, long_ = sorted((c, key), key=len)
        if len(long_) - len(short) == 1 and any(long_[:i] + long_[i + 1:] == short
                                                 for i in range(len(long_))):
            return True
    return False


def overlap(point: str, summary: str) -> Overlap:
    return overlap_of(analyse(point), analyse(summary))


def overlap_of(p: Analysed, s: Analysed) -> Overlap:
    if not p.tokens:
        return Overlap(0.0, 0.0, -1, (), (), False, False, 0.0)
    keys = _keys_of(s.tokens) | _compounds(s.tokens)
    # A name the recogniser garbled into an ordinary word ("Marta" as "marty") is still
    # the name; a different name written as one ("Maria") is not, so only lower-case
    # words are candidates (the tagger may still call a lower-case "marty" a name).
    garbled = {t.key for t in s.tokens if t.text.islower()}
    for t in p.tokens:
        if t.entity and t.key not in keys and _near_name(t.key, garbled):
            keys.add(t.key)
    total = sum(weight(t.key) for t in p.tokens if t.key != "SPEAKER") or 1.0
    found = sum(weight(t.key) for t in p.tokens
                if t.key != "SPEAKER" and _matches(t, keys))
    # Best sentence: the one that covers most of the point's weight.
    per_sentence: dict[int, float] = {}
    point_keys = _keys_of(p.tokens)
    for t in s.tokens:
        if t.key != "SPEAKER" and _matches(t, point_keys):
            per_sentence[t.sentence] = per_sentence.get(t.sentence, 0.0) + weight(t.key)
    best = max(per_sentence, key=lambda i: per_sentence[i]) if per_sentence else -1
    matched = tuple(t for t in s.tokens if t.sentence == best and _matches(t, point_keys))
    sentence_recall = min(1.0, per_sentence.get(best, 0.0) / total)
    p_counted, s_counted = _counted(p), _counted(s)
    said = s.numbers | {n for n, _ in s_counted}
    missing_numbers = tuple(sorted(p.numbers - said))
    # A different number of the same thing: "five nights" for "three nights". A number
    # left out is no conflict, nor another number of something else in the same long
    # sentence ("the twelve learners ... ten minutes"), which is how people talk.
    conflict = any(u == v and m != n and m not in p.numbers
                   for n, u in p_counted if n in missing_numbers for m, v in s_counted)
    negation_conflict = False
    p_negated = frozenset().union(*p.negated) if p.negated else frozenset()
    s_negated = s.negated[best] if best >= 0 and s.negated else frozenset()
    # Negative on both sides is how paraphrase says a negative thing in other words
    # ("I never get a full night's sleep": "you never sleep through the night"), and
    # its cues land on different words; so polarity is compared only where one side
    # is negative and the other is not.
    # Only in a sentence short enough for its negation to be near the point's words: in
    # a run-on sentence of speech a "not" usually belongs to another clause ("the
    # father, who is not meant to ..., would not let you past"); there the presence
    # model, trained on flipped negations (training/augment.py), decides alone.
    # NEGATION_MAX_WORDS was set on the spoken corpus's dev split.
    best_words = (len(s.text[s.sentences[best][0]:s.sentences[best][1]].split())
                  if best >= 0 else 0)
    if best >= 0 and sentence_recall >= 0.3 and not (p_negated and s_negated) and \
            best_words <= NEGATION_MAX_WORDS:
        p_lemmas = frozenset().union(*p.lemmas) if p.lemmas else frozenset()
        s_lemmas = s.lemmas[best] if s.lemmas else frozenset()
        shared = (p_negated | s_negated) & p_lemmas & s_lemmas
        # A word said with the point's polarity in any other sentence is support,
        # not contradiction ("I hadn't applied ... he just applied anyway").
        negation_conflict = any(
            (k in p_negated) != (k in s_negated) and not any(
                k in lem and (k in neg) == (k in p_negated)
                for lem, neg in zip(s.lemmas, s.negated, strict=True))
            for k in shared)
    entities = [t for t in p.tokens if t.entity]
    ent_total = sum(weight(t.key) for t in entities)
    ent_missing = sum(weight(t.key) for t in entities if t.key not in keys)
    return Overlap(
        recall=min(1.0, found / total), sentence_recall=sentence_recall, best_sentence=best,
        matched=matched, numbers_missing=missing_numbers, numbers_conflict=conflict,
        negation_conflict=negation_conflict,
        entities_missing=ent_missing / ent_total if ent_total else 0.0,
    )


#: Words that multiply the number before them ("six grand" = 6000).
_MULTIPLIERS = {"grand": 1000, "k": 1000}


def _counted(a: Analysed) -> set[tuple[str, str]]:
    """(number, what it counts) pairs: the number and the next content word in its
    sentence ("3 night", "6000 deposit" from "six grand deposit")."""
    out = set()
    tokens = a.tokens
    for j, t in enumerate(tokens):
        if not t.key.isdigit():
            continue
        n = int(t.key)
        for u in tokens[j + 1:j + 4]:
            if u.sentence != t.sentence or u.key.isdigit():
                break
            if u.key in _MULTIPLIERS:
                n *= _MULTIPLIERS[u.key]
                continue
            if u.key.isalpha():
                out.add((str(n), _prefix(u.key)))
            break
    return out


def evidence_span(summary: str, ov: Overlap) -> str | None:
    """The summary words that carry the point: from the first to the last matching word
    of the best sentence, widened to whole words."""
    if not ov.matched:
        return None
    start, end = ov.matched[0].start, ov.matched[-1].end
    text = analyse(summary).text
    span = text[start:end].strip()
    if len(span.split()) < 3 and ov.best_sentence >= 0:  # too short to read: use the sentence
        s_start, s_end = analyse(summary).sentences[ov.best_sentence]
        span = text[s_start:s_end].strip()
    return span or None


def features(ov: Overlap) -> list[float]:
    """The lexical inputs of the presence combiner, in a fixed order."""
    return [ov.recall, ov.sentence_recall, float(bool(ov.numbers_missing)),
            float(ov.numbers_conflict), float(ov.negation_conflict), ov.entities_missing]


FEATURE_NAMES = ["recall", "sentence_recall", "numbers_missing", "numbers_conflict",
                 "negation_conflict", "entities_missing"]
