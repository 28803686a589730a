#!/bin/sh
# rank_features (sub-pipeline feature_build): cross-sectional ranks of each
# technical feature, scaled to -1..1 (features.csv: symbol,mom,rev,lowvol).
set -eu
. "$(dirname "$0")/lib.sh"
need tech.csv alpha_technical_features
for col in 2 3 4; do
  sort -t, -k"$col","$col"n "$W/tech.csv" | awk -F, -v c="$col" '{ S[NR] = $1 } END { for (i = 1; i <= NR; i++) printf "%s,%.4f\n", S[i], (NR > 1 ? 2 * (i - 1) / (NR - 1) - 1 : 0) }' \
    | sort > "$W/rank$col.csv"
done
join -t, "$W/rank2.csv" "$W/rank3.csv" | join -t, - "$W/rank4.csv" \
  | awk -F, '{ printf "%s,%s,%s,%.4f\n", $1, $2, $3, -$4 }' > "$W/features.csv"
printf '{"feature_names":["mom","rev","lowvol"],"audit":%s}\n' "$(audit)"
