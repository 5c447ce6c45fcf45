#!/usr/bin/env bash
# Load on one `chiso serve` (issue 10's figures): the demo province, 100
# concurrent clients for 30 s each run, with wrk:
#   1. the public: random published months, overview and unit pages and the
#      scores API; meanwhile 30 dossier events pushed to /api/v1/events, and
#      the time until each is counted in the live figures;
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
# A dossier event pushed every half second while 100 clients read: how long
# until the live figures (/api/v1/health, as a signed-in user) count it.
push_latency() {
  local unit procedure i start seen n before
  unit=$(sed -n 2p "$WORK/push/dossiers.csv" | cut -d, -f2)
  procedure=$(sed -n 2p "$WORK/push/dossiers.csv" | cut -d, -f3)
  : > "$WORK/latency.txt"
  for i in $(seq 1 30); do
    before=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/health" | grep -o '"dossiers":[0-9]*' | cut -d: -f2)
    start=$(date +%s%N)
    curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/x-ndjson" \
      --data-binary "{\"dossier_id\":\"DAY-$i-$$\",\"seq\":1,\"at\":\"2026-10-20T08:00:00+07:00\",\"type\":\"received\",\"unit_code\":\"$unit\",\"procedure_code\":\"$procedure\",\"due_at\":\"2026-10-25\",\"channel\":2}" \
      "http://127.0.0.1:$PORT/api/v1/events"
    while :; do
      n=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/health" | grep -o '"dossiers":[0-9]*' | cut -d: -f2)
      [ "${n:-0}" -gt "${before:-0}" ] && break
      [ $(( ($(date +%s%N) - start) / 1000000 )) -gt 10000 ] && { echo "never seen" >> "$WORK/latency.txt"; break; }
    done
    seen=$(date +%s%N)
    echo $(( (seen - start) / 1000000 )) >> "$WORK/latency.txt"
    sleep 0.5
  done
}
run "public: published months" 100 "$WORK/public.lua" &
READERS=$!
sleep 2
push_latency
wait "$READERS" || true
sort -n "$WORK/latency.txt" | awk '{a[NR]=$1} END {printf "  pushed events seen after (ms): p50 %s, p99/max %s, of %d\n", a[int((NR+1)/2)], a[NR], NR}'
run "administrator: a new date range each request" 100 "$WORK/ranges.lua"
echo "== mixed: 80 date-range readers and 20 uploaders at once"
wrk -t1 -c20 -d"$DURATION" --latency -s "$WORK/upload.lua" "http://127.0.0.1:$PORT" > "$WORK/upload.out" &
UPLOADERS=$!
run "  readers" 80 "$WORK/ranges.lua"
wait "$UPLOADERS" || true
grep -E "requests in|Socket errors|  99%|statuses" "$WORK/upload.out" | sed 's/^/  uploaders: /'
echo "server peak RSS: $(peak)"
