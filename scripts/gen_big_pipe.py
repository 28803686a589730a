#!/usr/bin/env python3
"""Write a big `.pipe` file for measuring the front end's memory and time.

Usage: gen_big_pipe.py OUT [MEGABYTES]   (default 50)

One handler, then pipelines `p0`, `p1`, ... until the file holds at least
MEGABYTES * 1,000,000 bytes. Each pipeline has 40 stages of 200 tasks;
task `tS_T` runs `work` with a timeout and waits for the task before it in
its stage. Nothing is random, so the same arguments write the same bytes.

The text is exactly what `pipec fmt` writes (`pipec fmt --check OUT` passes)
and `pipec check OUT` reports no error, so both commands read the whole file
and do all of their work on it.
"""

import sys

STAGES = 40
TASKS = 200


def pipeline(index):
    """One pipeline's text, formatted."""
    lines = [f"pipeline p{index} {{"]
    for s in range(STAGES):
        if s > 0:
            lines.append("")
        lines.append(f"  stage s{s} {{")
        for t in range(TASKS):
            after = f"  after t{s}_{t - 1}" if t > 0 else ""
            lines.append(f"    task t{s}_{t} {{ run work  timeout 30s{after} }}")
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: gen_big_pipe.py OUT [MEGABYTES]")
    target = int(float(sys.argv[2] if len(sys.argv) == 3 else 50) * 1_000_000)
    written = 0
    with open(sys.argv[1], "w", encoding="utf-8", newline="\n") as out:
        header = "handler work { builtin noop }\n"
        out.write(header)
        written += len(header)
        index = 0
        while written < target:
            text = "\n" + pipeline(index)
            out.write(text)
            written += len(text)
            index += 1


if __name__ == "__main__":
    main()
