#!/usr/bin/env bash
# Renders every .pipe under pipelines/ and tests/graph/ with `pipec graph --all`
# in both formats and checks the output with the real tools:
#   Mermaid  mermaid.parse() and mermaid.render() under node with jsdom, and every
#            label must come out of the drawing as the text it encodes
#            (scripts/mermaid/validate.mjs; mermaid + jsdom from npm)
#   DOT      Graphviz `dot -Tsvg`; any warning it prints counts as a failure, and
#            every label must be drawn as the text it encodes
#            (scripts/mermaid/dot_labels.mjs, no dependencies)
# Installs graphviz (apt) and the npm packages when they are missing.
#
# Usage: scripts/validate_graphs.sh [-k DIR] [FILE.pipe ...]
#   -k DIR   keep the rendered .mmd, .dot and .svg files in DIR
#   FILE     check these files instead of every .pipe directly in the two folders
#            (pipelines/shared/ holds imported handlers, not pipelines)
# Env: PIPEC=path/to/pipec to skip `cargo build`.
# Exit: 0 when every file renders and parses, 1 on any failure, 2 on bad setup.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
keep=""
if [[ "${1:-}" == "-k" ]]; then
  keep="${2:?-k needs a directory}"
  shift 2
fi

as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi
}

need_apt() {
  # $1: command, $2...: Debian packages that provide it
  local cmd="$1"
  shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  echo "installing $* (for $cmd)" >&2
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  command -v "$cmd" >/dev/null 2>&1 || { echo "error: cannot install $cmd" >&2; exit 2; }
}

need_apt dot graphviz
need_apt node nodejs
need_apt npm npm

mermaid_dir="$root/scripts/mermaid"
if [[ ! -d "$mermaid_dir/node_modules/mermaid" || ! -d "$mermaid_dir/node_modules/jsdom" ]]; then
  echo "installing mermaid and jsdom from npm" >&2
  (cd "$mermaid_dir" && npm ci --no-audit --no-fund --loglevel=error) || { echo "error: npm ci failed" >&2; exit 2; }
fi

if [[ -z "${PIPEC:-}" ]]; then
  (cd "$root" && cargo build --quiet --bin pipec) || { echo "error: cargo build failed" >&2; exit 2; }
  PIPEC="${CARGO_TARGET_DIR:-$root/target}/debug/pipec"
fi

if [[ $# -gt 0 ]]; then
  files=("$@")
else
  mapfile -t files < <(cd "$root" && find pipelines tests/graph -maxdepth 1 -name '*.pipe' -type f 2>/dev/null | LC_ALL=C sort)
fi
if [[ ${#files[@]} -eq 0 ]]; then
  echo "error: no .pipe files found" >&2
  exit 2
fi

out="${keep:-$(mktemp -d)}"
mkdir -p "$out"
[[ -z "$keep" ]] && trap 'rm -rf "$out"' EXIT

failed=0
mermaid_files=()
for file in "${files[@]}"; do
  path="$file"
  [[ "$path" != /* ]] && path="$root/$path"
  name="$(echo "$file" | sed 's#^\./##; s#[/.]#_#g')"
  if ! "$PIPEC" graph --all "$path" -o "$out/$name.mmd" 2>"$out/$name.mmd.err"; then
    echo "FAIL  $file: pipec graph (mermaid) failed"; cat "$out/$name.mmd.err"; failed=1; continue
  fi
  mermaid_files+=("$out/$name.mmd")
  if ! "$PIPEC" graph --all --format dot "$path" -o "$out/$name.dot" 2>"$out/$name.dot.err"; then
    echo "FAIL  $file: pipec graph (dot) failed"; cat "$out/$name.dot.err"; failed=1; continue
  fi
  if ! dot -Tsvg "$out/$name.dot" -o "$out/$name.svg" 2>"$out/$name.dot.log" || [[ -s "$out/$name.dot.log" ]]; then
    echo "FAIL  $file: Graphviz rejected the DOT"; cat "$out/$name.dot.log"; failed=1
  elif ! node "$mermaid_dir/dot_labels.mjs" "$out/$name.dot" "$out/$name.svg"; then
    failed=1
  else
    echo "ok    $file (dot)"
  fi
done

if [[ ${#mermaid_files[@]} -gt 0 ]]; then
  node "$mermaid_dir/validate.mjs" "${mermaid_files[@]}" || failed=1
fi

echo "graphviz: $(dot -V 2>&1); mermaid: $(node -p "require('$mermaid_dir/node_modules/mermaid/package.json').version")"
if [[ $failed -ne 0 ]]; then
  echo "graph validation FAILED"
  exit 1
fi
echo "graph validation passed (${#files[@]} files, both formats)"
