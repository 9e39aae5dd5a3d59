#!/usr/bin/env bash
# AutoBets over HTTP: `autobets serve` on a fresh SQLite file, loaded by autobets_http_bench
# (a separate process, keep-alive, closed loop) at 64 connections on 64 users. Three runs;
# prints each run's JSON and the medians, with the load average (the machine may be shared).
#
#   bench/autobets/http_run.sh [build-dir] [seconds] [serve option...]   (defaults: build, 10)
#
# Options after the seconds go to `autobets serve` (e.g. --commit-gather-us 300).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build="${1:-$root/build}"
seconds="${2:-10}"
serve_options=("${@:3}")
bin="$build/bin/autobets"
bench="$build/bin/autobets_http_bench"
for b in "$bin" "$bench"; do
  [[ -x "$b" ]] || { echo "no $b: build autobets and autobets_http_bench first" >&2; exit 2; }
done
scratch=$(mktemp -d)
server=""
cleanup() {
  if [[ -n "$server" ]]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
field() { sed -E "s/.*\"$1\": ([0-9.]+).*/\1/"; }

runs=()
for i in 1 2 3; do
  db="$scratch/h$i.db"
  "$bin" --db "$db" init --max-payout 1000000000000000 >/dev/null
  key=$("$bin" --db "$db" --json keys create --scope admin | sed -E 's/.*"token":"([^"]+)".*/\1/')
  "$bin" --db "$db" serve --listen 127.0.0.1:0 "${serve_options[@]}" >"$scratch/out" 2>"$scratch/err" &
  server=$!
  for _ in $(seq 500); do grep -q '127.0.0.1:' "$scratch/out" && break; sleep 0.01; done
  port=$(sed -nE 's/.*127\.0\.0\.1:([0-9]+).*/\1/p' "$scratch/out")
  run=$("$bench" --port "$port" --key "$key" --connections 64 --users 64 --seconds "$seconds")
  echo "run $i: $run (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  runs+=("$run")
  kill -TERM "$server"; wait "$server"; server=""
done
m() { for r in "${runs[@]}"; do echo "$r" | field "$1"; done | median; }
echo "median of 3: wagers/s $(m wagers_per_s), p50_us $(m p50_us), p99_us $(m p99_us)"
