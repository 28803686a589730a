#!/bin/sh
# apply_semantic_rules: the desk's rules about what the news means for a trade. A
# symbol with a CRITICAL or HIGH catalyst today (a halt, adverse news, an earnings
# report) is not traded; with sentiment scores, neither is a buy into sentiment
# below -0.5 or a sell into sentiment above 0.5. Writes the survivors to ruled.csv,
# which calculate_sizes sizes (without it, calculate_sizes sizes every qualified signal).
set -eu
. "$(dirname "$0")/lib.sh"
need qualified.csv quality_gate
need news_catalysts.csv check_news
need earnings_catalysts.csv check_earnings
need sentiment.csv sentiment_analysis || log "no sentiment scores: no sentiment rule"
touch "$W/sentiment.csv"
awk -F, -v rules="$W/rule_drops.csv" '
  FILENAME ~ /_catalysts.csv$/ { if (FNR > 1 && ($3 == "CRITICAL" || $3 == "HIGH")) why[$1] = $2 " news (" $3 ")"; next }
  FILENAME ~ /sentiment.csv$/ { if (FNR > 1) sent[$1] = $2; next }
  FNR == 1 { next }
  ($1 in why) { print $1 "," why[$1] > rules; next }
  ($1 in sent) && (($2 == "buy" && sent[$1] < -0.5) || ($2 == "sell" && sent[$1] > 0.5)) { print $1 ",against sentiment" > rules; next }
  { print }' "$W/news_catalysts.csv" "$W/earnings_catalysts.csv" "$W/sentiment.csv" "$W/qualified.csv" > "$W/ruled.body"
touch "$W/rule_drops.csv"
{ echo "symbol,side,conf_score"; cat "$W/ruled.body"; } > "$W/ruled.tmp" && mv "$W/ruled.tmp" "$W/ruled.csv"
{ echo "symbol,rule"; cat "$W/rule_drops.csv"; } > "$W/rule_drops.out"
log "$(wc -l < "$W/ruled.body" | tr -d ' ') kept, $(wc -l < "$W/rule_drops.csv" | tr -d ' ') dropped"
printf '{"rule_drops":%s}\n' "$(csv_json "$W/rule_drops.out" "symbol:s rule:s")"
