"""Feelings the speaker named or showed, and whether the summary reflected them.

A listener who says "that sounds frustrating" shows they heard more than the
facts. Feelings are found by a lexicon grouped into families, so reflecting
"annoyed" with "frustrated" counts. Counselling supervisors weigh these
reflections (DESIGN.md §3: 40-50 % complex reflections is fair to good).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from listen_coach.scoring.nlp import expand_contractions, parse

FAMILIES: dict[str, tuple[str, ...]] = {
    "frustrated": ("frustrated", "frustrating", "annoyed", "annoying", "irritated", "angry",
                   "furious", "mad", "fed up", "upset", "resentful", "livid"),
    "worried": ("worried", "worry", "worrying", "worrisome", "anxious", "anxiety", "nervous",
                "scared", "scary", "afraid", "frightened", "frightening", "fear", "uneasy",
                "panicked", "panic", "dread", "terrified", "nerve-racking", "tense"),
    "sad": ("sad", "down", "disappointed", "disappointing", "let down", "hurt", "hurtful",
            "gutted", "heartbroken", "miserable", "unhappy", "depressed", "depressing",
            "grief", "devastated", "upsetting"),
    "embarrassed": ("embarrassed", "embarrassing", "ashamed", "humiliated", "awkward",
                    "mortified", "guilty", "guilt", "shame"),
    "stressed": ("stressed", "stress", "stressful", "overwhelmed", "overwhelming",
                 "exhausted", "exhausting", "tired", "tiring", "drained", "draining",
                 "burned out", "burnt out", "swamped", "pressure", "pressured", "rough",
                 "hard going", "worn out", "shattered", "knackered"),
    "lonely": ("lonely", "alone", "isolated", "left out", "ignored", "invisible", "excluded"),
    "confused": ("confused", "confusing", "lost", "unsure", "uncertain", "torn", "stuck"),
    "happy": ("happy", "glad", "pleased", "delighted", "excited", "exciting", "thrilled",
              "proud", "relieved", "relief", "grateful", "thankful", "hopeful", "optimistic",
              "confident", "energised", "energized"),
}
#: The verbs of these feelings, as the lemmatizer gives them ("it scares me", "that
#: annoyed her"). Verbs with a common sense that is no feeling ("ignore", "drain",
#: "relieve") are left out.
VERBS: dict[str, tuple[str, ...]] = {
    "frustrated": ("annoy", "irritate", "frustrate", "anger", "infuriate"),
    "worried": ("scare", "frighten", "terrify", "unnerve"),
    "sad": ("sadden", "disappoint", "depress", "devastate"),
    "embarrassed": ("embarrass", "humiliate", "mortify"),
    "stressed": ("overwhelm",),
    "confused": ("confuse", "baffle"),
    "happy": ("excite", "delight", "thrill"),
}


def _forms(verb: str) -> tuple[str, ...]:
    """A regular verb's forms: the lemmatizer misses some ("scares" -> "scar")."""
    if verb.endswith("y"):
        return verb, verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"
    if verb.endswith("e"):
        return verb, verb + "s", verb + "d", verb[:-1] + "ing"
    return verb, verb + "s", verb + "ed", verb + "ing"


_WORD_TO_FAMILY = {**{w: fam for fam, words in VERBS.items() for v in words for w in _forms(v)},
                   **{w: fam for fam, words in FAMILIES.items() for w in words}}
#: Feelings shown rather than named: what people say when they do not use the word.
SHOWN: dict[str, str] = {
    "couldn't sleep": "worried", "could not sleep": "worried", "lying awake": "worried",
    "lost sleep": "worried", "my heart sank": "sad", "i cried": "sad", "in tears": "sad",
    "i was shaking": "worried", "at my wits' end": "stressed", "at the end of my tether":
    "stressed", "banging my head": "frustrated", "over the moon": "happy",
    "on cloud nine": "happy", "couldn't believe it": "happy", "wanted the ground to swallow":
    "embarrassed", "no one to talk to": "lonely", "nobody to talk to": "lonely",
    "didn't know what to do": "confused", "did not know what to do": "confused",
}


#: Feeling words with an everyday sense that is no feeling: "let them *down*", "I
#: *lost* my job", "I did it *alone*", "I *ignored* the email". They count only where
#: they describe someone (_describes_someone).
EVERYDAY_SENSE = frozenset({"down", "lost", "hurt", "stuck", "alone", "rough", "mad", "torn",
                            "tense", "ignored", "excluded", "invisible", "drained",
                            "shattered"})
#: Verbs that link a subject to how it is: "I *feel* lost", "she *went* mad".
_LINKING = frozenset({"be", "feel", "seem", "look", "sound", "get", "become", "go", "grow",
                      "stay", "remain", "keep"})
#: Auxiliaries before a participle that says how someone is ("was lost", "got stuck",
#: "felt ignored"; the tagger sometimes reads "felt" as an auxiliary, lemma unchanged).
_BE_GET_FEEL = frozenset({"be", "get", "got", "feel", "felt"})


def family_of(word: str) -> str | None:
    """The feeling family of a lower-case word or lemma, if it names a feeling."""
    return _WORD_TO_FAMILY.get(word)


