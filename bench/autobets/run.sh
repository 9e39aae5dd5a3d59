#!/usr/bin/env bash
# AutoBets throughput: the engine (group commit) against the one-SQLite-transaction-per-wager
# baseline, run by `autobets bench` on the same wagers in the same process. Each
# configuration runs three times; the medians are printed.
#
#   bench/autobets/run.sh [build-dir]      (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="${1:-$root/build}/bin/autobets"
[[ -x "$bin" ]] || { echo "no $bin: build first (bash scripts/start builds it)" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
field() { sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }

printf '%-28s %12s %9s %9s %12s %8s %6s %6s\n' configuration wagers/s p50_us p99_us \
  baseline/s speedup overdr mismat
for config in "64 8 200000" "1 8 200000" "8 16 200000"; do
  read -r users workers wagers <<<"$config"
  runs=()
  for i in 1 2 3; do
    runs+=("$("$bin" bench --db "$scratch/b$i.db" --users "$users" --workers "$workers" \
      --wagers "$wagers" --json)")
  done
  m() { for r in "${runs[@]}"; do echo "$r" | field "$1"; done | median; }
  printf '%-28s %12s %9s %9s %12s %8s %6s %6s\n' \
    "users=$users workers=$workers" "$(m wagers_per_s)" "$(m p50_us)" "$(m p99_us)" \
    "$(m baseline_wagers_per_s)" "$(m speedup)" "$(m overdrafts)" "$(m mismatches)"
done
