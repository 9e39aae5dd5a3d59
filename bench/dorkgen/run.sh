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

now() { date +%s.%N; }
rate() { awk -v a="$1" -v s="$2" 'BEGIN { printf "%.0f", a / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
peak_kib() { awk '/Maximum resident set size/ { print $6 }' "$1"; }

"$bin" space -t hundred-million | tail -1
"$bin" space -t ten-million | tail -1

echo "== exhaustive, 100M queries"
bytes=$("$bin" generate --all -t hundred-million --work-dir "$work/w0" -q | wc -c)
start=$(now)
/usr/bin/time -v -o "$work/time-all-100m" \
  "$bin" generate --all -t hundred-million --work-dir "$work/w1" -q > /dev/null
secs=$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')
all_null=$(rate "$bytes" "$secs")
echo "to /dev/null: $(mb "$bytes") in ${secs}s = $(mb "$all_null")/s, peak RSS $(peak_kib "$work/time-all-100m") KiB"

echo "== crunch, a similar number of bytes"
# crunch 8 8 over the first k letters writes k^8 lines of 9 bytes; pick k to match the bytes.
k=$(awk -v b="$bytes" 'BEGIN { best = 2; for (k = 2; k <= 26; k++) {
      d = k ^ 8 * 9 - b; if (d < 0) d = -d
      e = best ^ 8 * 9 - b; if (e < 0) e = -e
      if (d < e) best = k }
    print best }')
charset=$(echo abcdefghijklmnopqrstuvwxyz | cut -c "1-$k")
cbytes=$(awk -v k="$k" 'BEGIN { printf "%.0f", k ^ 8 * 9 }')
start=$(now)
crunch 8 8 "$charset" 2>/dev/null > /dev/null
csecs=$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')
crunch_rate=$(rate "$cbytes" "$csecs")
echo "crunch 8 8 $charset to /dev/null: $(mb "$cbytes") in ${csecs}s = $(mb "$crunch_rate")/s"
echo "ratio dorkgen/crunch (to /dev/null): $(ratio "$all_null" "$crunch_rate")x"

echo "== exhaustive, 10M queries to a file (atomic, fsync'ed)"
start=$(now)
/usr/bin/time -v -o "$work/time-all-10m" \
  "$bin" generate --all -t ten-million -o "$work/all-10m.txt" -q
secs=$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')
fbytes=$(stat -c %s "$work/all-10m.txt")
echo "to a file: $(mb "$fbytes") in ${secs}s = $(mb "$(rate "$fbytes" "$secs")")/s, peak RSS $(peak_kib "$work/time-all-10m") KiB"
echo "sort -u: $(wc -l < "$work/all-10m.txt") lines, $(sort -u -S 1G "$work/all-10m.txt" | wc -l) unique"
rm -f "$work/all-10m.txt"

echo "== sampling, 10M queries (one thread)"
start=$(now)
/usr/bin/time -v -o "$work/time-sample-10m" \
  "$bin" generate -n 10000000 -t hundred-million --seed 1 -o "$work/sample-10m.txt" -q
secs=$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')
echo "10M unique queries to a file in ${secs}s = $(rate 10000000 "$secs") queries/s, peak RSS $(peak_kib "$work/time-sample-10m") KiB (dedup budget 1 GiB)"
start=$(now)
"$bin" generate -n 10000000 -t hundred-million --seed 1 -q > /dev/null
secs=$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')
echo "10M unique queries to /dev/null in ${secs}s = $(rate 10000000 "$secs") queries/s"
echo "sort -u: $(wc -l < "$work/sample-10m.txt") lines, $(sort -u -S 1G "$work/sample-10m.txt" | wc -l) unique"
rm -f "$work/sample-10m.txt"

echo "== sampling, 100M queries (dedup budget 2 GiB)"
start=$(now)
if ((full)); then
  /usr/bin/time -v -o "$work/time-sample-100m" "$bin" generate -n 100000000 -t hundred-million \
    --memory 2GiB -o "$work/sample-100m.txt" -q
else
  /usr/bin/time -v -o "$work/time-sample-100m" "$bin" generate -n 100000000 -t hundred-million \
    --memory 2GiB -q > /dev/null
fi
secs=$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')
echo "100M unique queries in ${secs}s = $(rate 100000000 "$secs") queries/s, peak RSS $(peak_kib "$work/time-sample-100m") KiB"
if ((full)); then
  echo "sort -u: $(wc -l < "$work/sample-100m.txt") lines, $(sort -u -S 2G "$work/sample-100m.txt" | wc -l) unique"
  rm -f "$work/sample-100m.txt"
  "$bin" generate --all -t hundred-million -o "$work/all-100m.txt" -q
  echo "exhaustive 100M sort -u: $(wc -l < "$work/all-100m.txt") lines, $(sort -u -S 2G "$work/all-100m.txt" | wc -l) unique"
fi
