#!/bin/sh
# ingest_prices: 60 sessions of daily closes for this run's market (the market comes
# from the pipeline name: market_us, market_eu, market_asia) into prices.csv.
set -eu
. "$(dirname "$0")/lib.sh"
m=$(market)
gen_prices "$W/prices.csv" "$m" 60
rows=$(($(wc -l < "$W/prices.csv") - 1))
log "$m: $rows bars"
printf '{"prices_ingested":{"market":"%s","rows":%d,"as_of":"%s"}}\n' "$m" "$rows" "$(now)"
