#!/bin/sh
# policy: the allocation policy, cluster-neutral: each name's alpha minus the mean
# alpha of its cluster, so the book bets on names, not on sectors (policy.csv).
set -eu
. "$(dirname "$0")/lib.sh"
need clusters.csv alpha_clustering
need alpha.csv alpha_ensemble
awk -F, 'FNR == NR { if (FNR > 1) c[$1] = $2; next }
  FNR > 1 { s[$1] = $2; sum[c[$1]] += $2; n[c[$1]]++ }
  END { for (k in s) printf "%s,%.4f\n", k, s[k] - sum[c[k]] / n[c[k]] }' "$W/clusters.csv" "$W/alpha.csv" | sort > "$W/policy.body"
{ echo "symbol,score"; cat "$W/policy.body"; } > "$W/policy.csv"
printf '{"policy":{"rule":"cluster_neutral","names":%d},"audit":%s}\n' "$(wc -l < "$W/policy.body")" "$(audit)"
