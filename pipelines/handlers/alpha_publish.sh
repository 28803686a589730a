#!/bin/sh
# publish: write the day's target weights to the outbox (work dir published/) with
# a checksum, for the execution desk to pick up.
set -eu
. "$(dirname "$0")/lib.sh"
need weights.csv alpha_risk_optimize
mkdir -p "$W/published"
out="$W/published/alpha_$ASOF.csv"
cp "$W/weights.csv" "$out"
sum=$(cksum < "$out" | cut -d' ' -f1)
log "published $out (cksum $sum)"
printf '{"published":{"path":"%s","rows":%d,"checksum":"%s"},"audit":%s}\n' "$out" "$(($(wc -l < "$out") - 1))" "$sum" "$(audit)"
