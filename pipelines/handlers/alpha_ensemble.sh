#!/bin/sh
# ensemble: the merge step of the two inference branches. pipec hands it the
# branches' outputs apart (branches.inference_model_a / _b); it checks both are
# there and blends the scores 60/40 (alpha.csv). Its audit entry is only its own:
# the branches' entries are already in the trail (a list key appends, merge step or
# not), so carrying them forward would list them twice.
set -eu
. "$(dirname "$0")/lib.sh"
flat=$(printf '%s' "$CTX" | tr -d ' \t\r\n')
for b in inference_model_a inference_model_b; do
  case $flat in *"\"$b\":"*) ;; *) log "branch $b missing from the context"; exit 1 ;; esac
done
need scores_a.csv alpha_model a
need scores_b.csv alpha_model b
join -t, "$W/scores_a.csv" "$W/scores_b.csv" | awk -F, '{ printf "%s,%.4f\n", $1, 0.6 * $2 + 0.4 * $3 }' > "$W/alpha.body"
{ echo "symbol,score"; cat "$W/alpha.body"; } > "$W/alpha.csv"
printf '{"alpha":%s,"audit":%s}\n' "$(csv_json "$W/alpha.csv" "symbol:s score:n")" "$(audit)"
