#!/bin/sh
# generate_reports: the end-of-day report (report.md in the run's work dir): the
# P&L, the positions, the exits decided and the reconciliation breaks.
set -eu
. "$(dirname "$0")/lib.sh"
need positions.csv monitor_positions
need pnl.json calc_pnl
touch "$W/breaks.csv" "$W/exits.csv"
{
  echo "# Trading day $ASOF"
  echo
  echo "P&L: $(cat "$W/pnl.json")"
  echo
  echo "## Positions"
  tail -n +2 "$W/positions.csv" | awk -F, '{ printf "- %s: %d @ %.2f\n", $1, $2, $3 }'
  echo
  echo "## Exits decided"
  tail -n +2 "$W/exits.csv" | awk -F, '{ printf "- %s: %s\n", $1, $3 }'
  echo
  echo "## Reconciliation breaks"
  tail -n +2 "$W/breaks.csv" | awk -F, '{ printf "- %s: ours %d, broker %d\n", $1, $2, $3 }'
} > "$W/report.md"
log "report: $W/report.md"
printf '{"report":{"path":"%s","lines":%d}}\n' "$W/report.md" "$(wc -l < "$W/report.md")"
