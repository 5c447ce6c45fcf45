"""chiso against DuckDB on the same generated data, side by side in one run.

Usage: cli_vs_duckdb.py CHISO_BINARY BENCH_DIR (the folder `chiso bench` filled:
dossiers.csv, bench.db, bench.json).

1. Loading: DuckDB reads dossiers.csv into an in-memory typed table
   (`read_csv_auto`, best of two); chiso's import of the same file into SQLite
   with every measure maintained and the raw records kept (from bench.json).
2. Twelve months: DuckDB's one `GROUP BY unit, month` computing the counts the
   index divides (best of three) against the twelve monthly score sheets of
   every unit through one warm `chiso serve` (started, database opened,
   `/api/v1/health` answered, which counts the inventory once per data
   version; each month asked once, so each is computed: the server caches
   answers per data version), best of three servers; and
   against 12 `chiso score --format json` processes.
3. One date range for every unit: DuckDB's per-unit counts of the range
   (received in it, and the timeliness counts: received by its end and not
   ended before its start, late by its end) against the range's score sheet
   through the same kind of warm server, and `chiso score` for it.

DuckDB's queries count; chiso judges (working-day deadlines, pauses for
supplements, the methodology's rules) and scores. The comparison is of the
time to the figures a user asks for, not of equal work.
"""
import json
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

import duckdb

binary, folder = sys.argv[1], pathlib.Path(sys.argv[2])
db = folder / "bench.db"
bench = json.loads((folder / "bench.json").read_text())
months = [m["month"] for m in bench["per_month_ms"]]
RANGE_FROM, RANGE_TO = bench["range"]["from"], bench["range"]["to"]
RANGE = f"{RANGE_FROM}..{RANGE_TO}"


def best(runs, f):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        f()
        times.append(time.perf_counter() - started)
    return min(times)


# --- chiso: CLI processes -------------------------------------------------
def score_cli(period):
    subprocess.run([binary, "--db", str(db), "score", "--period", period, "--format", "json"],
                   check=True, capture_output=True)


score_cli(months[0])
cli_12_ms = best(3, lambda: [score_cli(m) for m in months]) * 1000
cli_range_ms = best(3, lambda: score_cli(RANGE)) * 1000


# --- chiso: one warm server -----------------------------------------------
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=120) as r:
        body = r.read()
        if r.status != 200:
            raise RuntimeError(f"{path}: {r.status}")
        return body


