#!/usr/bin/env python3
"""Generate reference next-fire times for pipec's cron implementation with croniter.

Writes tests/data/cron/reference.json: for each (expression, zone, start instant)
the next six firings croniter computes, as UTC ISO-8601 strings. The Rust test
tests/cron_reference.rs compares against this committed file, so CI needs no Python.

Usage: pip install croniter && python3 scripts/cron_reference.py
"""

import json
import pathlib
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from importlib.metadata import version

from croniter import croniter

EXPRESSIONS = [
    "* * * * *",
    "*/15 * * * *",
    "*/10 1 * * *",
    "*/5 1-3 * * *",
    "0 * * * *",
    "0 */2 * * *",
    "30 1 * * *",
    "30 2 * * *",
    "0 2 * * *",
    "0 3 * * *",
    "0 1 * * 0",
    "0 9 * * MON-FRI",
    "30 9 * * 1-5",
    "0 9-17 * * 1-5",
    "0 16 * * 5",
    "0 22 * * 1-5",
    "5 4 * * sun",
    "45 23 * * 6",
    "0 0 * * 7",
    "10-20/5 8 * * *",
    "23 0-20/2 * * *",
    "0 0 1 * *",
    "15 14 1 * *",
    "0 0,12 1 */2 *",
    "0 0 13 * 5",
    "0 0 1,15 * 3",
    "0 12 * JAN,JUL *",
    "0 6 15 6 *",
    "0 0 31 * *",
    "0 0 29 2 *",
    "59 23 31 12 *",
    "@hourly",
    "@daily",
    "@weekly",
    "@monthly",
]

ZONES = ["America/New_York", "Europe/London", "Europe/Berlin", "Asia/Tokyo"]

# A quiet day, then instants before, inside and after the 2026 DST changes of
# New York (Mar 8 07:00Z, Nov 1 06:00Z) and Europe (Mar 29 01:00Z, Oct 25 01:00Z).
STARTS = [
    "2026-01-15T12:34:56Z",
    "2026-03-07T12:00:00Z",
    "2026-03-08T05:00:00Z",
    "2026-03-08T06:45:00Z",
    "2026-03-28T22:00:00Z",
    "2026-03-29T00:30:00Z",
    "2026-10-24T22:00:00Z",
    "2026-10-25T00:30:00Z",
    "2026-10-25T01:30:00Z",
    "2026-10-31T22:00:00Z",
    "2026-11-01T05:30:00Z",
    "2026-11-01T06:30:00Z",
]

FIRINGS_PER_CASE = 6


def parse_utc(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def format_utc(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    cases = []
    for expr in EXPRESSIONS:
        for zone in ZONES:
            for start in STARTS:
                begin = parse_utc(start).astimezone(ZoneInfo(zone))
                it = croniter(expr, begin)
                nexts = [format_utc(it.get_next(datetime)) for _ in range(FIRINGS_PER_CASE)]
                cases.append({"expr": expr, "zone": zone, "start": start, "next": nexts})
    out = {
        "generator": "scripts/cron_reference.py",
        "croniter_version": version("croniter"),
        "cases": cases,
    }
    path = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "cron" / "reference.json"
    # One case per line keeps diffs of the committed file readable.
    lines = [json.dumps(case) for case in cases]
    header = json.dumps({k: v for k, v in out.items() if k != "cases"})[:-1]
    path.write_text(header + ', "cases": [\n' + ",\n".join(lines) + "\n]}\n")
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
