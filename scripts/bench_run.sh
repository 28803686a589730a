#!/bin/sh
# bench_run.sh: the interpreter's benchmarks, in one session.
#   1. scheduler overhead: 10,000 built-in noop tasks, chain / wide / layered
#      (benches/run_scheduler.rs, through the library);
#   2. 1,000 tasks each running /bin/true, chain / wide / 10 layers of 100 with
#      3 random dependencies, concurrency 2 (scripts/gen_graph.sh writes the
#      same graph for make and pipec): `make -s -j2`, `pipec run --no-state`
#      and `pipec run` with its durable state store (a new store each run),
#      interleaved and repeated, best of each, with ratios to make; beside
#      them the floor (benches/spawn_floor.rs: the same commands started as
#      pipec starts them, with nothing else; chain and wide only);
#   3. 10,000 built-in noop tasks (wide, concurrency 4) with the store;
#   4. peak memory of `pipec run` on 100,000 noop tasks (/usr/bin/time -v);
#   5. peak memory of `pipec check` and `pipec fmt --check` on a 50 MB file
#      (scripts/gen_big_pipe.py, about 890,000 tasks), and of `fmt --check` on
#      the same file unindented (which fmt would change), with the ratio to the
#      file's size (/usr/bin/time -v);
#   6. the floor's layers on the chain and wide graphs of part 2: make, the
#      commands started as make starts them (benches/spawn_floor.rs `inherit`:
#      no pipes, no process group, blocking waits), with pipec's pipes and
#      process group but blocking waits (`blocking`), the same handed by one
#      thread to worker threads and back (`handoff`), as pipec starts them
#      (`async`: the floor of part 2), and `pipec run --no-state`.
# Parts 1, 2 and 6 need cargo whatever PIPEC says (they build benches/).
# Environment: REPEAT (default 3), PARTS (default "1 2 3 4 5 6"), PIPEC (a built
# binary; default: cargo build --release), BASE (another pipec binary, e.g.
# one built from an earlier commit: its rows are measured in the same loop,
# for a before/after table from one session).
set -eu
cd "$(dirname "$0")/.."
OUT=${BENCH_DIR:-/tmp/pipec-bench}
REPEAT=${REPEAT:-3}
PARTS=${PARTS:-1 2 3 4 5 6}
BASE=${BASE:-}
rm -rf "$OUT"; mkdir -p "$OUT"
if [ -z "${PIPEC:-}" ]; then
  cargo build --release -q
  PIPEC=${CARGO_TARGET_DIR:-$PWD/target}/release/pipec
fi
command -v make > /dev/null || { echo "make is not installed" >&2; exit 2; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
ratio() { awk -v p="$1" -v m="$2" 'BEGIN { printf "%.2f", p / m }'; }
has() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }

# run_pipec BINARY DIR I [--no-state]: one run, fresh run folder and store; prints seconds.
run_pipec() {
  bin=$1 dir=$2 i=$3; shift 3
  rm -rf "$dir/run-$i" "$dir/state-$i.db" "$dir/state-$i.db-wal" "$dir/state-$i.db-shm"
  case "$*" in *--no-state*) ;; *) set -- --state "$dir/state-$i.db" "$@" ;; esac
  t0=$(now)
  "$bin" run "$dir/graph.pipe" --view quiet --run-dir "$dir/run-$i" "$@" > /dev/null
  t1=$(now)
  rm -rf "$dir/run-$i" "$dir/state-$i.db" "$dir/state-$i.db-wal" "$dir/state-$i.db-shm"
  elapsed "$t0" "$t1"
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

if has 1; then
  echo "== 1. scheduler overhead (10,000 noop tasks)"
  cargo bench -q --bench run_scheduler
  echo
fi

