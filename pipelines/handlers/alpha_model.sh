#!/bin/sh
# alpha_model.sh a|b: one inference branch. Model a is trend-following
# (0.8 * mom + 0.2 * lowvol); model b is mean-reverting (0.7 * rev + 0.3 * lowvol).
# Writes scores_<m>.csv and answers {"scores_<m>": [...], "audit": [this step]}.
set -eu
. "$(dirname "$0")/lib.sh"
m=${1:?usage: alpha_model.sh a|b}
need features.csv alpha_rank_features
awk -F, -v m="$m" '{ printf "%s,%.4f\n", $1, (m == "a" ? 0.8 * $2 + 0.2 * $4 : 0.7 * $3 + 0.3 * $4) }' \
  "$W/features.csv" > "$W/scores_$m.csv"
{ echo "symbol,score"; cat "$W/scores_$m.csv"; } > "$W/scores_$m.hdr.csv"
log "model $m scored $(wc -l < "$W/scores_$m.csv") symbols"
printf '{"scores_%s":%s,"audit":%s}\n' "$m" "$(csv_json "$W/scores_$m.hdr.csv" "symbol:s score:n")" "$(audit)"
