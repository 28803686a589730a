#!/bin/sh
# backtests: walk-forward test of the 5-session momentum rule over the price
# history: each day, trade each symbol in the direction of its 5-session move and
# hold one day. Reports trades, hit rate and average return per trade.
set -eu
. "$(dirname "$0")/lib.sh"
ensure_prices
awk -F, 'NR > 1 { k = ++n[$2]; px[$2, k] = $3 }
  END { for (s in n) for (i = 6; i < n[s]; i++) {
      m = px[s, i] / px[s, i - 5] - 1; r = px[s, i + 1] / px[s, i] - 1; pl = (m > 0 ? r : -r)
      t++; tot += pl; if (pl > 0) win++ }
    printf "{\"backtest\":{\"trades\":%d,\"hit_rate\":%.4f,\"avg_return\":%.6f}}\n", t, win / t, tot / t }' \
  "$W/prices.csv" | tee "$W/backtest.json"
