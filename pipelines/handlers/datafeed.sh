#!/bin/sh
# datafeed.sh KIND: one vendor feed of the master orchestrator, written to KIND.csv
# in the work dir (synthetic, seeded by the as-of date and the feed's name). Prints
# {"KIND": {"rows": N, "as_of": "<time of the pull>"}}.
set -eu
. "$(dirname "$0")/lib.sh"
KIND=${1:?usage: datafeed.sh KIND}
salt=$(printf '%s' "$KIND" | cksum | cut -d' ' -f1)
case $KIND in
  prices)       gen_prices "$W/prices.csv" US 30 ;;
  assets)       cols="adv_musd:50:9000 free_float:0.5:1 borrow_bps:25:400" ;;
  fundamentals) cols="pe:8:45 rev_growth:-0.1:0.35 debt_to_equity:0:2.5" ;;
  insider)      cols="net_shares:-50000:50000 filings:0:6" ;;
  analyst)      cols="rating:1:5 target_upside:-0.2:0.4" ;;
  options)      cols="put_call:0.4:1.6 iv:0.15:0.8" ;;
  earnings)     cols="days_to_report:0:90 last_surprise:-0.1:0.1" ;;
  extended)     cols="ext_move:-0.05:0.05 ext_volume:0:200000" ;;
  economic)     printf 'series,value\ncpi_yoy,%s\nunemployment,%s\ngdp_growth,%s\nfed_funds,%s\n' \
                  2.9 4.2 1.8 3.75 > "$W/economic.csv" ;;
  news)         universe US | tr ' ' '\n' | cut -d: -f1 | awk -v seed="$SEED" -v salt="$salt" "$AWK_RNG"'
                  BEGIN { s = (seed + salt) % 2147483646 + 1; rnd(); print "symbol,headline"
                    split("beats strong record upgrade wins", P, " "); split("misses weak probe downgrade loses", N, " ") }
                  { for (k = int(rnd() * 3); k > 0; k--) print $1 ",company " (rnd() < 0.55 ? P[int(rnd() * 5) + 1] : N[int(rnd() * 5) + 1]) " on quarter" }' \
                  > "$W/news.csv" ;;
  *) log "unknown feed $KIND"; exit 2 ;;
esac
if [ -n "${cols:-}" ]; then
  universe US | tr ' ' '\n' | cut -d: -f1 | awk -v seed="$SEED" -v salt="$salt" -v cols="$cols" "$AWK_RNG"'
    BEGIN { s = (seed + salt) % 2147483646 + 1; rnd(); n = split(cols, C, " "); printf "symbol"
      for (i = 1; i <= n; i++) { split(C[i], p, ":"); name[i] = p[1]; lo[i] = p[2]; hi[i] = p[3]; printf ",%s", name[i] } print "" }
    { printf "%s", $1; for (i = 1; i <= n; i++) printf ",%.6g", lo[i] + rnd() * (hi[i] - lo[i]); print "" }' > "$W/$KIND.csv"
fi
rows=$(($(wc -l < "$W/$KIND.csv") - 1))
log "$KIND: $rows rows"
printf '{"%s":{"rows":%d,"as_of":"%s"}}\n' "$KIND" "$rows" "$(now)"
