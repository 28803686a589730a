#!/bin/sh
# ml_features: join the day's inputs into one feature row per symbol: 5-session
# momentum (prices), P/E and revenue growth (fundamentals), headline count (news)
# and sentiment. Symbols missing any input are left out.
set -eu
. "$(dirname "$0")/lib.sh"
need prices.csv datafeed prices
need fundamentals.csv datafeed fundamentals
need news.csv datafeed news
need sentiment.csv score_sentiment
awk -F, 'FILENAME ~ /prices/ { if (FNR > 1) { if ($1 == -5) p5[$2] = $3; if ($1 == 0) p0[$2] = $3 } next }
  FILENAME ~ /fundamentals/ { if (FNR > 1) { pe[$1] = $2; g[$1] = $3 } next }
  FILENAME ~ /news/ { if (FNR > 1) nn[$1]++; next }
  FNR > 1 && ($1 in p0) && ($1 in p5) && ($1 in pe) { printf "%s,%.5f,%s,%s,%d,%s\n", $1, p0[$1] / p5[$1] - 1, pe[$1], g[$1], nn[$1], $2 }' \
  "$W/prices.csv" "$W/fundamentals.csv" "$W/news.csv" "$W/sentiment.csv" > "$W/features.body"
{ echo "symbol,mom5,pe,rev_growth,headlines,sentiment"; cat "$W/features.body"; } > "$W/features.csv"
log "$(wc -l < "$W/features.body") feature rows"
printf '{"features":{"rows":%d,"columns":["mom5","pe","rev_growth","headlines","sentiment"]}}\n' "$(wc -l < "$W/features.body")"
