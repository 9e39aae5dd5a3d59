#!/usr/bin/env bash
# Mikami benchmarks against mikami-sandbox with Discord-like limits (5 requests per 5 s per
# channel bucket, 50/s global). Usage: bench/mikami/run.sh [build dir] [--quick]
#   --quick uses 500 ms bucket windows (about 10 s instead of about 95 s).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
window_ms=5000
[[ "${2:-}" == "--quick" || "${1:-}" == "--quick" ]] && window_ms=500
[[ "$build" == "--quick" ]] && build=$root/build
cmake --build "$build" --target mikami-sandbox mikami_rest_bench mikami_gateway_bench \
  mikami_ingest_bench mikami_e2e_bench >/dev/null
bin=$build/bin
out=$(mktemp)
"$bin/mikami-sandbox" --port 0 --bucket-limit 5 --bucket-window-ms "$window_ms" \
  --global-limit 50 >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do grep -q listening "$out" && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out")
stats() { curl -s "http://127.0.0.1:$port/_sandbox/stats" 2>/dev/null; }
"$bin/mikami_rest_bench" "http://127.0.0.1:$port/api/v10" 5 "$window_ms"
echo "  sandbox stats after mikami: $(stats)"
# The same load through discord.js's REST client, when scripts/setup could install it. The
# sandbox's counters are cumulative: subtract the line above to get discord.js's share.
if command -v node >/dev/null && [[ -d "$root/mikami/fidelity/node_modules/@discordjs/rest" ]]; then
  sleep $(((window_ms + 999) / 1000))  # let every bucket window close first
  node "$root/bench/mikami/rest_bench_discordjs.cjs" "http://127.0.0.1:$port/api/v10" 5 \
    "$window_ms"
  echo "  sandbox stats after discord.js: $(stats)"
fi
"$bin/mikami_gateway_bench" "$port" 100000
# Ingestion into model + cache from a recorded zlib-stream (no sandbox involved).
"$bin/mikami_ingest_bench" 100000 10 1000 5
# End to end: the bot against a sandbox with 1,000 extra members and the same limits.
"$bin/mikami-sandbox" --port 0 --members 1000 --bucket-limit 5 --bucket-window-ms "$window_ms" \
  --global-limit 50 >"$out.e2e" &
pid2=$!
trap 'kill $pid $pid2 2>/dev/null; rm -f "$out" "$out.e2e"' EXIT
for _ in $(seq 50); do grep -q listening "$out.e2e" && break; sleep 0.1; done
port2=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out.e2e")
"$bin/mikami_e2e_bench" "$port2" 5 1000 1000
