#!/bin/sh
# compute_returns: daily log returns per symbol from prices.csv into returns.csv.
set -eu
. "$(dirname "$0")/lib.sh"
need prices.csv mkt_ingest_prices
awk -F, -v stats="$W/returns.stats" 'NR == 1 { print "day,symbol,ret"; next }
  { if ($2 in last) { r = log($3 / last[$2]); printf "%d,%s,%.6f\n", $1, $2, r; t += r; n++ } last[$2] = $3 }
  END { printf "%d %.6f\n", n, n ? t / n : 0 > stats }' "$W/prices.csv" > "$W/returns.csv"
read n mean < "$W/returns.stats"
printf '{"returns_computed":{"rows":%d,"mean":%s}}\n' "$n" "$mean"
