#!/usr/bin/env bash
# The official Cloudinary SDKs against a running console: a fresh data directory, an
# Enterprise account and an account API key made with the server's CLI, the server on a
# spare port, then Python (cloudinary 1.46.3 and 1.44.1) and Node (cloudinary 2.11.0).
# Then schemathesis fuzzes the API from its OpenAPI document, and scim2-tester checks
# /scim/v2/ with a SCIM token made with the CLI. Called by `make test-sdk` with the server
# binary as $1.
set -euo pipefail

SERVER=${1:?usage: run.sh path/to/server}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=$ROOT/target/sdk-data
PORT=${SDK_TEST_PORT:-3107}
URL=http://127.0.0.1:$PORT

rm -rf "$DATA" && mkdir -p "$DATA"
export CONSOLE_DATA_DIR=$DATA RUST_LOG=warn
echo "an uncommon sdk test passphrase" | "$SERVER" bootstrap \
  --account-name "SDK Test" --email root@sdk.example.com --plan enterprise > "$DATA/account.json"
KEY_JSON=$("$SERVER" account-api-key create --name sdk)
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$KEY_JSON" "$1"; }
ACCOUNT_ID=$(field account_id)
KEY=$(field key)
SECRET=$(field secret)
SCIM_TOKEN=$("$SERVER" scim-token create --name conformance | python3 -c "import json,sys; print(json.load(sys.stdin)['token'])")

# The SDKs run back to back: lift the per-second limit, keep the hourly one.
CONSOLE_PROVISIONING_PER_SECOND_LIMIT=1000 "$SERVER" --addr "127.0.0.1:$PORT" > "$DATA/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.2
done

export CLOUDINARY_URL="cloudinary://x:y@anycloud?upload_prefix=$URL"
export CLOUDINARY_ACCOUNT_URL="account://$KEY:$SECRET@$ACCOUNT_ID"
for version in 1.46.3 1.44.1; do
  "$ROOT/target/sdk-python-$version/bin/python" "$HERE/python_sdk.py"
done

# Node picks http or https when the module loads: the prefix is in the URL before then.
CLOUDINARY_ACCOUNT_URL="account://$KEY:$SECRET@$ACCOUNT_ID?upload_prefix=$URL" \
  node "$HERE/node_sdk.js"

# Fuzz the API from its OpenAPI document (schemathesis, bounded): no answer may be a 5xx.
# The path's account is this account, so requests get past authentication.
cat > "$DATA/schemathesis.toml" <<TOML
[parameters]
"path.account_id" = "$ACCOUNT_ID"
TOML
"$ROOT/target/schemathesis-venv/bin/st" --config-file "$DATA/schemathesis.toml" run \
  "$ROOT/server/openapi.json" --url "$URL" --auth "$KEY:$SECRET" \
  --checks not_a_server_error --max-examples "${FUZZ_EXAMPLES:-30}" --seed 20261125 \
  --max-time "${FUZZ_SECONDS:-120}" --workers 2 --warnings off

# SCIM 2.0 conformance: every check scim2-tester runs must pass.
SCIM_URL="$URL/scim/v2" SCIM_TOKEN="$SCIM_TOKEN" \
  "$ROOT/target/scim-tester-venv/bin/python" "$HERE/scim_conformance.py"
