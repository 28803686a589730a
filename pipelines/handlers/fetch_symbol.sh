#!/bin/sh
# fetch_symbol: one fan-out instance. The 30-day bar history of one symbol
# ($PIPEC_ITEM) from the synthetic vendor, written to bars/SYMBOL.csv in the work
# dir. The vendor misses one symbol's as-of bar (see gen_prices): that instance
# fails, and the pipeline's `max_failures` decides whether that is tolerable.
set -eu
. "$(dirname "$0")/lib.sh"
sym=${PIPEC_ITEM:?fetch_symbol runs as a fan-out instance}
mkdir -p "$W/bars"
# Every instance generates the same deterministic history and keeps its rows,
# so concurrent instances never write one shared file.
all="$W/bars/.all.$sym.$$"
gen_prices "$all" US
awk -F, -v s="$sym" 'NR == 1 || $2 == s' "$all" > "$W/bars/$sym.csv"
rm -f "$all"
if ! awk -F, -v s="$sym" '$1 == 0 && $2 == s { found = 1 } END { exit !found }' "$W/bars/$sym.csv"; then
  log "the vendor has no $ASOF bar for $sym"
  exit 1
fi
awk -F, -v s="$sym" 'NR > 1 { n++; last = $3 } END { printf "{\"symbol\":\"%s\",\"bars\":%d,\"close\":%s}\n", s, n, last }' "$W/bars/$sym.csv"
