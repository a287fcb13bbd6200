"""The workshop report: one self-contained HTML page (inline CSS and SVG, no
scripts, no network) with each participant's progress, their score components and
their interruptions, that reads on screen and prints on A4."""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import datetime
from statistics import mean

from listen_coach.store import audit
from listen_coach.store.repo import RoundRow, Store

COMPONENTS = ("coverage", "faithfulness", "question", "feelings", "paraphrase")
#: Disagreements listed in full in the report; the rest are counted (the review and
#: `export --judgments` hold them all).
MAX_DISAGREEMENTS = 100
AGREE = "#3a7d44"
COLOURS = {"coverage": "#2f6db5", "faithfulness": "#6a4c93", "question": "#1b998b",
           "feelings": "#e09f3e", "paraphrase": "#9e2a2b"}

CSS = """
body { font: 15px/1.45 system-ui, sans-serif; color: #1d1d1f; margin: 2rem auto;
       max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.sub { color: #555; margin-top: 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 1rem; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .5rem .75rem; break-inside: avoid; }
h3 { font-size: 1rem; margin-top: 1.2rem; }
table.disagreements td { vertical-align: top; }
.card h3 { font-size: 1rem; margin: .2rem 0; } .muted { color: #666; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid #eee; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.legend span { display: inline-block; margin-right: 1rem; font-size: .85rem; }
.legend i { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem;
            vertical-align: -1px; }
svg text { font: 11px system-ui, sans-serif; fill: #444; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } h2 { break-after: avoid; }
  .card, table, svg { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
"""


def _esc(text: object) -> str:
    return html.escape(str(text))


def progress_svg(scores: list[int], width: int = 220, height: int = 90) -> str:
    """A small line chart of one participant's scores, round by round (0-100)."""
    pad = 18
    if not scores:
        return ""
    n = len(scores)
    xs = [pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5) for i in range(n)]
    ys = [height - pad - (height - 2 * pad) * s / 100 for s in scores]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#2f6db5"><title>round '
                   f'{i + 1}: {s}</title></circle>'
                   for i, (x, y, s) in enumerate(zip(xs, ys, scores, strict=True)))
    def y_of(v: float) -> float:
        return height - pad - (height - 2 * pad) * v / 100

    grid = "".join(f'<line x1="{pad}" x2="{width - pad}" y1="{y_of(v)}" y2="{y_of(v)}" '
                   f'stroke="#eee"/><text x="2" y="{y_of(v) + 4}">{v}</text>'
                   for v in (0, 50, 100))
    return (f'<svg class="chart progress" role="img" aria-label="scores by round" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}">{grid}'
            f'<polyline fill="none" stroke="#2f6db5" stroke-width="2" points="{points}"/>'
            f'{dots}</svg>')


def bars_svg(rows: list[tuple[str, dict[str, float]]], keys: tuple[str, ...],
             colours: dict[str, str], scale: float, unit: str = "", width: int = 640) -> str:
    """Grouped horizontal bars: one group per participant, one bar per key."""
    label_w, bar_h, gap = 120, 10, 8
    group_h = bar_h * len(keys) + gap
    height = group_h * len(rows) + 10
    parts = []
    for gi, (name, values) in enumerate(rows):
        y0 = 5 + gi * group_h
        parts.append(f'<text x="0" y="{y0 + group_h / 2}">{_esc(name)}</text>')
        for ki, key in enumerate(keys):
            value = values.get(key)
            if value is None:
                continue
            w = (width - label_w - 50) * min(value / scale, 1.0) if scale else 0
            shown = f"{value:.0f}" if unit == "%" else f"{value:.1f}".removesuffix(".0")
            y = y0 + ki * bar_h
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                         f'fill="{colours[key]}"><title>{_esc(name)} {_label(key)}: {shown}{unit}'
                         f'</title></rect><text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}">'
                         f'{shown}{unit}</text>')
    return (f'<svg class="chart bars" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">{"".join(parts)}</svg>')


def _label(key: str) -> str:
    """A chart key as a person reads it: a score component as the app names it
    ("Points caught"), a count by its name ("Interruptions")."""
    from listen_coach.scoring.report import LABELS

    return LABELS[key] if key in COMPONENTS else key.capitalize()


