#!/usr/bin/env bash
# Load on one `chiso serve` (issue 10's figures): the demo province, 100
# concurrent clients for 30 s each run, with wrk:
#   1. the public: random published months, overview and unit pages and the
#      scores API;
#   2. an administrator (token): a different random date range on every
#      request (scores of every unit: the query that once took 3,6 GB);
#   3. both at once with uploads: 20 clients pushing a 200-dossier CSV file to
#      /api/v1/imports while 80 read date ranges.
# Prints requests, answers by status, socket errors, latency p50/p99 and
# the server's peak resident memory. Asserts nothing. (Uploads past the
# server's two upload slots are answered 503 with Retry-After: counted.)
#
#   bash bench/load.sh [WORK_DIR]
#
# Needs wrk (apt-get install wrk) and a release build (CHISO=path overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${1:-/tmp/chiso-load}"
CHISO="${CHISO:-${CARGO_TARGET_DIR:-target}/release/chiso}"
PORT="${PORT:-18733}"
DURATION="${DURATION:-30s}"
rm -rf "$WORK" && mkdir -p "$WORK"
DB="$WORK/demo.db"

"$CHISO" --db "$DB" demo > "$WORK/demo.log"
TOKEN=$("$CHISO" --db "$DB" token create --name load --role admin | tail -1)
"$CHISO" --db "$DB" serve --addr "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.2; done
MONTHS=$(curl -s "http://127.0.0.1:$PORT/api/v1/publications" | grep -o '"period":"[^"]*"' | cut -d'"' -f4 | tr '\n' ' ')
LATEST=${MONTHS%% *}
# Units scored in every published month (the latest's sheet, first 40).
UNITS=$(curl -s "http://127.0.0.1:$PORT/api/v1/scores?period=$LATEST" | grep -o '"code":"[^"]*"' | cut -d'"' -f4 | head -40 | tr '\n' ' ')
# A file a one-stop system pushes: 200 dossiers of the same demo province.
"$CHISO" --db "$WORK/small.db" demo --dossiers 200 --export "$WORK/push" > /dev/null

cat > "$WORK/public.lua" <<LUA
dofile("$WORK/count.lua")
local units, months = {}, {}
for u in string.gmatch("$UNITS", "%S+") do units[#units + 1] = u end
for m in string.gmatch("$MONTHS", "%S+") do months[#months + 1] = m end
request = function()
  local m = months[math.random(#months)]
  local r = math.random(3)
  if r == 1 then return wrk.format("GET", "/?period=" .. m) end
  if r == 2 then return wrk.format("GET", "/units/" .. units[math.random(#units)] .. "?period=" .. m) end
  return wrk.format("GET", "/api/v1/scores?period=" .. m)
end
LUA
cat > "$WORK/ranges.lua" <<LUA
dofile("$WORK/count.lua")
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function()
  local from = os.time({year = 2025, month = 11, day = 1}) + math.random(0, 330) * 86400
  local to = from + math.random(0, 30) * 86400
  return wrk.format("GET", "/api/v1/scores?period=" .. os.date("%Y-%m-%d", from) .. ".." .. os.date("%Y-%m-%d", to))
end
LUA
# Every script counts its answers by status.
cat > "$WORK/count.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() statuses = {} end
function response(status) statuses[status] = (statuses[status] or 0) + 1 end
function done()
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do total[k] = (total[k] or 0) + v end
  end
  local line = "  statuses:"
  for k, v in pairs(total) do line = line .. " " .. k .. "=" .. v end
  print(line)
end
LUA
cat > "$WORK/upload.lua" <<LUA
dofile("$WORK/count.lua")
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Content-Type"] = "text/csv"
local f = io.open("$WORK/push/dossiers.csv") ; wrk.body = f:read("*a") ; f:close()
wrk.path = "/api/v1/imports?kind=dossiers&format=csv"
LUA

peak() { awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/$SERVER/status"; }
run() { # name, connections, script
  echo "== $1 ($2 clients, $DURATION)"
  wrk -t2 -c"$2" -d"$DURATION" --latency -s "$3" "http://127.0.0.1:$PORT" \
    | grep -E "requests in|Non-2xx|Socket errors|  50%|  99%|Requests/sec|statuses"
  echo "server peak RSS so far: $(peak)"
}
run "public: published months" 100 "$WORK/public.lua"
run "administrator: a new date range each request" 100 "$WORK/ranges.lua"
echo "== mixed: 80 date-range readers and 20 uploaders at once"
wrk -t1 -c20 -d"$DURATION" --latency -s "$WORK/upload.lua" "http://127.0.0.1:$PORT" > "$WORK/upload.out" &
UPLOADERS=$!
run "  readers" 80 "$WORK/ranges.lua"
wait "$UPLOADERS" || true
grep -E "requests in|Socket errors|  99%|statuses" "$WORK/upload.out" | sed 's/^/  uploaders: /'
echo "server peak RSS: $(peak)"