def warm_server():
    port = free_port()
    server = subprocess.Popen([binary, "--db", str(db), "serve", "--addr", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            get(base, "/api/v1/health")
            return server, base
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("chiso serve did not answer")


def through_server(paths):
    """Each path asked once of a fresh warm server; the time of all, best of three servers."""
    times = []
    for _ in range(3):
        server, base = warm_server()
        try:
            started = time.perf_counter()
            for p in paths:
                get(base, p)
            times.append(time.perf_counter() - started)
        finally:
            server.terminate()
            server.wait()
    return min(times) * 1000


serve_12_ms = through_server([f"/api/v1/scores?period={m}" for m in months])
serve_range_ms = through_server([f"/api/v1/scores?period={RANGE}"])

# --- DuckDB ---------------------------------------------------------------
csv = folder / "dossiers.csv"
con = duckdb.connect()


def load():
    con.execute(f"CREATE OR REPLACE TABLE d AS SELECT * FROM read_csv_auto('{csv}')")


load_s = best(2, load)
rows = con.execute("SELECT count(*) FROM d").fetchone()[0]
# Months in Vietnam time, computed once so the query only counts (not timed).
con.execute("ALTER TABLE d ADD COLUMN month INTEGER")
con.execute("UPDATE d SET month = CAST(strftime(timezone('Asia/Ho_Chi_Minh', received_at), '%Y%m') AS INTEGER)")
month_query = """
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
result = []
duck_month_ms = best(3, lambda: result.append(con.execute(month_query).fetchall())) * 1000
month_rows = len(result[-1])
start, end = f"TIMESTAMPTZ '{RANGE_FROM} 00:00:00+07'", f"TIMESTAMPTZ '{RANGE_TO} 23:59:59+07'"
range_query = f"""
SELECT unit_code,
       count(*) FILTER (WHERE received_at >= {start}) AS received,
       sum(synced) FILTER (WHERE received_at >= {start}) AS synced,
       count(*) FILTER (WHERE received_at >= {start} AND channel = 2) AS online,
       count(*) FILTER (WHERE received_at >= {start} AND fee_amount > 0) AS fee,
       sum(e_result) FILTER (WHERE received_at >= {start}) AS e_result,
       sum(digitized) FILTER (WHERE received_at >= {start}) AS digitized,
       count(*) FILTER (WHERE received_at >= {start}
                        AND (complaint = 1 OR rating = 'unsatisfied')) AS negative,
       count(*) AS timeliness_total,
       count(*) FILTER (WHERE due_at <= {end}
                        AND coalesce(least(finished_at, returned_at), {end}) > due_at) AS timeliness_late
FROM d
WHERE received_at <= {end}
  AND NOT (received_at < {start} AND coalesce(finished_at, returned_at) < {start})
GROUP BY 1
"""
duck_range_ms = best(3, lambda: result.append(con.execute(range_query).fetchall())) * 1000
range_rows = len(result[-1])

# --- Side by side -----------------------------------------------------------
import_s = bench["import_seconds"]
figures = {
    "dossiers": rows,
    "duckdb_version": duckdb.__version__,
    "duckdb_load_s": load_s,
    "chiso_import_s": import_s,
    "chiso_rebuild_s": bench["rebuild_seconds"],
    "load_ratio_duckdb_over_chiso": load_s / import_s,
    "duckdb_month_query_ms": duck_month_ms,
    "chiso_serve_12_months_ms": serve_12_ms,
    "chiso_cli_12_months_ms": cli_12_ms,
    "chiso_in_process_12_months_ms": bench["scoring_12_months_ms"],
    "months_ratio_duckdb_over_serve": duck_month_ms / serve_12_ms,
    "range": RANGE,
    "duckdb_range_query_ms": duck_range_ms,
    "chiso_serve_range_ms": serve_range_ms,
    "chiso_cli_range_ms": cli_range_ms,
    "chiso_in_process_range_ms": bench["range"]["ms"],
    "range_ratio_duckdb_over_serve": duck_range_ms / serve_range_ms,
}


def ms(v):
    return f"{v:,.1f} ms".replace(",", "_").replace(".", ",").replace("_", ".")


def s(v):
    return f"{v:.2f} s".replace(".", ",")


def ratio(v):
    return f"{v:.2f}".replace(".", ",")


print()
print(f"So sánh với DuckDB {duckdb.__version__}, {rows:,} hồ sơ (cùng một lần chạy)".replace(",", "."))
print(f"{'':<46}{'DuckDB':>14}{'chiso':>14}{'DuckDB/chiso':>14}")
print(f"{'Nạp CSV / nhập (giữ hồ sơ gốc, số đo)':<46}{s(load_s):>14}{s(import_s):>14}{ratio(load_s / import_s):>14}")
print(f"{'12 tháng: truy vấn / 12 bảng điểm qua serve':<46}{ms(duck_month_ms):>14}{ms(serve_12_ms):>14}{ratio(duck_month_ms / serve_12_ms):>14}")
print(f"{'   (12 tiến trình chiso score)':<46}{'':>14}{ms(cli_12_ms):>14}{ratio(duck_month_ms / cli_12_ms):>14}")
print(f"{'Khoảng ngày ' + RANGE + ' qua serve':<46}{ms(duck_range_ms):>14}{ms(serve_range_ms):>14}{ratio(duck_range_ms / serve_range_ms):>14}")
print(f"{'   (một tiến trình chiso score)':<46}{'':>14}{ms(cli_range_ms):>14}{ratio(duck_range_ms / cli_range_ms):>14}")
print(f"(DuckDB: {month_rows} dòng đơn vị-tháng, {range_rows} dòng đơn vị cho khoảng ngày)")
(folder / "compare.json").write_text(json.dumps(figures, indent=2))
print(f"Kết quả: {folder / 'compare.json'}")