def _legend(keys: tuple[str, ...], colours: dict[str, str]) -> str:
    return '<p class="legend">' + "".join(
        f'<span><i style="background:{colours[k]}"></i>{_label(k)}</span>' for k in keys
    ) + "</p>"


def _share(a: audit.Agreement) -> str:
    lo, hi = a.interval
    return (f"<td class=num>{a.points}</td><td class=num>{100 * (a.share or 0):.0f}%</td>"
            f"<td class=num>{100 * lo:.0f}-{100 * hi:.0f}%</td>"
            f"<td class=num>{a.credited_unheard}</td><td class=num>{a.missed_heard}</td>"
            f"<td class=num>{a.speaker_right} / {a.scorer_right}</td>")


def agreement_svg(rows: list[tuple[str, audit.Agreement]], width: int = 640) -> str:
    """One bar per group: the share of points agreed, with its 95 % interval."""
    label_w, bar_h = 160, 14
    scale = width - label_w - 60
    parts = []
    for i, (name, a) in enumerate(rows):
        y = 4 + i * (bar_h + 6)
        lo, hi = a.interval
        w = scale * (a.share or 0)
        parts.append(
            f'<text x="0" y="{y + bar_h - 3}">{_esc(name)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{AGREE}">'
            f'<title>{_esc(name)}: {100 * (a.share or 0):.0f}% of {a.points} points'
            f'</title></rect><line x1="{label_w + scale * lo:.1f}" x2="{label_w + scale * hi:.1f}"'
            f' y1="{y + bar_h / 2}" y2="{y + bar_h / 2}" stroke="#1d1d1f" stroke-width="1.5"/>'
            f'<text x="{label_w + scale + 6}" y="{y + bar_h - 3}">'
            f'{100 * (a.share or 0):.0f}%</text>')
    height = 8 + len(rows) * (bar_h + 6)
    return (f'<svg class="chart agreement" role="img" aria-label="agreement with the speakers" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f'{"".join(parts)}</svg>')


def trust_section(store: Store, workshop: str | None) -> list[str]:
    """How often the scorer agreed with the speakers' ticks, and where it did not."""
    points = audit.verdicts(store, workshop)
    out = ["<h2>How far to trust the scorer here</h2>"]
    if not points:
        return out + ["<p class=muted>No pair round has the speaker's ticks yet. Once "
                      "speakers tick which points came across, this shows how often the "
                      "scorer agreed with them.</p>"]
    total = audit.agreement(points)
    out.append(f"<p>{_esc(total.sentence())} The speakers' ticks decide each pair round's "
               "points; the scorer's verdict is what a solo drill relies on.</p>")
    groups: list[tuple[str, audit.Agreement]] = [("All rounds", total)]
    workshops = audit.by_workshop(points)
    if not workshop and len(workshops) > 1:
        groups += [(f"Workshop {name}", a) for name, a in workshops.items()]
    people = list(audit.by_participant(points).items())
    groups += people
    out.append(agreement_svg(people))
    out.append("<table class=agreement><thead><tr><th>Who</th><th class=num>Points</th>"
               "<th class=num>Agreed</th><th class=num>95% interval</th>"
               "<th class=num>Credited, not heard</th><th class=num>Missed, heard</th>"
               "<th class=num>Ruled: speaker / scorer</th></tr></thead><tbody>")
    out += [f"<tr><td>{_esc(name)}</td>{_share(a)}</tr>" for name, a in groups]
    out.append("</tbody></table><p class=muted>Per participant: the rounds where they "
               "listened and their partner ticked. <i>Credited, not heard</i>: the scorer "
               "gave a point the speaker did not tick; <i>missed, heard</i>: the speaker "
               "ticked a point the scorer did not give.</p>")
    differ = audit.disagreements(store, points)
    out.append(f"<h3>Where they disagreed ({len(differ)})</h3>")
    out.append("<table class=disagreements><thead><tr><th>Date</th><th>Listener</th>"
               "<th>Point</th><th>What the summary said</th><th>Speaker</th><th>Scorer</th>"
               "<th>Ruling</th></tr></thead><tbody>")
    for d in differ[:MAX_DISAGREEMENTS]:
        v = d.verdict
        confidence = "" if d.scorer_score is None else f" ({d.scorer_score:.2f})"
        cells = [v.started_at[:10], v.listener, v.point, d.evidence or d.summary or "",
                 "came across" if v.came_across else "not heard",
                 ("heard it" if v.scorer_covered else "missed it") + confidence,
                 {"speaker": "speaker was right", "scorer": "scorer was right"}.get(
                     v.ruling or "", "")]
        out.append("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table>")
    if len(differ) > MAX_DISAGREEMENTS:
        out.append(f"<p class=muted>The newest {MAX_DISAGREEMENTS} are listed; the review "
                   "shows every one, and `listen-coach export --judgments` writes them all."
                   "</p>")
    return out


def render(store: Store, workshop: str | None = None) -> str:
    rows: list[RoundRow] = store.rounds(workshop=workshop)
    by_person: dict[str, list[RoundRow]] = defaultdict(list)
    for r in rows:
        by_person[r.listener].append(r)
    components: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    stored = store.components(workshop)
    for r in rows:
        for key, value in stored.get(r.uid, {}).items():
            components[r.listener][key].append(float(value))
    title = f"Listening practice: {workshop}" if workshop else "Listening practice"
    scored = [r.score for r in rows if r.score is not None]
    out = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{_esc(title)}</title>"
           f"<style>{CSS}</style></head><body>",
           f"<h1>{_esc(title)}</h1><p class=sub>{len(by_person)} participant(s), {len(rows)} "
           f"round(s)" + (f", average score {mean(scored):.0f}" if scored else "") +
           f". Generated {datetime.now():%d %B %Y, %H:%M}.</p>"]
    if not rows:
        out.append("<p>No finished rounds yet.</p></body></html>")
        return "".join(out)
    out.append("<h2>Progress</h2><div class=grid>")
    for name in sorted(by_person):
        mine = by_person[name]
        scores = [r.score for r in mine if r.score is not None]
        change = f"{scores[-1] - scores[0]:+d} since the first round" if len(scores) > 1 else ""
        out.append(f'<div class=card><h3>{_esc(name)}</h3><div class=muted>{len(mine)} round(s)'
                   f'{", latest " + str(scores[-1]) if scores else ""}'
                   f'{"; " + change if change else ""}</div>{progress_svg(scores)}</div>')
    out.append("</div>")
    averages = [(name, {k: 100 * mean(v) for k, v in components[name].items() if v})
                for name in sorted(by_person)]
    out.append("<h2>Score components</h2><p class=muted>Average per participant, in percent."
               "</p>" + _legend(COMPONENTS, COLOURS) +
               bars_svg(averages, COMPONENTS, COLOURS, 100.0, "%"))
    turn_rows = []
    for name in sorted(by_person):
        measured = [r for r in by_person[name] if r.interruptions is not None]
        if measured:
            turn_rows.append((name, {
                "interruptions": mean(r.interruptions or 0 for r in measured),
                "encouragers": mean(r.encouragers or 0 for r in measured)}))
    out.append("<h2>Interruptions and encouragers</h2>")
    if turn_rows:
        colours = {"interruptions": "#c0392b", "encouragers": "#27ae60"}
        top = max(max(v.values()) for _, v in turn_rows) or 1.0
        out.append("<p class=muted>Average per round while the partner was speaking.</p>" +
                   _legend(("interruptions", "encouragers"), colours) +
                   bars_svg(turn_rows, ("interruptions", "encouragers"), colours, top))
    else:
        out.append("<p class=muted>Not measured in these rounds (solo drills).</p>")
    out += trust_section(store, workshop)
    out.append("<h2>All rounds</h2><table><thead><tr><th>Date</th><th>Participant</th>"
               "<th>Partner</th><th>Exercise</th><th class=num>Score</th>"
               "<th class=num>Interruptions</th></tr></thead><tbody>")
    for r in rows:
        star = "*" if r.override_score is not None else ""
        score = "" if r.score is None else f"{r.score}{star}"
        cells = [r.started_at[:16].replace("T", " "), r.listener, r.speaker or "",
                 r.exercise_title or r.exercise]
        out.append("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in cells) +
                   f"<td class=num>{score}</td><td class=num>"
                   f"{'' if r.interruptions is None else r.interruptions}</td></tr>")
    out.append("</tbody></table><p class=muted>* score set by the facilitator.</p></body></html>")
    return "".join(out)
