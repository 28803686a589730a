#!/bin/sh
# agent_risk_budget [--event NAME]: the portfolio manager's risk budget for the day:
# gross limit 1.5x and a 1-day 99% VaR limit of 2% of equity, scaled down when the
# basket's realised volatility runs hot. With --event (e.g. fomc) the limits are
# halved ahead of the event.
set -eu
. "$(dirname "$0")/lib.sh"
event=""
[ "${1:-}" = --event ] && event=${2:-}
ensure_prices
vol=$(awk -F, 'NR > 1 { if (($2 in l) && $1 > -20) { d[$1] += $3 / l[$2] - 1; c[$1]++ } l[$2] = $3 }
  END { for (k in d) { r = d[k] / c[k]; s += r; q += r * r; n++ } printf "%.4f", sqrt(q / n - (s / n) ^ 2) * sqrt(252) }' "$W/prices.csv")
set -- $(awk -v v="$vol" -v e="$event" 'BEGIN { k = v > 0.25 ? 0.25 / v : 1; if (e != "") k = k / 2; printf "%.2f %.4f", 1.5 * k, 0.02 * k }')
s="gross limit $1x, VaR limit $2 (basket vol $vol${event:+, $event day: halved})"
log "$s"
printf '{"risk_budget":{"gross_limit":%s,"var_limit":%s,"event":"%s"},"memos":[{"agent":"portfolio_manager","task":"%s","summary":"%s","at":"%s"}]}\n' \
  "$1" "$2" "${event:-none}" "$TASK" "$s" "$(now)"
