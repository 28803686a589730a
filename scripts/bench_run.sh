#!/bin/sh
# bench_run.sh: the interpreter's three benchmarks, in one session.
#   1. scheduler overhead: 10,000 built-in noop tasks, chain / wide / layered
#      (benches/run_scheduler.rs, through the library);
#   2. 1,000 tasks each running /bin/true, chain / wide / 10 layers of 100 with
#      3 random dependencies, concurrency 2: `pipec run` against `make -j2` on
#      the same graph (scripts/gen_graph.sh writes both), runs paired and
#      repeated, best of each reported;
#   3. peak memory of `pipec run` on 100,000 noop tasks (/usr/bin/time -v).
# Runs use --no-state: these measure the interpreter; recording every state
# change durably (an fsync per transaction) is measured apart, see docs/durability.md.
set -eu
cd "$(dirname "$0")/.."
OUT=${BENCH_DIR:-/tmp/pipec-bench}
REPEAT=${REPEAT:-5}
rm -rf "$OUT"; mkdir -p "$OUT"
cargo build --release -q
PIPEC=$PWD/target/release/pipec

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }

echo "== 1. scheduler overhead (10,000 noop tasks)"
cargo bench -q --bench run_scheduler

echo
echo "== 2. 1,000 x /bin/true, concurrency 2: pipec run vs make -j2"
printf '%-8s %10s %10s %7s\n' shape "pipec s" "make s" ratio
for shape in chain wide layered; do
  dir="$OUT/$shape"
  scripts/gen_graph.sh "$shape" 1000 true "$dir" 2
  best_p=""; best_m=""
  i=0
  while [ $i -lt "$REPEAT" ]; do
    t0=$(now)
    "$PIPEC" run "$dir/graph.pipe" --no-state --view quiet --run-dir "$dir/run-$i" > /dev/null
    t1=$(now)
    make -s -j2 -f "$dir/Makefile" > /dev/null
    t2=$(now)
    best_p=$(min "$best_p" "$(elapsed "$t0" "$t1")")
    best_m=$(min "$best_m" "$(elapsed "$t1" "$t2")")
    rm -rf "$dir/run-$i"
    i=$((i + 1))
  done
  printf '%-8s %10s %10s %7s\n' "$shape" "$best_p" "$best_m" "$(awk -v p="$best_p" -v m="$best_m" 'BEGIN { printf "%.2f", p / m }')"
done

echo
echo "== 3. peak memory, 100,000 noop tasks"
scripts/gen_graph.sh wide 100000 noop "$OUT/mem" 4
/usr/bin/time -v "$PIPEC" run "$OUT/mem/graph.pipe" --no-state --view quiet --run-dir "$OUT/mem/run" 2> "$OUT/mem/time.txt" > /dev/null
grep -E "Maximum resident|Elapsed" "$OUT/mem/time.txt"