def feelings_in(text: str, own: bool = False) -> dict[str, str]:
    """Feeling family -> the words that expressed it, in `text`. With `own`, only the
    feelings the person talking had: "I was scared they'd be furious" is fear, not
    anger, and "my boss was furious" is the boss's."""
    found: dict[str, str] = {}
    lowered = " " + " ".join(text.lower().replace("’", "'").split()) + " "
    doc = parse(expand_contractions(text))
    for phrase, family in [*_WORD_TO_FAMILY.items(), *SHOWN.items()]:
        if " " in phrase and re.search(rf"\b{re.escape(phrase)}\b", lowered):
            if own and _others_at(doc, phrase):
                continue
            found.setdefault(family, phrase)
    for tok in doc:
        felt = _feeling_of(tok)
        if felt and not _negated(tok) and not (own and _someone_elses(tok)):
            found.setdefault(felt, tok.text)
    return found


#: Who can have a feeling other than the person talking (and "we", who include them).
_THIRD = frozenset({"he", "she", "they", "him", "her", "them", "his", "their", "hers",
                    "theirs", "everyone", "everybody", "nobody", "someone", "somebody"})
#: Feeling words that describe what caused the feeling ("it was frightening"): the
#: experiencer is whoever is telling it, whatever the grammatical subject.
_STIMULUS = re.compile(r"(ing|ful|some)$|^(scary|rough|hard going|nerve-racking)$")


def _experiencer(tok):
    """The token naming who has the feeling `tok` expresses, when the parse says: its
    own subject ("made *me* furious"), a feeling verb's object ("scares *me*"), a
    feeling noun's possessor ("*her* anxiety"), or the subject of the clause it
    completes ("*they*'d be furious"), climbing through conjuncts and prepositions."""
    if tok.pos_ == "VERB" and tok.lemma_ in _FEELING_VERBS:  # "that annoyed *her*"
        for c in tok.children:
            if c.dep_ == "dobj":
                return c
    for c in tok.children:
        if c.dep_ in ("nsubj", "nsubjpass") or (c.dep_ == "poss" and tok.pos_ == "NOUN"):
            return c
    node = tok
    for _ in range(4):
        head = node.head
        if head is node:
            return None
        if node.dep_ != "conj":
            for c in head.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c is not node:
                    return c
        node = head
    return None


_FEELING_VERBS = frozenset(v for verbs in VERBS.values() for v in verbs)


def _someone_elses(tok) -> bool:
    """The feeling belongs to another person in the story, not to the one talking."""
    if _STIMULUS.search(tok.lower_):
        return False
    who = _experiencer(tok)
    if who is None:
        return False
    return who.lower_ in _THIRD or who.pos_ in ("PROPN", "NOUN")


def _others_at(doc, phrase: str) -> bool:
    """A multi-word feeling ("fed up", "let down") said of someone else."""
    first = phrase.split()[0]
    return any(t.lower_ == first and _someone_elses(t) for t in doc)


def names_a_feeling(tok) -> bool:
    """Whether a parsed token is a feeling word in its feeling sense (negated or not)."""
    return _feeling_of(tok) is not None


def _feeling_of(tok) -> str | None:
    """The family of a parsed token's feeling, by its word or its lemma, in its sense."""
    for key in (tok.lower_, tok.lemma_.lower()):
        family = _WORD_TO_FAMILY.get(key)
        if family and (key not in EVERYDAY_SENSE or _describes_someone(tok)):
            return family
    return None


def _describes_someone(tok) -> bool:
    """The word says how someone is: the complement of a linking verb ("feeling down",
    "I was mad"), or a participle after be/get ("I was lost", "we got stuck"), not an
    action ("I lost my keys") or a direction ("sat down", "let them down")."""
    if tok.head is not tok and tok.head.lemma_ in _LINKING and tok.dep_ in (
            "acomp", "advmod", "attr", "oprd", "xcomp"):
        return True
    return tok.tag_ in ("VBN", "JJ") and any(
        c.dep_ in ("aux", "auxpass") and (c.lemma_ in _BE_GET_FEEL or c.lower_ in _BE_GET_FEEL)
        for c in tok.children)


def _negated(tok) -> bool:
    head = tok.head
    return any(c.dep_ == "neg" for c in (*tok.children, *head.children))


@dataclass(frozen=True)
class Feelings:
    named: dict[str, str]  # family -> the speaker's word
    reflected: dict[str, str]  # family -> the listener's word
    missed: tuple[str, ...]  # the speaker's words for feelings the summary left out

    @property
    def share_reflected(self) -> float | None:
        return len(self.reflected) / len(self.named) if self.named else None


def suggested_phrase(word: str) -> str:
    """A grammatical way to reflect a feeling the speaker named: "that sounds
    frightening" for what caused it, "you felt furious" for how they were, "that
    sounds like real panic" for a noun."""
    w = word.lower()
    verb = next((v for verbs in VERBS.values() for v in verbs if w in _forms(v)), None)
    if verb is not None and not w.endswith("ing"):
        return f"you felt {_forms(verb)[2]}"
    if _STIMULUS.search(w):
        return f"that sounds {w}"
    if w in _NOUNS:
        return f"that sounds like real {w}"
    return f"you felt {w}"


#: Feeling words that are nouns ("the panic", "my anxiety").
_NOUNS = frozenset({"worry", "anxiety", "fear", "panic", "dread", "grief", "guilt", "shame",
                    "stress", "pressure", "relief"})


def compare_feelings(speaker: str, summary: str) -> Feelings:
    named = feelings_in(speaker, own=True)
    said = feelings_in(summary)
    reflected = {fam: said[fam] for fam in named if fam in said}
    missed = tuple(named[fam] for fam in named if fam not in said)
    return Feelings(named, reflected, missed)
