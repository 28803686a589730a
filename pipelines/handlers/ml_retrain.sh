#!/bin/sh
# ml_retrain: refit the next-day return model on the price history: an ordinary
# least-squares line of the next day's return on the 5-session momentum, pooled
# over symbols and days. Writes model.json; reports its coefficients.
set -eu
. "$(dirname "$0")/lib.sh"
ensure_prices
awk -F, 'NR > 1 { k = ++n[$2]; px[$2, k] = $3 }
  END { for (s in n) for (i = 6; i < n[s]; i++) {
      x = px[s, i] / px[s, i - 5] - 1; y = px[s, i + 1] / px[s, i] - 1
      o++; sx += x; sy += y; sxx += x * x; sxy += x * y }
    b = (sxy / o - sx / o * sy / o) / (sxx / o - (sx / o) ^ 2); a = sy / o - b * sx / o
    printf "{\"model\":{\"beta\":%.6f,\"alpha\":%.6f,\"obs\":%d}}\n", b, a, o }' "$W/prices.csv" \
  | tee "$W/model.json"
