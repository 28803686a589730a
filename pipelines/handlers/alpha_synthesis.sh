#!/bin/sh
# synthesis: the final score of each name, half its raw alpha and half its
# cluster-neutral score (synthesis.csv).
set -eu
. "$(dirname "$0")/lib.sh"
need policy.csv alpha_policy
need alpha.csv alpha_ensemble
awk -F, 'FNR == NR { if (FNR > 1) p[$1] = $2; next }
  FNR > 1 && ($1 in p) { printf "%s,%.4f\n", $1, 0.5 * $2 + 0.5 * p[$1] }' "$W/policy.csv" "$W/alpha.csv" | sort > "$W/synthesis.body"
{ echo "symbol,score"; cat "$W/synthesis.body"; } > "$W/synthesis.csv"
printf '{"synthesis":%s,"audit":%s}\n' "$(csv_json "$W/synthesis.csv" "symbol:s score:n")" "$(audit)"
