"""12 monthly scorings through the chiso CLI against DuckDB's per-unit-month counts.

chiso: 12 separate processes `chiso score --period YYYY-MM --format json`, each
opening the database, loading the methodology, reading the maintained counters,
rolling them up and scoring every unit for the month and the month before.

DuckDB: the dossiers CSV loaded into an in-memory table with its types inferred
and the Vietnam-time month precomputed (not timed), then
one query computing, per unit and month, the counts the index divides (received,
synced, online, with fee, paid online, e-result, digitised, reused, population
data, negative, ended). Timed as the best of three runs.
"""
import json
import pathlib
import subprocess
import sys
import time

import duckdb

binary, folder = sys.argv[1], pathlib.Path(sys.argv[2])
db = folder / "bench.db"
months = [f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]]

subprocess.run([binary, "--db", str(db), "score", "--period", months[0], "--format", "json"], check=True, capture_output=True)
runs = []
for _ in range(3):
    started = time.perf_counter()
    for month in months:
        subprocess.run([binary, "--db", str(db), "score", "--period", month, "--format", "json"], check=True, capture_output=True)
    runs.append(time.perf_counter() - started)
chiso_ms = min(runs) * 1000

con = duckdb.connect()
started = time.perf_counter()
con.execute(f"CREATE TABLE d AS SELECT * FROM read_csv_auto('{folder / 'dossiers.csv'}')")
# Months in Vietnam time, computed once at load so the query only counts.
con.execute("ALTER TABLE d ADD COLUMN month INTEGER")
con.execute("UPDATE d SET month = CAST(strftime(timezone('Asia/Ho_Chi_Minh', received_at), '%Y%m') AS INTEGER)")
load_s = time.perf_counter() - started
rows = con.execute("SELECT count(*) FROM d").fetchone()[0]
query = """
SELECT unit_code, month,
       count(*) AS received,
       sum(synced) AS synced,
       sum(CASE WHEN channel = 2 THEN 1 ELSE 0 END) AS online,
       sum(CASE WHEN fee_amount > 0 THEN 1 ELSE 0 END) AS fee,
       sum(CASE WHEN fee_amount > 0 AND paid_online > 0 THEN 1 ELSE 0 END) AS paid_online,
       sum(e_result) AS e_result,
       sum(digitized) AS digitized,
       sum(reused_data) AS reused,
       sum(citizen_data_used) AS citizen_data,
       sum(CASE WHEN complaint = 1 OR rating = 'unsatisfied' THEN 1 ELSE 0 END) AS negative,
       sum(CASE WHEN finished_at IS NOT NULL THEN 1 ELSE 0 END) AS ended
FROM d GROUP BY 1, 2
"""
times = []
for _ in range(3):
    started = time.perf_counter()
    result = con.execute(query).fetchall()
    times.append(time.perf_counter() - started)
duck_ms = min(times) * 1000

print(f"12 lần chạy 'chiso score' (mỗi lần một tiến trình, tốt nhất trong 3 lượt): {chiso_ms:.1f} ms")
print(f"DuckDB {duckdb.__version__}: nạp {rows:,} hồ sơ trong {load_s:.2f} s (không tính); "
      f"truy vấn số đếm theo đơn vị-tháng ({len(result)} dòng): {duck_ms:.1f} ms")
print(f"Tỷ lệ DuckDB / chiso: {duck_ms / chiso_ms:.2f}x")
(folder / "compare.json").write_text(json.dumps({
    "chiso_12_cli_runs_ms": chiso_ms, "duckdb_query_ms": duck_ms, "duckdb_load_s": load_s,
    "duckdb_version": duckdb.__version__, "rows": rows, "ratio": duck_ms / chiso_ms,
}, indent=2))
