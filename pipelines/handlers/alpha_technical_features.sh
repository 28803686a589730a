#!/bin/sh
# technical_features (sub-pipeline feature_build): per symbol, 20-session momentum,
# 5-session reversal and 20-session daily volatility (tech.csv).
set -eu
. "$(dirname "$0")/lib.sh"
need prices.csv alpha_ingest
awk -F, 'NR > 1 { k = ++n[$2]; px[$2, k] = $3 }
  END { for (s in n) { m = n[s]; if (m < 21) continue; q = 0; t = 0
      for (i = m - 19; i <= m; i++) { r = px[s, i] / px[s, i - 1] - 1; t += r; q += r * r }
      printf "%s,%.5f,%.5f,%.5f\n", s, px[s, m] / px[s, m - 20] - 1, -(px[s, m] / px[s, m - 5] - 1), sqrt(q / 20 - (t / 20) ^ 2) } }' \
  "$W/prices.csv" | sort > "$W/tech.csv"
printf '{"technical_rows":%d,"audit":%s}\n' "$(wc -l < "$W/tech.csv")" "$(audit)"
