#!/usr/bin/env bash
# Benchmarks dorkgen against crunch, in one run, and prints the figures and ratios the Dork
# Generator issue asks for:
#   - exhaustive (--all) bytes/s to /dev/null and to a file, and crunch's bytes/s for a similar
#     number of bytes (crunch writes to /dev/null too);
#   - sampling-mode unique queries/s (one thread);
#   - peak RSS of 10M- and 100M-query runs in both modes;
#   - `sort -u` checks that outputs hold no duplicates (10M runs; 100M runs too with --full).
#
#   bench/dorkgen/run.sh [--full] [path/to/dorkgen]
#
# When <bin>/../bench-bin/dorkgen_micro_bench is built (target dorkgen_micro_bench), its
# per-operation figures are printed at the end.
#
# Needs crunch and GNU time (Debian packages crunch, time). Uses a temporary directory on the
# same file system as $TMPDIR (several GB with --full).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
full=0
if [[ "${1:-}" == "--full" ]]; then
  full=1
  shift
fi
bin=${1:-$root/build/bin/dorkgen}
[[ -x "$bin" ]] || { echo "run.sh: no dorkgen binary at $bin (build it first)" >&2; exit 2; }
command -v crunch >/dev/null || { echo "run.sh: crunch is not installed" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "run.sh: GNU time (/usr/bin/time) is not installed" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
presets=$work/presets
mkdir -p "$presets/pools" "$presets/templates"

# Deterministic pools of distinct lowercase words: 100 each, and one of 1000.
make_pool() { # name count seed
  awk -v n="$2" -v seed="$3" 'BEGIN {
    srand(seed); count = 0
    while (count < n) {
      len = 4 + int(rand() * 6); w = ""
      for (i = 0; i < len; i++) w = w sprintf("%c", 97 + int(rand() * 26))
      if (!(w in seen)) { seen[w] = 1; print w; count++ }
    }
  }' > "$presets/pools/$1.txt"
}
make_pool path 100 1
make_pool title 100 2
make_pool word 100 3
make_pool tld 100 4
make_pool big 1000 5
echo 'inurl:{path} intitle:{title} {word} site:{tld}' > "$presets/templates/hundred-million.txt"
echo 'inurl:{path} intitle:{title} {big}' > "$presets/templates/ten-million.txt"
export DORKGEN_PRESETS_DIR=$presets


ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
# timed NAME CMD...: runs CMD under GNU time; afterwards wall_$NAME, cpu_$NAME (user + sys
# seconds) and rss_$NAME (peak KiB) hold the figures. The machine may be shared, so rates are
# given per wall second and per CPU second.
timed() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time-$name" "$@"
  read -r wall user sys rss < "$work/time-$name"
  printf -v "wall_$name" '%s' "$wall"
  printf -v "cpu_$name" '%s' "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
  printf -v "rss_$name" '%s' "$rss"
}

# check_unique FILE: line count against `sort -u` line count.
check_unique() {
  echo "sort -u: $(wc -l < "$1") lines, $(sort -u -S 1G "$1" | wc -l) unique"
}
per() { awk -v a="$1" -v s="$2" 'BEGIN { printf "%.0f", a / s }'; } # amount per second

"$bin" space -t hundred-million | tail -1
"$bin" space -t ten-million | tail -1

echo "== exhaustive (--all), 10M queries to /dev/null, against crunch for as many bytes"
bytes=$("$bin" generate --all -t ten-million --work-dir "$work/w0" -q | wc -c)
timed all10 "$bin" generate --all -t ten-million --work-dir "$work/w1" -q > /dev/null
echo "dorkgen: $(mb "$bytes") in ${wall_all10}s wall, ${cpu_all10}s CPU:" \
  "$(mb "$(per "$bytes" "$wall_all10")")/s wall, $(mb "$(per "$bytes" "$cpu_all10")")/s CPU"
# crunch 8 8 over the first k letters writes k^8 lines of 9 bytes; pick k to match the bytes.
k=$(awk -v b="$bytes" 'BEGIN { best = 2; for (k = 2; k <= 26; k++) {
      d = k ^ 8 * 9 - b; if (d < 0) d = -d
      e = best ^ 8 * 9 - b; if (e < 0) e = -e
      if (d < e) best = k }
    print best }')
