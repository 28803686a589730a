#!/bin/sh
# run_signals: a blended time-series momentum score per symbol from the windows:
# 0.5 * z20 + 0.3 * z10 + 0.2 * z5 (each a volatility-scaled trailing return).
set -eu
. "$(dirname "$0")/lib.sh"
need windows.csv mkt_build_numeric_windows
awk -F, 'NR > 1 { printf "%s,%.4f\n", $1, 0.5 * $4 + 0.3 * $3 + 0.2 * $2 }' "$W/windows.csv" | sort > "$W/msignals.body"
{ echo "symbol,score"; cat "$W/msignals.body"; } > "$W/msignals.csv"
printf '{"market_signals":%s}\n' "$(csv_json "$W/msignals.csv" "symbol:s score:n")"
