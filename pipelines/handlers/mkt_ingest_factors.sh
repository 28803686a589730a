#!/bin/sh
# ingest_factors: the day's factor returns (market, size, value, momentum) for this
# market, 60 sessions, into factors.csv. Published after the close.
set -eu
. "$(dirname "$0")/lib.sh"
m=$(market)
salt=$(printf '%s' "$m" | cksum | cut -d' ' -f1)
awk -v seed="$SEED" -v salt="$salt" "$AWK_RNG"'
  BEGIN { s = (seed + salt) % 2147483646 + 1; rnd(); print "day,mkt,smb,hml,mom"
    for (d = -59; d <= 0; d++) printf "%d,%.5f,%.5f,%.5f,%.5f\n", d, gauss() * 0.009, gauss() * 0.004, gauss() * 0.004, gauss() * 0.005 }' \
  > "$W/factors.csv"
printf '{"factors_ingested":{"rows":60,"factors":["mkt","smb","hml","mom"]}}\n'
