#!/usr/bin/env bash
# Benchmark: chiso's own figures (`chiso bench`: parsing, import, rebuild,
# scoring in one process), then chiso against DuckDB side by side in one run
# (bench/cli_vs_duckdb.py): CSV load vs import, the per-unit-month query vs
# twelve score sheets through one warm `chiso serve`, one date range.
# Usage: bench/compare.sh [DOSSIERS] (default 1000000). DuckDB comes from pip,
# installed in a virtual environment of its own (BENCH_VENV, default
# ~/.cache/chiso-bench-venv). A benchmark: it prints figures, asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chiso-target}"
DIR="${BENCH_DIR:-${TMPDIR:-/tmp}/chiso-bench-$N}"
VENV="${BENCH_VENV:-$HOME/.cache/chiso-bench-venv}"

cargo build --release --quiet -p chiso
BIN="$CARGO_TARGET_DIR/release/chiso"
if ! "$VENV/bin/python" -c 'import duckdb' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet duckdb
fi

echo "Máy: $(nproc) lõi ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB"
"$BIN" bench --dossiers "$N" --dir "$DIR"
"$VENV/bin/python" bench/cli_vs_duckdb.py "$BIN" "$DIR"
