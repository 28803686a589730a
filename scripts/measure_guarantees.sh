#!/usr/bin/env bash
# Re-measures, the way issue 9 measured them, the guarantees a trading desk
# relies on: market states at run time, one run per key, nothing outliving
# its task, no panic on long lines, no file read outside the project, secrets
# never recorded, an empty store refused. Prints one line per figure.
#
# Usage: scripts/measure_guarantees.sh   (PIPEC=path/to/pipec to skip the build)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ -z "${PIPEC:-}" ]]; then
  cargo build -q --manifest-path "$root/Cargo.toml" || exit 2
  PIPEC="$root/target/debug/pipec"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
touch .pipec-project

echo "== 1. requires is enforced"
cat > req.pipe <<'P'
handler ok { builtin noop }
pipeline p { calendar XNYS  stage s { task in_session { run ok  requires SESSION } } }
P
"$PIPEC" run req.pipe --no-state --view quiet --as-of 2026-11-30 --now 2026-11-30T10:00:00Z | grep in_session

echo "== 2. one run key, one run"
cat > key.pipe <<'P'
handler step { shell "sleep 0.05; echo \"$PIPEC_TASK\" >> ran.txt" }
pipeline k { concurrency 2 stage s { task a { run step } task b { run step } task c { run step after a } } }
P
both=0
for i in $(seq 1 30); do
  rm -f ran.txt
  d=$(printf '2026-10-%02d' $(( (i % 28) + 1 )))
  "$PIPEC" run key.pipe --view quiet --as-of "$d" --state "db$i.db" >/dev/null 2>&1 &
  "$PIPEC" run key.pipe --view quiet --as-of "$d" --state "db$i.db" >/dev/null 2>&1 &
  wait
  [[ $(grep -c '^a$' ran.txt) -gt 1 ]] && both=$((both + 1))
done
echo "two runs of one key started together: both ran in $both of 30 tries"
runs=0
for i in $(seq 1 10); do
  for _ in 1 2 3; do "$PIPEC" run key.pipe --view quiet --as-of 2026-10-01 --state "three$i.db" >/dev/null 2>&1 & done
  wait
  runs=$((runs + $(sqlite3 "three$i.db" "SELECT COUNT(*) FROM runs" 2>/dev/null || python3 -c "import sqlite3;print(sqlite3.connect('three$i.db').execute('SELECT COUNT(*) FROM runs').fetchone()[0])")))
done
echo "three runs of one key started together, 10 tries: $runs runs in all (10 means one per key)"
twice=0
for i in $(seq 1 10); do
  rm -f ran.txt
  "$PIPEC" run key.pipe --view quiet --as-of 2026-10-02 --state "kill$i.db" >/dev/null 2>&1 &
  pid=$!
  while [[ ! -s ran.txt ]]; do sleep 0.01; done
  kill -9 "$pid"; wait "$pid" 2>/dev/null
  "$PIPEC" run key.pipe --view quiet --as-of 2026-10-02 --state "kill$i.db" >/dev/null 2>&1 &
  "$PIPEC" run key.pipe --view quiet --as-of 2026-10-02 --state "kill$i.db" >/dev/null 2>&1 &
  wait
  r=$(python3 -c "import sqlite3;print(sqlite3.connect('kill$i.db').execute('SELECT resumes FROM runs').fetchone()[0])")
  [[ "$r" -gt 1 ]] && twice=$((twice + 1))
done
echo "two resumes of one killed run started together: both resumed it in $twice of 10"

echo "== 3. nothing outlives its task"
cat > esc.pipe <<'P'
handler escapes { shell "setsid sh -c 'echo $$ > escaped.pid; exec sleep 47' & sleep 60" }
pipeline e { stage s { task t { run escapes  timeout 1s  on_failure warn } } }
P
start=$(date +%s.%N)
"$PIPEC" run esc.pipe --no-state --view quiet >/dev/null 2>&1
end=$(date +%s.%N)
alive=$(kill -0 "$(cat escaped.pid)" 2>/dev/null && echo alive || echo gone)
printf 'timeout 1s with a setsid grandchild holding stdout: the run took %.2f s; the grandchild is %s\n' "$(echo "$end - $start" | bc)" "$alive"
cat > term.pipe <<'P'
handler escapes { shell "setsid sh -c 'echo $$ > escaped2.pid; exec sleep 47' & sleep 60" }
pipeline e { stage s { task t { run escapes } } }
P
"$PIPEC" run term.pipe --no-state --view quiet >/dev/null 2>&1 &
pid=$!
while [[ ! -s escaped2.pid ]]; do sleep 0.01; done
start=$(date +%s.%N); kill -TERM "$pid"; wait "$pid"; code=$?; end=$(date +%s.%N)
alive=$(kill -0 "$(cat escaped2.pid)" 2>/dev/null && echo alive || echo gone)
printf 'SIGTERM to pipec run meanwhile: exit %s after %.2f s; the grandchild is %s\n' "$code" "$(echo "$end - $start" | bc)" "$alive"
cat > many.pipe <<'P'
handler slow { shell "sleep 5" }
pipeline m { concurrency 4 stage s { task a { run slow } task b { run slow } task c { run slow } task d { run slow } } }
P
left=0
for i in $(seq 1 15); do
  "$PIPEC" run many.pipe --view quiet --as-of 2026-10-03 --state "m$i.db" >/dev/null 2>&1 &
  pid=$!
  sleep 0.3; kill -9 "$pid"; wait "$pid" 2>/dev/null
