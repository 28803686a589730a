# lib.sh: helpers sourced by every handler script (`. "$(dirname "$0")/lib.sh"`).
# POSIX sh + awk only. It drains the run context from stdin into $CTX, so run a
# handler by hand as:  echo '{}' | PIPEC_WORK_DIR=$(mktemp -d) PIPEC_AS_OF=2026-11-20 sh x.sh
W=${PIPEC_WORK_DIR:?PIPEC_WORK_DIR is not set}
ASOF=${PIPEC_AS_OF:-$(date -u +%Y-%m-%d)}
SEED=$(printf '%s' "$ASOF" | tr -d '-')          # 2026-11-20 -> 20261120
TASK=${PIPEC_TASK:-$(basename "$0" .sh)}
ATTEMPT=${PIPEC_ATTEMPT:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
DATA="$HERE/../data"
CTX=$(cat)

log() { printf '[%s #%s] %s\n' "$TASK" "$ATTEMPT" "$*" >&2; }
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# ctx_str KEY / ctx_num KEY: a flat value from the context JSON (last match wins).
ctx_str() { printf '%s\n' "$CTX" | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" | tail -n 1; }
ctx_num() { printf '%s\n' "$CTX" | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\(-\{0,1\}[0-9.eE+-]*\).*/\1/p" | tail -n 1; }

# The awk pseudo-random source: Park-Miller LCG, seeded by the as-of date and a salt.
AWK_RNG='function rnd() { s = (s * 16807) % 2147483647; return s / 2147483647 }
function gauss() { return (rnd() + rnd() + rnd() + rnd() - 2) * 1.7320508 }'

# Universe of a market: "SYMBOL:base_price ..." (US by default; EU is Xetra, ASIA is Tokyo).
universe() {
  case ${1:-US} in
    EU)   echo "SAP:215 SIE:190 ALV:270 DTE:28 BAS:46 MBG:56 BMW:74 IFX:33 MUV2:470 ADS:215" ;;
    ASIA) echo "7203:2900 6758:3400 9984:8800 8306:1800 6861:62000 9432:155 8035:24000 4063:5200 6501:3800 7974:8600" ;;
    *)    echo "AAPL:228 MSFT:415 NVDA:140 AMZN:205 GOOGL:172 META:560 JPM:238 XOM:118 UNH:560 LLY:770" ;;
  esac
}

# gen_prices FILE [MARKET] [DAYS]: a synthetic daily close history, day -DAYS..0
# (0 = as-of). One symbol, chosen by the seed, misses its day-0 bar: a vendor gap.
gen_prices() {
  salt=0; [ "${2:-US}" = US ] || salt=$(printf '%s' "$2" | cksum | cut -d' ' -f1)
  universe "${2:-US}" | awk -v seed="$SEED" -v salt="$salt" -v days="${3:-30}" "$AWK_RNG"'
  { n = split($0, U, " "); for (i = 1; i <= n; i++) { split(U[i], p, ":"); S[i] = p[1]; px[i] = p[2] } }
  END {
    s = (seed + salt) % 2147483646 + 1; for (k = 0; k < 5; k++) rnd()
    gap = int(rnd() * n) + 1
    print "day,symbol,close,volume"
    for (d = -days; d <= 0; d++) {
      m = gauss() * 0.009 + 0.0004
      for (i = 1; i <= n; i++) {
        px[i] = px[i] * (1 + m + gauss() * 0.013)
        if (d == 0 && i == gap) continue
        printf "%d,%s,%.2f,%d\n", d, S[i], px[i], 800000 + int(rnd() * 4000000)
      }
    }
  }' > "$1"
}
# The market a market-DAG run is for, from its pipeline name (market_us, market_eu, ...).
market() { case ${PIPEC_PIPELINE:-} in *_eu) echo EU ;; *_asia) echo ASIA ;; *) echo US ;; esac; }
ensure_prices() { [ -s "$W/prices.csv" ] || gen_prices "$W/prices.csv" "${1:-US}"; }

# csv_json FILE "name:t ...": a CSV (header skipped) as a JSON list of objects;
# t is s (string), n (number) or b (bool).
csv_json() {
  awk -F, -v spec="$2" 'BEGIN { n = split(spec, F, " "); for (i = 1; i <= n; i++) { split(F[i], p, ":"); K[i] = p[1]; T[i] = p[2] }; printf "[" }
  NR > 1 { printf "%s{", (c++ ? "," : "")
    for (i = 1; i <= n; i++) printf "%s\"%s\":%s", (i > 1 ? "," : ""), K[i], (T[i] == "s" ? "\"" $i "\"" : $i)
    printf "}" }
  END { printf "]" }' "$1"
}

# need FILE HANDLER [ARG...]: when an earlier stage's file is missing from the work
# dir (a trigger ran only later stages), rebuild it by running that handler here.
need() {
  f=$1; h=$2; shift 2
  [ -s "$W/$f" ] && return 0
  log "no $f in the work dir: rebuilding it with $h $*"
  echo '{}' | PIPEC_TASK=$h sh "$HERE/$h.sh" "$@" > /dev/null
}

# audit: this step's entry for the shared audit trail, as a one-item JSON list.
audit() { printf '[{"step":"%s","at":"%s"}]' "$TASK" "$(now)"; }
