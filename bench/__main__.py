"""Run every benchmark, print a table, write bench/results.json.

Figures are medians or ratios on a shared 2-core machine: compare runs on one
machine, not across machines. Later capabilities add their own modules here.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

from bench import app, asr, exercises, keys_db, one_mic, scoring, strictness, turns

BENCHES = [asr.bench_final_pass, asr.bench_summary_final, asr.bench_live_lag, asr.bench_process,
           asr.bench_speech_rate,
           scoring.bench_presence, scoring.bench_pair_speed, scoring.bench_batch_drift,
           scoring.bench_parse_cost, scoring.bench_spoken, scoring.bench_spoken_corpus,
           scoring.bench_points_vs_reference, scoring.bench_counselling_questions,
           strictness.bench_strictness, scoring.bench_round, turns.bench_two_channel,
           one_mic.bench_one_mic, one_mic.bench_one_mic_realistic, one_mic.bench_voice_pairs,
           exercises.bench_self_consistency, exercises.bench_hand_summaries, app.bench_launch,
           app.bench_results_latency, app.bench_keys, keys_db.bench_keys_db_unreachable,
           app.bench_memory, app.bench_review]


def main() -> int:
    only = sys.argv[1:]
    rows: list[dict] = []
    for bench in BENCHES:
        if only and not any(o in bench.__name__ for o in only):
            continue
        print(f"running {bench.__module__}.{bench.__name__} ...", file=sys.stderr, flush=True)
        try:
            bench(rows)
        except Exception as exc:  # noqa: BLE001 - one broken row must not lose the others
            rows.append({"name": f"{bench.__module__}.{bench.__name__}",
                         "skipped": f"failed: {type(exc).__name__}: {exc}"})
    if not rows:
        print(f"no benchmark matches {' '.join(only)}", file=sys.stderr)
        return 2
    width = max(len(r["name"]) for r in rows)
    print(f"\n{'benchmark':<{width}}  {'value':>10}  {'target':<8}  detail")
    for r in rows:
        value = r.get("value", "skipped")
        detail = r.get("detail", r.get("skipped", ""))
        print(f"{r['name']:<{width}}  {value!s:>10}  {r.get('target', ''):<8}  {detail}")
    out = Path(__file__).resolve().parent / "results.json"
    if only and out.exists():  # a partial run updates its own rows and keeps the rest
        fresh = {r["name"] for r in rows}
        kept = [r for r in json.loads(out.read_text()).get("rows", []) if r["name"] not in fresh]
        rows = kept + rows
    out.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "rows": rows,
    }, indent=2))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
