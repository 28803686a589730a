#!/bin/sh
# compute_volatility: annualised realised volatility per symbol over the last 20
# and 60 sessions of log returns, into vol.csv.
set -eu
. "$(dirname "$0")/lib.sh"
need returns.csv mkt_compute_returns
awk -F, 'NR > 1 { sym[$2] = 1; if ($1 > -20) { a[$2] += $3; aa[$2] += $3 * $3; na[$2]++ } b[$2] += $3; bb[$2] += $3 * $3; nb[$2]++ }
  function v(s, q, n) { return sqrt((q - s * s / n) / (n - 1) * 252) }
  END { for (s in sym) printf "%s,%.4f,%.4f\n", s, v(a[s], aa[s], na[s]), v(b[s], bb[s], nb[s]) }' \
  "$W/returns.csv" | sort > "$W/vol.body"
{ echo "symbol,vol20,vol60"; cat "$W/vol.body"; } > "$W/vol.csv"
printf '{"volatility":%s}\n' "$(csv_json "$W/vol.csv" "symbol:s vol20:n vol60:n")"