charset=$(echo abcdefghijklmnopqrstuvwxyz | cut -c "1-$k")
cbytes=$(awk -v k="$k" 'BEGIN { printf "%.0f", k ^ 8 * 9 }')
timed crunch crunch 8 8 "$charset" 2>/dev/null > /dev/null
echo "crunch 8 8 $charset: $(mb "$cbytes") in ${wall_crunch}s wall, ${cpu_crunch}s CPU:" \
  "$(mb "$(per "$cbytes" "$wall_crunch")")/s wall, $(mb "$(per "$cbytes" "$cpu_crunch")")/s CPU"
echo "RATIO dorkgen/crunch bytes/s: $(ratio "$(per "$bytes" "$wall_all10")" \
  "$(per "$cbytes" "$wall_crunch")")x wall, $(ratio "$(per "$bytes" "$cpu_all10")" \
  "$(per "$cbytes" "$cpu_crunch")")x CPU"

echo "== exhaustive, 100M queries to /dev/null"
bytes100=$("$bin" generate --all -t hundred-million --work-dir "$work/w2" -q | wc -c)
timed all100 "$bin" generate --all -t hundred-million --work-dir "$work/w3" -q > /dev/null
echo "dorkgen: $(mb "$bytes100") in ${wall_all100}s wall, ${cpu_all100}s CPU:" \
  "$(mb "$(per "$bytes100" "$wall_all100")")/s wall, $(mb "$(per "$bytes100" "$cpu_all100")")/s" \
  "CPU; peak RSS ${rss_all100} KiB"

echo "== exhaustive, 10M queries to a file (atomic, fsync'ed)"
timed file10 "$bin" generate --all -t ten-million -o "$work/all-10m.txt" -q
fbytes=$(stat -c %s "$work/all-10m.txt")
echo "dorkgen: $(mb "$fbytes") in ${wall_file10}s wall:" \
  "$(mb "$(per "$fbytes" "$wall_file10")")/s; peak RSS ${rss_file10} KiB"
check_unique "$work/all-10m.txt"
rm -f "$work/all-10m.txt"

echo "== sampling, 10M unique queries, one thread (dedup budget 1 GiB)"
timed sample10 "$bin" generate -n 10000000 -t hundred-million --seed 1 -q > /dev/null
echo "to /dev/null: ${wall_sample10}s wall, ${cpu_sample10}s CPU:" \
  "$(per 10000000 "$wall_sample10") queries/s wall," \
  "$(per 10000000 "$cpu_sample10") queries/s CPU;" \
  "peak RSS ${rss_sample10} KiB"
timed samplefile10 "$bin" generate -n 10000000 -t hundred-million --seed 1 \
  -o "$work/sample-10m.txt" -q
echo "to a file: ${wall_samplefile10}s wall: $(per 10000000 "$wall_samplefile10") queries/s"
check_unique "$work/sample-10m.txt"
rm -f "$work/sample-10m.txt"

echo "== sampling, 100M unique queries, one thread (dedup budget 2 GiB)"
if ((full)); then
  timed sample100 "$bin" generate -n 100000000 -t hundred-million --memory 2GiB \
    -o "$work/sample-100m.txt" -q
else
  timed sample100 "$bin" generate -n 100000000 -t hundred-million --memory 2GiB -q > /dev/null
fi
echo "${wall_sample100}s wall, ${cpu_sample100}s CPU: $(per 100000000 "$wall_sample100")" \
  "queries/s wall, $(per 100000000 "$cpu_sample100") queries/s CPU; peak RSS ${rss_sample100} KiB"
if ((full)); then
  check_unique "$work/sample-100m.txt"
  rm -f "$work/sample-100m.txt"
  echo "== exhaustive, 100M queries to a file, checked with sort -u"
  timed file100 "$bin" generate --all -t hundred-million -o "$work/all-100m.txt" -q
  echo "dorkgen: ${wall_file100}s wall; peak RSS ${rss_file100} KiB"
  check_unique "$work/all-100m.txt"
  rm -f "$work/all-100m.txt"
fi

micro=$(dirname "$bin")/../bench-bin/dorkgen_micro_bench
if [[ -x "$micro" ]]; then
  echo "== engine hot paths (Google Benchmark)"
  "$micro" --benchmark_min_time=0.2 2>/dev/null | grep -E '^BM_'
fi