if has 2 || has 6; then
  # The floor's executable, built once (cargo names it with a hash).
  cargo bench --bench spawn_floor --no-run > "$OUT/floor-build.txt" 2>&1 || {
    cat "$OUT/floor-build.txt" >&2; echo "cannot build benches/spawn_floor.rs" >&2; exit 2; }
  floor_bin=$(sed -n 's/.*Executable.*(\(.*spawn_floor-[^)]*\)).*/\1/p' "$OUT/floor-build.txt")
  [ -x "$floor_bin" ] || { echo "no executable for benches/spawn_floor.rs in cargo's output" >&2; exit 2; }
fi
# run_floor CONCURRENCY WAY: one run of the floor; prints seconds.
run_floor() {
  t0=$(now); "$floor_bin" 1000 "$1" "$2" > /dev/null; t1=$(now)
  elapsed "$t0" "$t1"
}
# run_make DIR: one run of make on the graph; prints seconds.
run_make() {
  t0=$(now); make -s -j2 -f "$1/Makefile" > /dev/null; t1=$(now)
  elapsed "$t0" "$t1"
}
# cell SECONDS: the seconds and their ratio to make's ($m).
cell() { printf '%6s (%5sx)' "$1" "$(ratio "$1" "$m")"; }

if has 2; then
  echo "== 2. 1,000 x /bin/true, concurrency 2, best of $REPEAT (seconds, ratio to make -j2)"
  if [ -n "$BASE" ]; then
    printf '%-8s %7s %15s | %15s %15s | %15s %15s\n' shape make floor "base no-state" "base durable" "no-state" "durable"
  else
    printf '%-8s %7s %15s | %15s %15s\n' shape make floor "no-state" "durable"
  fi
  for shape in chain wide layered; do
    dir="$OUT/$shape"
    scripts/gen_graph.sh "$shape" 1000 true "$dir" 2
    # A chain runs one task at a time; layered has no floor of the same shape.
    case $shape in chain) floor_at=1 ;; wide) floor_at=2 ;; *) floor_at="" ;; esac
    m=""; f=""; n=""; d=""; bn=""; bd=""
    i=0
    while [ $i -lt "$REPEAT" ]; do
      m=$(min "$m" "$(run_make "$dir")")
      if [ -n "$floor_at" ]; then
        f=$(min "$f" "$(run_floor "$floor_at" async)")
      fi
      n=$(min "$n" "$(run_pipec "$PIPEC" "$dir" "$i" --no-state)")
      d=$(min "$d" "$(run_pipec "$PIPEC" "$dir" "$i")")
      if [ -n "$BASE" ]; then
        bn=$(min "$bn" "$(run_pipec "$BASE" "$dir" "$i" --no-state)")
        bd=$(min "$bd" "$(run_pipec "$BASE" "$dir" "$i")")
      fi
      i=$((i + 1))
    done
    if [ -n "$f" ]; then floor=$(cell "$f"); else floor="-"; fi
    if [ -n "$BASE" ]; then
      printf '%-8s %7s %15s | %s %s | %s %s\n' "$shape" "$m" "$floor" "$(cell "$bn")" "$(cell "$bd")" "$(cell "$n")" "$(cell "$d")"
    else
      printf '%-8s %7s %15s | %s %s\n' "$shape" "$m" "$floor" "$(cell "$n")" "$(cell "$d")"
    fi
  done
  echo
fi

if has 3; then
  echo "== 3. 10,000 noop tasks (wide, concurrency 4) with the store, best of $REPEAT (seconds)"
  scripts/gen_graph.sh wide 10000 noop "$OUT/noop" 4
  s=""; b=""
  i=0
  while [ $i -lt "$REPEAT" ]; do
    s=$(min "$s" "$(run_pipec "$PIPEC" "$OUT/noop" "$i")")
    if [ -n "$BASE" ]; then b=$(min "$b" "$(run_pipec "$BASE" "$OUT/noop" "$i")"); fi
    i=$((i + 1))
  done
  if [ -n "$BASE" ]; then echo "base $b  now $s"; else echo "$s"; fi
  echo
fi

