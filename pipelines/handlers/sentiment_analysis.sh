#!/bin/sh
# sentiment_analysis: social-media sentiment per symbol from a paid vendor. Optional:
# without SOCIAL_SENTIMENT_API_KEY configured it fails, and its `on_failure skip`
# records it as skipped (this is the example's skipped task).
set -eu
. "$(dirname "$0")/lib.sh"
if [ -z "${SOCIAL_SENTIMENT_API_KEY:-}" ]; then
  log "SOCIAL_SENTIMENT_API_KEY is not configured: no social sentiment today"
  exit 1
fi
need universe.csv universe_validation
tail -n +2 "$W/universe.csv" | cut -d, -f1 | sort | awk -v seed="$SEED" "$AWK_RNG"'
  BEGIN { s = seed % 2147483646 + 13; print "symbol,score" } { printf "%s,%.3f\n", $1, rnd() * 2 - 1 }' > "$W/sentiment.csv"
printf '{"sentiment":%s}\n' "$(csv_json "$W/sentiment.csv" "symbol:s score:n")"
