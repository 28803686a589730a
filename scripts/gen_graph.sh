#!/bin/sh
# gen_graph.sh SHAPE N KIND OUTDIR [CONCURRENCY]
#   SHAPE: chain | wide | layered (10 layers of N/10, 3 random dependencies each
#          on the layer before, from a fixed-seed LCG: the same graph every time)
#   KIND:  noop (builtin noop) | true (exec /bin/true)
# Writes OUTDIR/graph.pipe and OUTDIR/Makefile describing the same graph, so
# pipec and make run exactly the same work.
set -eu
shape=$1 n=$2 kind=$3 out=$4 conc=${5:-2}
mkdir -p "$out"
awk -v shape="$shape" -v n="$n" -v kind="$kind" -v conc="$conc" -v out="$out" '
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed }
BEGIN {
  seed = 42
  pipe = out "/graph.pipe"; mk = out "/Makefile"
  if (kind == "noop") print "handler work { builtin noop }" > pipe
  else print "handler work { exec \"/bin/true\" }" > pipe
  print "pipeline graph {" > pipe
  print "  concurrency " conc > pipe
  print "  stage all {" > pipe
  print ".PHONY: all" > mk
  layers = 10; width = int(n / layers)
  for (i = 0; i < n; i++) {
    deps = ""
    if (shape == "chain" && i > 0) deps = "t" (i - 1)
    if (shape == "layered" && i >= width) {
      layer = int(i / width); base = (layer - 1) * width
      delete picked; k = 0
      want = width < 3 ? width : 3
      while (k < want) { d = base + rnd() % width; if (!(d in picked)) { picked[d] = 1; k++; deps = deps (deps == "" ? "" : " ") "t" d } }
    }
    names[i] = "t" i
    if (deps == "") print "    task t" i " { run work }" > pipe
    else { pd = deps; gsub(/ /, ", ", pd); print "    task t" i " { run work after " pd " }" > pipe }
    mdeps[i] = deps
  }
  print "  }" > pipe
  print "}" > pipe
  printf "all:" > mk
  for (i = 0; i < n; i++) printf " t%d", i > mk
  print "" > mk
  for (i = 0; i < n; i++) {
    print "t" i ": " mdeps[i] > mk
    print "\t@/bin/true" > mk
    print ".PHONY: t" i > mk
  }
}'
