#!/usr/bin/env bash
# Fidelity test: discord.js's gateway client (@discordjs/ws, installed by scripts/setup into
# mikami/fidelity/node_modules, which git ignores) against the mikami-sandbox binary:
# identify, dispatches, drops of every resumable kind, RESUME without losing an event.
# Exits 77 (skipped) when node or the packages are not available.
#   run_ws_fidelity.sh <path to mikami-sandbox>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sandbox=$1
if ! command -v node >/dev/null || [[ ! -d "$here/node_modules/@discordjs/ws" ]] ||
  [[ ! -d "$here/node_modules/@discordjs/rest" ]]; then
  echo "skipped: node or @discordjs/ws is not installed (scripts/setup installs it)"
  exit 77
fi
out=$(mktemp)
# Short heartbeats so a connection that stops getting ACKs is noticed within a second.
"$sandbox" --port 0 --heartbeat-interval-ms 400 >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.05; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out")
[[ -n "$port" ]] || { echo "sandbox did not start"; exit 1; }
node "$here/ws_fidelity.mjs" "$port" 20
