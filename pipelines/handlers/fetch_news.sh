#!/bin/sh
# fetch_news: today's headlines for the tradable universe from the (synthetic) news
# wire. A symbol missing its bar today shows up as a trading halt.
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
log "$(($(wc -l < "$W/news.csv") - 1)) headlines"
printf '{"headlines":%s,"news_fetched_at":"%s"}\n' "$(csv_json "$W/news.csv" "symbol:s headline:s")" "$(now)"
