#!/bin/sh
# experiments: tonight's experiment, the information coefficient of the momentum
# signal: the correlation between each day's 5-session momentum and the next day's
# return, pooled over symbols and days.
set -eu
. "$(dirname "$0")/lib.sh"
ensure_prices
awk -F, 'NR > 1 { k = ++n[$2]; px[$2, k] = $3 }
  END { for (s in n) for (i = 6; i < n[s]; i++) {
      x = px[s, i] / px[s, i - 5] - 1; y = px[s, i + 1] / px[s, i] - 1
      o++; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y }
    cov = sxy / o - sx / o * sy / o; vx = sxx / o - (sx / o) ^ 2; vy = syy / o - (sy / o) ^ 2
    printf "{\"experiment\":{\"name\":\"momentum_ic\",\"ic\":%.4f,\"obs\":%d}}\n", cov / sqrt(vx * vy), o }' "$W/prices.csv"
