#!/bin/sh
# score_sentiment: a lexicon score per symbol from today's headlines (news.csv):
# +1 per positive word, -1 per negative word, averaged over the symbol's headlines.
set -eu
. "$(dirname "$0")/lib.sh"
need news.csv datafeed news
awk -F, 'NR > 1 { n[$1]++; if ($2 ~ /beats|strong|record|upgrade|wins/) sc[$1]++; if ($2 ~ /misses|weak|probe|downgrade|loses/) sc[$1]-- }
  END { for (s in n) printf "%s,%.3f\n", s, sc[s] / n[s] }' "$W/news.csv" | sort > "$W/sentiment.body"
{ echo "symbol,sentiment"; cat "$W/sentiment.body"; } > "$W/sentiment.csv"
mean=$(awk -F, '{ t += $2; n++ } END { printf "%.4f", n ? t / n : 0 }' "$W/sentiment.body")
printf '{"sentiment":{"rows":%d,"mean":%s,"as_of":"%s"}}\n' "$(wc -l < "$W/sentiment.body")" "$mean" "$(now)"
