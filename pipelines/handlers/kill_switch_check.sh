#!/bin/sh
# kill_switch_check: refuse to trade while the desk's kill switch is engaged: the
# file state/KILL_SWITCH next to the pipeline (or $KILL_SWITCH_FILE) exists.
set -eu
. "$(dirname "$0")/lib.sh"
switch=${KILL_SWITCH_FILE:-$HERE/../state/KILL_SWITCH}
if [ -e "$switch" ]; then
  log "KILL SWITCH ENGAGED ($switch): $(head -n 1 "$switch" 2>/dev/null || true)"
  exit 1
fi
log "kill switch clear"
printf '{"kill_switch":false}\n'
