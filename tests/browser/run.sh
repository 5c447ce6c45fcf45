#!/usr/bin/env bash
# Real-browser test of the dashboard: Debian's chromium driven by
# playwright-core (test.mjs) against `chiso serve` on demo data.
#
#   bash tests/browser/run.sh path/to/chiso
#
# Installs chromium (apt) and playwright-core (npm) when missing, builds a
# demo database in a temporary folder, serves it on a free port of
# 127.0.0.1, runs test.mjs, stops the server. Screenshots (PNG) go to
# $SCREENSHOT_DIR (default: target/screenshots under the repository).
# The last line reads "1 passed, 0 failed" or "0 passed, 1 failed".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
chiso=${1:?usage: bash tests/browser/run.sh path/to/chiso}
chiso=$(cd "$(dirname "$chiso")" && pwd)/$(basename "$chiso")
export SCREENSHOT_DIR=${SCREENSHOT_DIR:-$root/target/screenshots}

finish() {
  if [ "$1" -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
  exit "$1"
}

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null; } || finish 1
fi
echo "== playwright-core"
(
  cd "$here"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
) || finish 1

work=$(mktemp -d)
port=$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== demo database"
"$chiso" --db "$work/demo.db" demo --dossiers 60000 > "$work/demo.log" 2>&1 || { cat "$work/demo.log"; finish 1; }
# Accounts: the office's administrator, an officer of Sở Y tế (by name) and
# an approver of the province (its reform reports).
export ADMIN_PASSWORD=quan-tri-thu-nghiem OFFICER_PASSWORD=can-bo-thu-nghiem APPROVER_PASSWORD=lanh-dao-thu-nghiem
CHISO_PASSWORD=$ADMIN_PASSWORD "$chiso" --db "$work/demo.db" user add quantri --role admin >/dev/null || finish 1
CHISO_PASSWORD=$OFFICER_PASSWORD "$chiso" --db "$work/demo.db" user add canbo.syt --role officer --unit "Sở Y tế" >/dev/null || finish 1
province=$("$chiso" --db "$work/demo.db" forms status --period 2026-Q1 | head -1 | grep -o '([0-9.]*H[0-9]*)' | tr -d '()')
[ -n "$province" ] || { echo "no province"; finish 1; }
CHISO_PASSWORD=$APPROVER_PASSWORD "$chiso" --db "$work/demo.db" user add lanhdao --role approver --unit "$province" >/dev/null || finish 1
export OFFICER_UNIT=$("$chiso" --db "$work/demo.db" user list | awk '$1 == "canbo.syt"' | grep -o '[0-9.]*H[0-9]*' | head -1)
[ -n "$OFFICER_UNIT" ] || { echo "no unit for the officer"; finish 1; }
"$chiso" --db "$work/demo.db" serve --addr "127.0.0.1:$port" > "$work/serve.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$base/api/v1/health" && break
  kill -0 "$server" 2>/dev/null || { echo "the server stopped:"; cat "$work/serve.log"; finish 1; }
  sleep 0.2
done

echo "== browser test against $base (screenshots in $SCREENSHOT_DIR)"
BASE_URL=$base node "$here/test.mjs"
status=$?
[ "$status" -eq 0 ] || cat "$work/serve.log"
finish "$status"
