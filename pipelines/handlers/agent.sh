#!/bin/sh
# agent.sh ROLE: one task of one desk agent. The task is $PIPEC_TASK; the agent
# looks at the day's synthetic market (prices.csv) and files a one-line memo:
#   {"memos": [{"agent": ROLE, "task": TASK, "summary": "...", "at": "..."}]}
# Memos are a list, so agents working in parallel all add to the same trail.
set -eu
. "$(dirname "$0")/lib.sh"
role=${1:?usage: agent.sh ROLE}
ensure_prices
# Today's market in one line: average return, breadth, best and worst names.
set -- $(awk -F, 'NR > 1 { if ($1 == -1) p[$2] = $3; else if ($1 == 0 && ($2 in p)) { r = $3 / p[$2] - 1; t += r; n++; if (r > 0) up++
      if (n == 1 || r > br) { br = r; b = $2 } if (n == 1 || r < wr) { wr = r; w = $2 } } }
  END { printf "%.2f %d %d %s %.2f %s %.2f\n", 100 * t / n, up, n, b, 100 * br, w, 100 * wr }' "$W/prices.csv")
avg=$1 up=$2 n=$3 best=$4 bestr=$5 worst=$6 worstr=$7
case $TASK in
  overnight_news_digest) s="overnight: basket futures imply ${avg}%, watch $best and $worst" ;;
  screen_watchlist)      s="watchlist: $best (${bestr}%) leads, $worst (${worstr}%) lags" ;;
  earnings_preview)      s="earnings day: preview notes for reporters in the basket; implied moves checked" ;;
  review_research_notes) s="reviewed junior notes; conviction on $best, caution on $worst" ;;
  macro_calendar_review) s="calendar reviewed for $ASOF; rates and data releases logged" ;;
  rates_outlook)         s="no scheduled Fed decision today; curve outlook unchanged" ;;
  fomc_watch)            s="FOMC decision day: statement 14:00 ET, press conference 14:30 ET" ;;
  open_auction_orders)   s="opening auction: orders staged for $up of $n names up" ;;
  opening_risk_snapshot) s="opening snapshot: basket ${avg}%, breadth $up/$n" ;;
  work_orders)           s="working orders in the book; participation capped at 10% of volume" ;;
  opex_roll_check)       s="monthly expiration: rolled expiring options, pin risk checked" ;;
  intraday_pnl_monitor)  s="intraday: basket ${avg}%, worst $worst ${worstr}%" ;;
  risk_limit_alert)      s=$(awk -v a="$avg" 'BEGIN { print (a < -2 ? "RISK ALERT: basket " a "% breaches the 2% daily loss limit" : "risk: basket " a "%, inside the 2% daily loss limit") }') ;;
  monitor_news_flow)     s="news flow quiet outside $best and $worst" ;;
  rebalance_decision)    s=$(awk -v a="$avg" 'BEGIN { print (a < -1 ? "de-risk: trim gross by 20%" : "hold: no rebalance needed") }') ;;
  eod_performance_report) s="close: basket ${avg}%, breadth $up/$n, best $best, worst $worst" ;;
  write_daily_note)      s="daily note filed: $best and $worst drove the day" ;;
  earnings_call_notes)   s="earnings calls summarised for reporters in the basket" ;;
  macro_wrap)            s="macro wrap: no change to the regime view" ;;
  review_and_signoff)    s="day reviewed and signed off" ;;
  weekend_reading)       s="market closed: reading list and thesis review" ;;
  global_macro_scan)     s="market closed: scanned open venues and weekend macro news" ;;
  system_maintenance_report) s="market closed: backups verified, maintenance window used" ;;
  *)                     s="$TASK done" ;;
esac
log "$role: $s"
printf '{"memos":[{"agent":"%s","task":"%s","summary":"%s","at":"%s"}]}\n' "$role" "$TASK" "$s" "$(now)"
