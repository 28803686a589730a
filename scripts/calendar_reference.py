#!/usr/bin/env python3
"""Write the reference sessions the Rust calendar comparison test checks against.

Usage (needs the PyPI package `exchange_calendars`, pinned for reproducible
output; CI does not run this):

    python3 -m venv /tmp/xcals && /tmp/xcals/bin/pip install exchange_calendars==4.13.2
    /tmp/xcals/bin/python scripts/calendar_reference.py

One TSV per calendar in tests/data/calendars/<code>.tsv, a line per session:

    date <TAB> open <TAB> close <TAB> break_start <TAB> break_end

`date` is the session's exchange-local date. The other columns are full UTC
instants, `YYYY-MM-DDTHH:MMZ`: Sydney and Auckland open before midnight UTC
on the previous UTC date, so a time of day alone would be ambiguous. The
break columns are empty when there is no lunch break. The header records the
library version and the range written, so a regenerated file shows in review
which release it came from.

Precomputed calendars (XBOM, XSHG, XSES) end where the library's holiday
lists end (2026-12-31 in 4.13.2); their files stop there.

CMES opens the evening before its session date, so its `open` column is on
the previous UTC date. CRYPTO is compared with the library's "24/7"
calendar. FX has no counterpart in the library and no file.

Give codes as arguments to write only those files.
"""

import pathlib
import sys

import exchange_calendars as xcals
import pandas as pd

# BUILTIN_CODES order in src/time/calendar/builtin.rs.
CODES = [
    "XNZE", "XASX", "XTKS", "XKRX", "XTAI", "XSES", "XSHG", "XHKG", "XBOM",
    "XJSE", "XHEL", "XSTO", "XWBO", "XCSE", "XOSL", "XMIL", "XETR", "XSWX",
    "XAMS", "XBRU", "XPAR", "XMAD", "XLON", "XLIS", "XNYS", "XNAS", "XTSE",
    "CMES", "CRYPTO",
]
# Our code -> the library's name, where they differ.
SOURCE = {"CRYPTO": "24/7"}
START = pd.Timestamp("2005-01-01")
END = pd.Timestamp("2035-12-31")
OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "calendars"


def utc(ts):
    if pd.isna(ts):
        return ""
    return ts.tz_convert("UTC").strftime("%Y-%m-%dT%H:%MZ")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for code in sys.argv[1:] or CODES:
        source = SOURCE.get(code, code)
        cls = type(xcals.get_calendar(source))
        # A precomputed calendar refuses dates past its holiday lists.
        start = max(START, cls.bound_min() or START)
        end = min(END, cls.bound_max() or END)
        cal = xcals.get_calendar(source, start=start, end=end)
        sched = cal.schedule.loc[start:end]
        lines = [
            f"# {code} sessions {start.date()}..{end.date()} "
            f"from exchange_calendars {xcals.__version__}"
            + (f" (calendar {source})" if source != code else ""),
            "# date\topen_utc\tclose_utc\tbreak_start_utc\tbreak_end_utc",
        ]
        for label, row in sched.iterrows():
            lines.append(
                "\t".join(
                    [
                        label.date().isoformat(),
                        utc(row["open"]),
                        utc(row["close"]),
                        utc(row["break_start"]),
                        utc(row["break_end"]),
                    ]
                )
            )
        path = OUT / f"{code.lower()}.tsv"
        path.write_text("\n".join(lines) + "\n")
        print(f"{code}: {len(sched)} sessions {start.date()}..{end.date()} -> {path}")


if __name__ == "__main__":
    main()
