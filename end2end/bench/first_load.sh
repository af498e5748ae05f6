#!/usr/bin/env bash
# The first-load benchmark (`make bench`): the release build as a user gets it. A fresh
# data directory and account made with the server's CLI, the release server on a spare
# port serving target/site, then Chromium loads /login and, signed in, /users (see
# first_load.js). Called with the server binary as $1.
set -euo pipefail

SERVER=${1:?usage: first_load.sh path/to/server}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=$ROOT/target/bench-first-load
PORT=${BENCH_PORT:-3109}
EMAIL=root@bench.example.com
PASSWORD="an uncommon first load passphrase"

rm -rf "$DATA" && mkdir -p -m 700 "$DATA"
export CONSOLE_DATA_DIR=$DATA CONSOLE_SECRET_KEY_FILE=$DATA.key RUST_LOG=warn
rm -f "$DATA.key"
echo "$PASSWORD" | "$SERVER" bootstrap --account-name "First load" --email "$EMAIL" --plan enterprise > /dev/null
LEPTOS_SITE_ROOT=$ROOT/target/site "$SERVER" --addr "127.0.0.1:$PORT" > "$DATA/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$DATA.key"' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  kill -0 $PID 2>/dev/null || { cat "$DATA/server.log"; exit 1; }
  sleep 0.2
done
cd "$ROOT/end2end" && node bench/first_load.js "http://127.0.0.1:$PORT" "$EMAIL" "$PASSWORD"
