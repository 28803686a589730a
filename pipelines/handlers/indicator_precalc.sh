#!/bin/sh
# indicator_precalc: per tradable symbol, 5- and 20-session momentum, 20-session
# daily volatility and the last close, into indicators.csv.
set -eu
. "$(dirname "$0")/lib.sh"
ensure_prices
need universe.csv universe_validation
awk -F, 'FNR == NR { if (FNR > 1) keep[$1] = 1; next }
  FNR > 1 && ($2 in keep) { k = ++n[$2]; px[$2, k] = $3 }
  END { print "symbol,mom5,mom20,vol20,close"
    for (s in n) { m = n[s]; if (m < 21) continue
      sum = 0; sq = 0
      for (i = m - 19; i <= m; i++) { r = px[s, i] / px[s, i - 1] - 1; sum += r; sq += r * r }
      mean = sum / 20; vol = sqrt(sq / 20 - mean * mean)
      printf "%s,%.5f,%.5f,%.5f,%.2f\n", s, px[s, m] / px[s, m - 5] - 1, px[s, m] / px[s, m - 20] - 1, vol, px[s, m] } }' \
  "$W/universe.csv" "$W/prices.csv" > "$W/indicators.csv"
rows=$(($(wc -l < "$W/indicators.csv") - 1))
log "indicators for $rows symbols"
printf '{"indicator_rows":%d}\n' "$rows"