done
sleep 0.1
left=$(pgrep -fc "sleep 5" || true)
echo "after 15 SIGKILLs of pipec (4 handlers each): $left handler processes alive 100 ms later"
# Each killed run resumed (and stopped with SIGTERM once it is going): a
# resume first ends what its dead run left running.
for i in $(seq 1 15); do
  "$PIPEC" run many.pipe --view quiet --as-of 2026-10-03 --state "m$i.db" >/dev/null 2>&1 &
  pid=$!; sleep 0.3; kill -TERM "$pid"; wait "$pid" 2>/dev/null
done
sleep 0.1
echo "after each killed run was resumed once: $(pgrep -fc 'sleep 5' || true) handler processes alive"

echo "== 4. no panic on long lines"
python3 -c "print('pipeline p {}' + ' '*70000 + ';')" > x.pipe
"$PIPEC" check x.pipe >/dev/null 2>&1; echo "check of a problem at column 70,014: exit $?"

echo "== 5. no file read outside the project"
printf 'import "/etc/passwd"\npipeline p {}\n' > a.pipe
printf 'days d = dates "/etc/passwd"\npipeline p {}\n' > b.pipe
echo "lines of /etc/passwd printed by check: $("$PIPEC" check a.pipe 2>&1 | grep -c 'root:') (import), $("$PIPEC" check --format json b.pipe 2>&1 | grep -c 'root:') (dates, JSON)"

echo "== 6. secrets"
cat > sec.pipe <<'P'
handler leaky { shell "echo \"token $KEY\" >&2; exit 1"  env { KEY: secret "MEASURE_KEY" } }
pipeline s { stage s { task t { run leaky } } }
P
MEASURE_KEY=tok-abcdef123456 "$PIPEC" run sec.pipe --events ev.jsonl > out.txt 2>&1
hits=$(grep -rac "tok-abcdef123456" . | awk -F: '{s+=$2} END {print s}')
echo "places holding the secret after a failing run (store, events, logs, summary, forensics, terminal): $hits"

echo "== 7. an empty store"
cat > st.pipe <<'P'
handler step { shell "echo \"$PIPEC_TASK\" >> st.txt" }
pipeline z { stage s { task a { run step } } }
P
"$PIPEC" run st.pipe --view quiet --as-of 2026-10-05 >/dev/null 2>&1
: > .pipec/state.db; rm -f .pipec/state.db-wal .pipec/state.db-shm
"$PIPEC" run st.pipe --view quiet --as-of 2026-10-05 >/dev/null 2>&1; code=$?
echo "zero-byte state.db: exit $code; task ran $(wc -l < st.txt) time(s) in all"

echo "== 8. one big output"
cat > big.pipe <<'P'
handler big { shell "printf '{\"blob\": \"'; head -c 100000000 /dev/zero | tr '\\0' 'x'; printf '\"}'"  returns { blob: string }  max_output 200MB }
pipeline b { stage s { task big } }
P
"$PIPEC" run big.pipe --view quiet --as-of 2026-10-06 --run-dir bigrun --state big.db >/dev/null 2>&1
python3 - <<'PY'
import sqlite3, os
c = sqlite3.connect("big.db")
t = c.execute("SELECT COALESCE(SUM(LENGTH(output)),0) FROM tasks").fetchone()[0]
s = c.execute("SELECT COALESCE(SUM(LENGTH(last_output)),0) FROM task_stats").fetchone()[0]
print(f"a 100 MB output: {t/1e6:.0f} MB in tasks.output, {s/1e6:.0f} MB in task_stats.last_output, "
      f"summary.json {os.path.getsize('bigrun/summary.json')/1e6:.0f} MB")
PY
