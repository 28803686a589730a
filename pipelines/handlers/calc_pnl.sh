#!/bin/sh
# calc_pnl: mark today's positions to the closing print (synthetic: the reference
# price plus a small seeded move) and report gross exposure and unrealised P&L.
set -eu
. "$(dirname "$0")/lib.sh"
need positions.csv monitor_positions
awk -F, -v seed="$SEED" "$AWK_RNG"'
  BEGIN { s = seed % 2147483646 + 17; rnd() }
  NR > 1 { mark = $3 * (1 + gauss() * 0.006); n++; gross += ($2 < 0 ? -$2 : $2) * mark; pnl += $2 * (mark - $3) }
  END { printf "{\"pnl\":{\"positions\":%d,\"gross_exposure\":%.2f,\"unrealized\":%.2f}}\n", n, gross, pnl }' \
  "$W/positions.csv" | tee "$W/pnl.json"
