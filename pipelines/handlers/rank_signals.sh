#!/bin/sh
# rank_signals: turn candidates into signals. Side follows 20-session momentum;
# conf_score is a logistic of the momentum's t-statistic, nudged by the regime
# (with the trend: +0.05, against it: -0.05). Sorted best first into signals.csv.
set -eu
. "$(dirname "$0")/lib.sh"
need candidates.csv scan_universe
regime=$(ctx_str regime); regime=${regime:-neutral}
awk -F, -v regime="$regime" 'NR > 1 {
    t = ($3 / 20) / ($4 / sqrt(20)); side = t > 0 ? "buy" : "sell"; a = t < 0 ? -t : t
    c = 1 / (1 + exp(-a))
    if ((regime == "bull" && side == "buy") || (regime == "bear" && side == "sell")) c += 0.05
    if ((regime == "bull" && side == "sell") || (regime == "bear" && side == "buy")) c -= 0.05
    if (c > 0.99) c = 0.99
    printf "%s,%s,%.4f\n", $1, side, c }' "$W/candidates.csv" | sort -t, -k3,3nr > "$W/signals.body"
{ echo "symbol,side,conf_score"; cat "$W/signals.body"; } > "$W/signals.csv"
log "regime $regime: $(wc -l < "$W/signals.body") signals"
printf '{"signals":%s}\n' "$(csv_json "$W/signals.csv" "symbol:s side:s conf_score:n")"
