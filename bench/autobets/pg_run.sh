#!/usr/bin/env bash
# AutoBets on PostgreSQL: the engine (group commit) against one transaction per wager, on
# one durable server (fsync, synchronous_commit and full_page_writes on: PostgreSQL's
# defaults) started for the run and stopped afterwards. Three runs; medians printed.
#
#   bench/autobets/pg_run.sh [build-dir] [users] [wagers] [baseline_wagers]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="${1:-$root/build}/bin/autobets_pg_bench"
users=${2:-64} wagers=${3:-100000} baseline=${4:-3000}
[[ -x "$bin" ]] || { echo "no $bin: build the target autobets_pg_bench first" >&2; exit 2; }
dir=$(mktemp -u "${TMPDIR:-/tmp}/autobets-pg-bench-XXXXXX")
server="$root/scripts/pg-test-server"
"$server" start "$dir" durable >/dev/null
trap '"$server" stop "$dir"' EXIT
url() { echo "postgresql://autobets@/$1?host=$dir"; }

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
field() { sed -E "s/.*\"$1\":\"?([0-9.a-z]+)\"?.*/\1/"; }
runs=()
for i in 1 2 3; do
  psql -q -X -h "$dir" -U autobets -d postgres -c "CREATE DATABASE e$i" -c "CREATE DATABASE b$i"
  runs+=("$("$bin" "$(url "e$i")" "$(url "b$i")" "$users" "$wagers" "$baseline")")
done
echo "${runs[0]}" | sed -E 's/.*("fsync":"[a-z]+","synchronous_commit":"[a-z]+","full_page_writes":"[a-z]+").*/server: \1/'
m() { for r in "${runs[@]}"; do echo "$r" | field "$1"; done | median; }
printf '%-10s %12s %9s %9s %12s %8s\n' users wagers/s p50_us p99_us baseline/s speedup
printf '%-10s %12s %9s %9s %12s %8s\n' "$users" "$(m wagers_per_s)" "$(m p50_us)" "$(m p99_us)" \
  "$(m baseline_wagers_per_s)" "$(m speedup)"
