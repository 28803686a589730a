#!/bin/sh
# curiosity_engine: questions for tomorrow's research: every symbol whose last move
# was larger than two daily volatilities and had no headline today.
set -eu
. "$(dirname "$0")/lib.sh"
ensure_prices
need news.csv check_news || log "no news today: every large move is unexplained"
touch "$W/news.csv"
awk -F, 'FILENAME ~ /news.csv$/ { if (FNR > 1) told[$1] = 1; next }
  FNR > 1 { k = ++n[$2]; px[$2, k] = $3 }
  END { for (s in n) { m = n[s]; if (m < 22 || (s in told)) continue
      sum = 0; sq = 0
      for (i = m - 20; i < m; i++) { r = px[s, i] / px[s, i - 1] - 1; sum += r; sq += r * r }
      vol = sqrt(sq / 20 - (sum / 20) ^ 2); r = px[s, m] / px[s, m - 1] - 1
      if (r > 2 * vol || r < -2 * vol) printf "why did %s move %.1f%% without news?\n", s, r * 100 } }' \
  "$W/news.csv" "$W/prices.csv" | sort > "$W/questions.txt"
log "$(wc -l < "$W/questions.txt" | tr -d ' ') question(s)"
printf '{"questions":%s}\n' "$(awk 'BEGIN { printf "[" } { printf "%s\"%s\"", (NR > 1 ? "," : ""), $0 } END { printf "]" }' "$W/questions.txt")"
