#!/usr/bin/env bash
# The tests, on a machine with only the Rust toolchain: installs what they
# drive (Prometheus' promtool and Debian's Chromium with chromedriver, by apt;
# Ray in a virtual environment of its own, by pip), starts a local Ray head for
# the scale-out tests, runs `cargo test` (with any arguments given), and stops
# the head again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@"
}

# /metrics is checked with promtool.
command -v promtool >/dev/null 2>&1 || apt_install prometheus
promtool --version | head -1
# The dashboard's pages are read and driven by headless Chromium.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  apt_install chromium chromium-driver
fi
chromium --version | head -1

# Tasks run as jobs on a local Ray head (about 15 s to start).
RAY_VENV="${RAY_VENV:-$HOME/.cache/pipec-ray-venv}"
if [ ! -x "$RAY_VENV/bin/ray" ]; then
  python3 -m venv "$RAY_VENV"
  "$RAY_VENV/bin/pip" install -q 'ray[default]'
fi
"$RAY_VENV/bin/ray" stop --force >/dev/null 2>&1 || true
"$RAY_VENV/bin/ray" start --head --num-cpus=2 --dashboard-host=127.0.0.1 --disable-usage-stats >/dev/null
trap '"$RAY_VENV/bin/ray" stop --force >/dev/null 2>&1 || true' EXIT
export PIPEC_TEST_RAY=http://127.0.0.1:8265

cargo test "$@"
