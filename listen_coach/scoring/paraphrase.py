"""Own words versus echo: how much of the summary repeats the speaker word for word.

Repeating a key phrase is fine; parroting whole stretches shows memory, not
understanding. Runs of `MIN_RUN` or more consecutive words that also occur
consecutively in what the speaker said count as echo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from listen_coach.scoring.nlp import expand_contractions, strip_fillers

#: Five words in a row: shorter runs are names and set phrases ("the end of the
#: month"), longer ones are quotation.
MIN_RUN = 5
#: Above this share of echoed words a summary is parroting (half the summary
#: quoted leaves little room for the listener's own understanding).
PARROT_SHARE = 0.5


@dataclass(frozen=True)
class Echo:
    share: float  # of the summary's words inside verbatim runs
    runs: tuple[str, ...]  # the echoed stretches, longest first

    @property
    def parroting(self) -> bool:
        return self.share >= PARROT_SHARE


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", expand_contractions(strip_fillers(text)).lower())


def echo(speaker: str, summary: str) -> Echo:
    said, back = _words(speaker), _words(summary)
    if not back:
        return Echo(0.0, ())
    grams = {tuple(said[i:i + MIN_RUN]) for i in range(len(said) - MIN_RUN + 1)}
    echoed = [False] * len(back)
    for i in range(len(back) - MIN_RUN + 1):
        if tuple(back[i:i + MIN_RUN]) in grams:
            for j in range(i, i + MIN_RUN):
                echoed[j] = True
    runs, current = [], []
    for word, flag in zip(back, echoed, strict=True):
        if flag:
            current.append(word)
        elif current:
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    runs.sort(key=lambda r: -len(r.split()))
    return Echo(round(sum(echoed) / len(back), 4), tuple(runs))
