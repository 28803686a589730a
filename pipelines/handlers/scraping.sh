#!/bin/sh
# scraping: collect new regulatory filings (8-K, 10-Q, Form 4) for the universe
# into filings.csv. Synthetic, no network: how many of each a symbol filed is drawn
# from the as-of date's seed.
set -eu
. "$(dirname "$0")/lib.sh"
universe US | tr ' ' '\n' | cut -d: -f1 | awk -v seed="$SEED" "$AWK_RNG"'
  BEGIN { s = seed % 2147483646 + 23; rnd(); print "symbol,form"; F[1] = "8-K"; F[2] = "10-Q"; F[3] = "4" }
  { for (f = 1; f <= 3; f++) for (k = int(rnd() * 3); k > 0; k--) print $1 "," F[f] }' > "$W/filings.csv"
docs=$(($(wc -l < "$W/filings.csv") - 1))
log "$docs filing(s)"
printf '{"scraped":{"documents":%d,"sources":["8-K","10-Q","4"]}}\n' "$docs"
