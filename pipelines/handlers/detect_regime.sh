#!/bin/sh
# detect_regime: bull / bear / neutral from today's average return across the
# benchmark basket (above +0.25%: bull, below -0.25%: bear), a VIX above 30 forcing
# bear. The model needs a full basket (--min-breadth N symbols with today's bar);
# with fewer it declines to call the regime and fails, so the pipeline's
# `on_failure default { regime: "neutral" }` takes over. The synthetic vendor always
# misses one bar, so in the example run the default fires.
set -eu
. "$(dirname "$0")/lib.sh"
min=1
while [ $# -gt 0 ]; do case $1 in --min-breadth) min=$2; shift 2 ;; *) shift ;; esac; done
ensure_prices
vix=$(ctx_num vix); vix=${vix:-0}
set -- $(awk -F, 'NR > 1 { if ($1 == -1) prev[$2] = $3; else if ($1 == 0 && ($2 in prev)) { sum += $3 / prev[$2] - 1; n++ } }
  END { printf "%d %.6f\n", n, (n ? sum / n : 0) }' "$W/prices.csv")
breadth=$1; avg=$2
if [ "$breadth" -lt "$min" ]; then
  log "only $breadth symbols with today's bar (need $min): declining to call the regime"
  exit 1
fi
regime=$(awk -v a="$avg" -v v="$vix" 'BEGIN { print (v > 30 ? "bear" : a > 0.0025 ? "bull" : a < -0.0025 ? "bear" : "neutral") }')
log "breadth $breadth, average return $avg, VIX $vix: $regime"
printf '{"regime":"%s","avg_return":%s}\n' "$regime" "$avg"
