#!/bin/sh
# build_numeric_windows: per symbol, cumulative log return over trailing 5-, 10-
# and 20-session windows, scaled by its 20-session volatility: the numeric inputs
# of the signal models (windows.csv).
set -eu
. "$(dirname "$0")/lib.sh"
need returns.csv mkt_compute_returns
need vol.csv mkt_compute_volatility
awk -F, 'FNR == NR { if (FNR > 1) vol[$1] = $2; next }
  FNR > 1 { if ($1 > -5) w5[$2] += $3; if ($1 > -10) w10[$2] += $3; if ($1 > -20) w20[$2] += $3 }
  END { for (s in w20) { d = vol[s] / sqrt(252); printf "%s,%.4f,%.4f,%.4f\n", s, w5[s] / (d * sqrt(5)), w10[s] / (d * sqrt(10)), w20[s] / (d * sqrt(20)) } }' \
  "$W/vol.csv" "$W/returns.csv" | sort > "$W/windows.body"
{ echo "symbol,z5,z10,z20"; cat "$W/windows.body"; } > "$W/windows.csv"
printf '{"windows":{"rows":%d,"lengths":[5,10,20]}}\n' "$(wc -l < "$W/windows.body")"
