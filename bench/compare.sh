#!/usr/bin/env bash
# Benchmark: chiso's own figures (import rate, rebuild, scoring), then 12 CLI
# scoring runs side by side with DuckDB computing per-unit-month counts from a
# table it has already loaded. Usage: bench/compare.sh [DOSSIERS] (default 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chiso-target}"
DIR="${BENCH_DIR:-${TMPDIR:-/tmp}/chiso-bench-$N}"

cargo build --release --quiet -p chiso
BIN="$CARGO_TARGET_DIR/release/chiso"
python3 -c 'import duckdb' 2>/dev/null || python3 -m pip install --quiet duckdb

"$BIN" bench --dossiers "$N" --dir "$DIR"
python3 bench/cli_vs_duckdb.py "$BIN" "$DIR"
