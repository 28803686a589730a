#!/bin/sh
# check_news: today's headlines for the tradable universe from the (synthetic) news
# wire, classified by keyword rules into catalysts with a severity (CRITICAL / HIGH
# / MEDIUM / LOW). A symbol missing its bar today shows up as a trading halt. A
# catalyst is a *blocker* when it stops all trading for the day (market-wide
# events, symbol "MARKET"); a CRITICAL event on one symbol only removes that symbol
# from selection.
set -eu
. "$(dirname "$0")/lib.sh"
need universe.csv universe_validation
{ tail -n +2 "$W/universe.csv" | cut -d, -f1; cat "$W/dropped.txt"; } | sort | awk -v seed="$SEED" -v halted="$(tr '\n' ' ' < "$W/dropped.txt")" "$AWK_RNG"'
  BEGIN { s = seed % 2147483646 + 11; rnd(); n = split(halted, H, " "); for (i = 1; i <= n; i++) halt[H[i]] = 1
    T[1] = "raises full-year guidance"; T[2] = "misses revenue estimates"; T[3] = "announces share buyback"
    T[4] = "analyst downgrade to underweight"; T[5] = "names new chief financial officer"; T[6] = "faces product recall"
    print "symbol,headline" }
  { if ($1 in halt) print $1 ",trading halted pending news"
    else if (rnd() < 0.5) print $1 "," T[int(rnd() * 6) + 1] }' > "$W/news.csv"
awk -F, 'NR > 1 { h = $2; kind = "other"; sev = "LOW"
    if (h ~ /halt|outage|circuit breaker/) { kind = "halt"; sev = "CRITICAL" }
    else if (h ~ /recall|investigation|misses/) { kind = "adverse"; sev = "HIGH" }
    else if (h ~ /guidance|buyback|downgrade|upgrade/) { kind = "corporate"; sev = "MEDIUM" }
    printf "%s,%s,%s,%s\n", $1, kind, sev, ($1 == "MARKET" && sev == "CRITICAL") ? "true" : "false" }' \
  "$W/news.csv" > "$W/catalysts.body"
{ echo "symbol,kind,severity,blocker"; cat "$W/catalysts.body"; } > "$W/news_catalysts.csv"
log "$(($(wc -l < "$W/news.csv") - 1)) headlines, $(grep -c CRITICAL "$W/catalysts.body" || true) critical, $(grep -c ',true$' "$W/catalysts.body" || true) blocker(s)"
printf '{"headlines":%s,"catalysts":%s,"news_checked_at":"%s"}\n' \
  "$(csv_json "$W/news.csv" "symbol:s headline:s")" \
  "$(csv_json "$W/news_catalysts.csv" "symbol:s kind:s severity:s blocker:b")" "$(now)"
