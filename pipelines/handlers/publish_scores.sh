#!/bin/sh
# publish_scores: the gathered scores, in universe order, to scores.json in the
# work dir for the desk's tools.
set -eu
. "$(dirname "$0")/lib.sh"
printf '%s\n' "$CTX" > "$W/scores.json"
n=$(printf '%s\n' "$CTX" | grep -o '"score":' | wc -l | tr -d ' ')
log "published $n scores"
printf '{"published":%s}\n' "$n"
