#!/usr/bin/env python3
"""Write the reference sessions the Rust calendar comparison test checks against.

Usage (needs the PyPI package `exchange_calendars`; CI does not run this):

    pip install exchange_calendars
    python3 scripts/calendar_reference.py

One TSV per calendar in tests/data/calendars/<code>.tsv, a line per session:

    date <TAB> open <TAB> close <TAB> break_start <TAB> break_end

Times are HH:MM in UTC on the session's own (exchange-local) date; the break
columns are empty when there is no lunch break. The header records the
library version so a regenerated file shows in review which release it came
from.
"""

import pathlib
import sys

import exchange_calendars as xcals
import pandas as pd

CODES = ["XNYS", "XNAS", "XLON", "XETR", "XTKS", "XHKG"]
START = "2005-01-01"
END = "2035-12-31"
OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "calendars"


def hhmm(ts, date):
    if pd.isna(ts):
        return ""
    ts = ts.tz_convert("UTC")
    # The compact format assumes every instant falls on the session's own UTC
    # date, true for all six exchanges; fail loudly rather than write a lie.
    if ts.date() != date:
        sys.exit(f"{date}: {ts} is not on the session date; format needs widening")
    return ts.strftime("%H:%M")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for code in CODES:
        cal = xcals.get_calendar(code, start=START, end=END)
        sched = cal.schedule.loc[START:END]
        lines = [
            f"# {code} sessions {START}..{END} from exchange_calendars {xcals.__version__}",
            "# date\topen_utc\tclose_utc\tbreak_start_utc\tbreak_end_utc",
        ]
        for label, row in sched.iterrows():
            date = label.date()
            lines.append(
                "\t".join(
                    [
                        date.isoformat(),
                        hhmm(row["open"], date),
                        hhmm(row["close"], date),
                        hhmm(row["break_start"], date),
                        hhmm(row["break_end"], date),
                    ]
                )
            )
        path = OUT / f"{code.lower()}.tsv"
        path.write_text("\n".join(lines) + "\n")
        print(f"{code}: {len(sched)} sessions -> {path}")


if __name__ == "__main__":
    main()
