#!/bin/sh
# update_profiles: each symbol's risk profile after the close: beta to the market
# factor's day (equal-weight basket return, a stand-in for the published factor,
# plus the factor file's shock) and its 20-session volatility.
set -eu
. "$(dirname "$0")/lib.sh"
need returns.csv mkt_compute_returns
need vol.csv mkt_compute_volatility
need factors.csv mkt_ingest_factors
awk -F, 'FILENAME ~ /factors/ { if (FNR > 1) f[$1] = $2; next }
  FILENAME ~ /vol/ { if (FNR > 1) vol[$1] = $2; next }
  FNR > 1 { R[$1, $2] = $3; day[$1] += $3; cnt[$1]++; sym[$2] = 1 }
  END { for (d in day) mk[d] = day[d] / cnt[d] + f[d] * 0.1
    for (s in sym) { sx = sy = sxx = sxy = n = 0
      for (d in mk) if ((d, s) in R) { x = mk[d]; y = R[d, s]; sx += x; sy += y; sxx += x * x; sxy += x * y; n++ }
      printf "%s,%.3f,%.4f\n", s, (n * sxy - sx * sy) / (n * sxx - sx * sx), vol[s] } }' \
  "$W/factors.csv" "$W/vol.csv" "$W/returns.csv" | sort > "$W/profiles.body"
{ echo "symbol,beta,vol20"; cat "$W/profiles.body"; } > "$W/profiles.csv"
printf '{"profiles":%s}\n' "$(csv_json "$W/profiles.csv" "symbol:s beta:n vol20:n")"
