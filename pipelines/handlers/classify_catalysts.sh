#!/bin/sh
# classify_catalysts: keyword rules turn headlines into catalysts with a severity
# (CRITICAL / HIGH / MEDIUM / LOW). A catalyst is a *blocker* when it stops all
# trading for the day (market-wide events, symbol "MARKET"); a CRITICAL event on
# one symbol only removes that symbol from selection.
set -eu
. "$(dirname "$0")/lib.sh"
need news.csv fetch_news
awk -F, 'NR > 1 { h = $2; kind = "other"; sev = "LOW"
    if (h ~ /halt|outage|circuit breaker/) { kind = "halt"; sev = "CRITICAL" }
    else if (h ~ /recall|investigation|misses/) { kind = "adverse"; sev = "HIGH" }
    else if (h ~ /guidance|buyback|downgrade|upgrade/) { kind = "corporate"; sev = "MEDIUM" }
    printf "%s,%s,%s,%s\n", $1, kind, sev, ($1 == "MARKET" && sev == "CRITICAL") ? "true" : "false" }' \
  "$W/news.csv" > "$W/catalysts.body"
{ echo "symbol,kind,severity,blocker"; cat "$W/catalysts.body"; } > "$W/catalysts.csv"
log "$(grep -c CRITICAL "$W/catalysts.body" || true) critical, $(grep -c ',true$' "$W/catalysts.body" || true) blocker(s)"
printf '{"catalysts":%s}\n' "$(csv_json "$W/catalysts.csv" "symbol:s kind:s severity:s blocker:b")"
