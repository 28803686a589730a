#!/bin/sh
# select_universe: the day's tradable universe, as a list of symbols.
set -eu
. "$(dirname "$0")/lib.sh"
symbols=$(universe US | tr ' ' '\n' | cut -d: -f1 | awk '{ printf "%s\"%s\"", (n++ ? "," : ""), $0 }')
log "universe of $(universe US | wc -w | tr -d ' ') symbols"
printf '{"universe":[%s],"as_of":"%s"}\n' "$symbols" "$(now)"
