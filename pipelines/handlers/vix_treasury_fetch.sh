#!/bin/sh
# vix_treasury_fetch: the VIX level and the 10-year Treasury yield. Synthetic: the
# VIX is the basket's realised 20-session volatility, annualised, plus a premium.
set -eu
. "$(dirname "$0")/lib.sh"
ensure_prices
awk -F, -v seed="$SEED" "$AWK_RNG"'
  NR > 1 { if (($2 in last) && $1 > -20) { day[$1] += $3 / last[$2] - 1; cnt[$1]++ } last[$2] = $3 }
  END { for (d in day) { r = day[d] / cnt[d]; sum += r; sq += r * r; n++ }
    s = seed % 2147483646 + 7; rnd()
    vol = sqrt(sq / n - (sum / n) ^ 2) * sqrt(252) * 100
    printf "{\"vix\":%.2f,\"treasury_10y\":%.3f}\n", vol * 1.1 + 2, 3.9 + (rnd() - 0.5) * 0.6 }' "$W/prices.csv" \
  | tee "$W/macro.json"
