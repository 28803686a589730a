#!/bin/sh
# score_symbol: one fan-out instance. Twenty-day momentum of one symbol's bars and
# a score from 0 to 1 (0.5 is flat; +10% momentum scores about 0.73).
set -eu
. "$(dirname "$0")/lib.sh"
sym=${PIPEC_ITEM:?score_symbol runs as a fan-out instance}
bars="$W/bars/$sym.csv"
if [ ! -s "$bars" ] || ! awk -F, '$1 == 0 { found = 1 } END { exit !found }' "$bars"; then
  log "no as-of bar for $sym: nothing to score"
  exit 1
fi
awk -F, -v s="$sym" 'NR > 1 && $1 == -20 { old = $3 } NR > 1 && $1 == 0 { last = $3 }
  END { m = last / old - 1; printf "{\"symbol\":\"%s\",\"momentum\":%.4f,\"score\":%.4f}\n", s, m, 1 / (1 + exp(-10 * m)) }' "$bars"
