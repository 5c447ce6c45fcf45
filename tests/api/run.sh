#!/usr/bin/env bash
# Fuzzes the JSON API of a running chiso server against its own OpenAPI
# document with schemathesis: no 5xx, every response matches its schema.
#
#   bash tests/api/run.sh path/to/chiso
#
# Builds a demo database in a temporary folder, starts `chiso serve` on a
# free port of 127.0.0.1, runs schemathesis (bounded: 100 examples per
# operation), stops the server and exits with schemathesis's status; the
# last line reads "1 passed, 0 failed" or "0 passed, 1 failed".
set -uo pipefail

chiso=${1:?usage: bash tests/api/run.sh path/to/chiso}
chiso=$(cd "$(dirname "$chiso")" && pwd)/$(basename "$chiso")

scripts=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
if ! python3 -c 'import schemathesis' 2>/dev/null; then
  echo "== installing schemathesis"
  python3 -m pip install --quiet --disable-pip-version-check schemathesis || exit 1
fi
st="$scripts/schemathesis"
[ -x "$st" ] || st=$(command -v schemathesis) || { echo "schemathesis not found after install"; exit 1; }

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== demo database"
"$chiso" --db "$work/demo.db" demo --dossiers 30000 > "$work/demo.log" 2>&1 || { cat "$work/demo.log"; exit 1; }
# An administrator's token, so that the protected operations are exercised
# too (the public's refusals are the web tests' authorisation matrix).
token=$("$chiso" --db "$work/demo.db" token create --name schemathesis --role admin | tail -1)
"$chiso" --db "$work/demo.db" serve --addr "127.0.0.1:$port" > "$work/serve.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
healthy() {
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$base/api/v1/health" 2> /dev/null
}
for _ in $(seq 1 100); do
  healthy && break
  kill -0 "$server" 2>/dev/null || { echo "the server stopped:"; cat "$work/serve.log"; exit 1; }
  sleep 0.2
done
healthy || { echo "the server did not answer on $base"; cat "$work/serve.log"; exit 1; }

echo "== schemathesis against $base/api/openapi.json"
cd "$work"
"$st" run "$base/api/openapi.json" \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples 100 --seed 766 --workers 2 \
  --header "Authorization: Bearer $token" \
  --generation-database none --request-timeout 30 --no-color
status=$?
if grep -q "lỗi nội bộ" "$work/serve.log"; then
  echo "== server log (internal errors)"
  grep "lỗi nội bộ" "$work/serve.log" | head -20
fi
if [ "$status" -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $status
