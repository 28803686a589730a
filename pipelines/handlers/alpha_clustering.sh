#!/bin/sh
# clustering: group the scored names into clusters of names that move together.
# Here a fixed sector map of the synthetic universe (clusters.csv).
set -eu
. "$(dirname "$0")/lib.sh"
need alpha.csv alpha_ensemble
tail -n +2 "$W/alpha.csv" | awk -F, 'BEGIN {
    split("AAPL MSFT NVDA GOOGL META AMZN", t, " "); for (i in t) c[t[i]] = "technology"
    c["JPM"] = "financials"; c["XOM"] = "energy"; c["UNH"] = "health"; c["LLY"] = "health" }
  { printf "%s,%s\n", $1, ($1 in c) ? c[$1] : "other" }' | sort > "$W/clusters.body"
{ echo "symbol,cluster"; cat "$W/clusters.body"; } > "$W/clusters.csv"
log "$(cut -d, -f2 "$W/clusters.body" | sort -u | wc -l | tr -d ' ') clusters"
printf '{"clusters":%s,"audit":%s}\n' "$(csv_json "$W/clusters.csv" "symbol:s cluster:s")" "$(audit)"