if has 4; then
  echo "== 4. peak memory, 100,000 noop tasks"
  scripts/gen_graph.sh wide 100000 noop "$OUT/mem" 4
  /usr/bin/time -v "$PIPEC" run "$OUT/mem/graph.pipe" --no-state --view quiet --run-dir "$OUT/mem/run" 2> "$OUT/mem/time.txt" > /dev/null
  grep -E "Maximum resident|Elapsed" "$OUT/mem/time.txt"
fi

# max_rss EXPECTED_EXIT BINARY ARGS...: the command's peak resident memory in
# kB (the generated file is clean and formatted: every command exits 0 but
# `fmt --check` of the unindented copy, which exits 1).
max_rss() {
  expected=$1 status=0; shift
  /usr/bin/time -v "$@" > /dev/null 2> "$OUT/big/time.txt" || status=$?
  [ "$status" -eq "$expected" ] || echo "warning: \`$*\` exited $status" >&2
  awk '/Maximum resident/ { print $NF }' "$OUT/big/time.txt"
}
# mem_cell KB: the size in MB and its ratio to the file's ($size bytes).
mem_cell() { awk -v k="$1" -v f="$size" 'BEGIN { printf "%7.0f MB (%5.2fx)", k / 1024, k * 1024 / f }'; }

if has 5; then
  echo "== 5. peak memory of the front end, a 50 MB file"
  [ -x /usr/bin/time ] || { echo "/usr/bin/time is not installed (apt-get install time)" >&2; exit 2; }
  mkdir -p "$OUT/big"
  python3 scripts/gen_big_pipe.py "$OUT/big/big.pipe" 50
  # The same file with every line's indentation dropped: one `fmt` would change.
  sed 's/^ *//' "$OUT/big/big.pipe" > "$OUT/big/unindented.pipe"
  echo "file: $(wc -c < "$OUT/big/big.pipe") bytes (unindented: $(wc -c < "$OUT/big/unindented.pipe") bytes)"
  for item in "check big" "fmt --check big" "fmt --check unindented"; do
    command=${item% *} file=$OUT/big/${item##* }.pipe
    expected=0; case $item in *unindented) expected=1 ;; esac
    size=$(wc -c < "$file")
    # shellcheck disable=SC2086 # `fmt --check` is two words
    now_kb=$(max_rss "$expected" "$PIPEC" $command "$file")
    if [ -n "$BASE" ]; then
      # shellcheck disable=SC2086
      base_kb=$(max_rss "$expected" "$BASE" $command "$file")
      printf '%-24s base %s  now %s\n' "$item" "$(mem_cell "$base_kb")" "$(mem_cell "$now_kb")"
    else
      printf '%-24s %s\n' "$item" "$(mem_cell "$now_kb")"
    fi
  done
fi
if has 6; then
  echo "== 6. the floor's layers: 1,000 x /bin/true, best of $REPEAT (seconds, ratio to make -j2)"
  printf '%-8s %7s %15s %15s %15s %15s %15s\n' shape make inherit blocking handoff async "pipec no-state"
  for shape in chain wide; do
    dir="$OUT/$shape"
    [ -f "$dir/graph.pipe" ] || scripts/gen_graph.sh "$shape" 1000 true "$dir" 2
    case $shape in chain) at=1 ;; wide) at=2 ;; esac
    m=""; inherit=""; blocking=""; handoff=""; async=""; n=""
    i=0
    while [ $i -lt "$REPEAT" ]; do
      m=$(min "$m" "$(run_make "$dir")")
      inherit=$(min "$inherit" "$(run_floor "$at" inherit)")
      blocking=$(min "$blocking" "$(run_floor "$at" blocking)")
      handoff=$(min "$handoff" "$(run_floor "$at" handoff)")
      async=$(min "$async" "$(run_floor "$at" async)")
      n=$(min "$n" "$(run_pipec "$PIPEC" "$dir" "$i" --no-state)")
      i=$((i + 1))
    done
    printf '%-8s %7s %s %s %s %s %s\n' "$shape" "$m" "$(cell "$inherit")" "$(cell "$blocking")" \
      "$(cell "$handoff")" "$(cell "$async")" "$(cell "$n")"
  done
  echo
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
