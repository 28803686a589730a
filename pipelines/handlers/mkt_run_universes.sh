#!/bin/sh
# run_universes: the tradable universe for the books: symbols with a signal whose
# profile shows a beta within 0.3..2.0 and a 20-session volatility under 60%. If
# the optional profiles are missing, every symbol with a signal is eligible.
set -eu
. "$(dirname "$0")/lib.sh"
need msignals.csv mkt_run_signals
[ -s "$W/profiles.csv" ] || { log "no profiles today: universe = every signalled symbol"; echo "symbol,beta,vol20" > "$W/profiles.csv"; }
awk -F, 'FNR == NR { if (FNR > 1) { beta[$1] = $2; vol[$1] = $3 } next }
  FNR > 1 && (!(($1) in beta) || (beta[$1] >= 0.3 && beta[$1] <= 2 && vol[$1] < 0.6)) { print $1 }' \
  "$W/profiles.csv" "$W/msignals.csv" > "$W/universe.txt"
log "$(wc -l < "$W/universe.txt") symbols eligible"
printf '{"universe":%s}\n' "$(awk 'BEGIN { printf "[" } { printf "%s\"%s\"", (NR > 1 ? "," : ""), $1 } END { printf "]" }' "$W/universe.txt")"
