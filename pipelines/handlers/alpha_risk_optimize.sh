#!/bin/sh
# risk_optimize: the synthesized scores to weights: drop the weakest third by
# |score|, scale to 100% gross, cap any name at 20% and scale again (one pass).
set -eu
. "$(dirname "$0")/lib.sh"
need synthesis.csv alpha_synthesis
tail -n +2 "$W/synthesis.csv" | awk -F, '{ a = $2 < 0 ? -$2 : $2; print a "," $0 }' | sort -t, -k1,1nr \
  | awk -F, '{ S[NR] = $2; v[NR] = $3 } END { k = NR - int(NR / 3); for (i = 1; i <= k; i++) g += (v[i] < 0 ? -v[i] : v[i])
      for (i = 1; i <= k; i++) { w = v[i] / g; if (w > 0.2) w = 0.2; if (w < -0.2) w = -0.2; W[i] = w; h += (w < 0 ? -w : w) }
      for (i = 1; i <= k; i++) printf "%s,%.4f\n", S[i], W[i] / h }' | sort > "$W/weights.body"
{ echo "symbol,weight"; cat "$W/weights.body"; } > "$W/weights.csv"
gross=$(awk -F, '{ g += ($2 < 0 ? -$2 : $2) } END { printf "%.4f", g + 0 }' "$W/weights.body")
printf '{"weights":%s,"gross":%s,"audit":%s}\n' "$(csv_json "$W/weights.csv" "symbol:s weight:n")" "$gross" "$(audit)"
