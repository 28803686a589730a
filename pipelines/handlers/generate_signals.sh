#!/bin/sh
# generate_signals: a linear model over the feature rows: z-scored momentum and
# revenue growth, cheapness (1/PE) and sentiment, weighted 0.4/0.2/0.2/0.2. The
# score's sign is the side; |score| above 0.5 is a signal.
set -eu
. "$(dirname "$0")/lib.sh"
need features.csv ml_features
awk -F, 'NR > 1 { n++; S[n] = $1; m[n] = $2; y[n] = 1 / $3; g[n] = $4; se[n] = $6 }
  function z(a, i,   k, mu, sd) { mu = 0; sd = 0; for (k = 1; k <= n; k++) mu += a[k] / n
    for (k = 1; k <= n; k++) sd += (a[k] - mu) ^ 2 / n; return sd > 0 ? (a[i] - mu) / sqrt(sd) : 0 }
  END { for (i = 1; i <= n; i++) { sc = 0.4 * z(m, i) + 0.2 * z(g, i) + 0.2 * z(y, i) + 0.2 * se[i]
      if (sc > 0.5 || sc < -0.5) printf "%s,%s,%.4f\n", S[i], (sc > 0 ? "buy" : "sell"), sc } }' \
  "$W/features.csv" | sort -t, -k3,3nr > "$W/ml_signals.body"
{ echo "symbol,side,score"; cat "$W/ml_signals.body"; } > "$W/ml_signals.csv"
printf '{"ml_signals":%s}\n' "$(csv_json "$W/ml_signals.csv" "symbol:s side:s score:n")"
