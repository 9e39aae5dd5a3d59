#!/usr/bin/env bash
# Fidelity test: discord.js's REST client (@discordjs/rest, installed by scripts/setup into
# mikami/fidelity/node_modules, which git ignores) against the mikami-sandbox binary.
# Exits 77 (skipped) when node or the package is not available.
#   run_rest_fidelity.sh <path to mikami-sandbox>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sandbox=$1
if ! command -v node >/dev/null || [[ ! -d "$here/node_modules/@discordjs/rest" ]]; then
  echo "skipped: node or @discordjs/rest is not installed (scripts/setup installs it)"
  exit 77
fi
out=$(mktemp)
"$sandbox" --port 0 --bucket-window-ms 1000 --channel-rename-limit 2 \
  --channel-rename-window-ms 1500 >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.05; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out")
[[ -n "$port" ]] || { echo "sandbox did not start"; exit 1; }
node "$here/rest_fidelity.mjs" "$port" 12 2
