#!/bin/sh
# run_books: the model book: for each universe symbol with |score| > 0.5, a weight
# of sign(score) / vol20 (inverse volatility), scaled to 100% gross.
set -eu
. "$(dirname "$0")/lib.sh"
need universe.txt mkt_run_universes
need vol.csv mkt_compute_volatility
awk -F, 'FILENAME ~ /universe/ { ok[$1] = 1; next }
  FILENAME ~ /vol/ { if (FNR > 1) vol[$1] = $2; next }
  FNR > 1 && ($1 in ok) && ($2 > 0.5 || $2 < -0.5) { w[$1] = ($2 > 0 ? 1 : -1) / vol[$1]; g += 1 / vol[$1] }
  END { for (s in w) printf "%s,%.4f\n", s, w[s] / g }' "$W/universe.txt" "$W/vol.csv" "$W/msignals.csv" | sort > "$W/book.body"
{ echo "symbol,weight"; cat "$W/book.body"; } > "$W/book.csv"
gross=$(awk -F, '{ g += ($2 < 0 ? -$2 : $2) } END { printf "%.4f", g + 0 }' "$W/book.body")
printf '{"book":%s,"gross":%s}\n' "$(csv_json "$W/book.csv" "symbol:s weight:n")" "$gross"
