#!/usr/bin/env bash
# Times `rounds due` on the same roster kept as residents.csv and as residents.xlsx.
#
#     examples/bench_xlsx_roster.sh                 # about 100,000 residents, 7 runs
#     HOUSEHOLDS=10000 RUNS=5 examples/bench_xlsx_roster.sh
#
# A city from examples/gen.rs (HOUSEHOLDS households, about 2.3 residents each, VISITS
# visits, seed 1) is written to $BENCH_DIR/csv; examples/gen_xlsx_roster.rs converts its
# roster to $BENCH_DIR/xlsx/residents.xlsx (the other files copied). For each, RUNS times:
#   cold: .rounds-cache removed first (the roster parsed, and the cache written)
#   warm: the cache the cold run wrote answers (the roster not parsed)
# of `rounds --today 2024-12-31 due --all --format csv`, and prints the medians (wall time,
# seconds). The outputs of the two directories are compared: they must be identical.
set -euo pipefail

HOUSEHOLDS=${HOUSEHOLDS:-43500}
VISITS=${VISITS:-100000}
RUNS=${RUNS:-7}
BENCH_DIR=${BENCH_DIR:-/tmp/rounds-bench-xlsx}
TARGET=${CARGO_TARGET_DIR:-target}

cargo build --release --bin rounds --example gen --example gen_xlsx_roster >&2
ROUNDS="$TARGET/release/rounds"
mkdir -p "$BENCH_DIR"
rm -rf "$BENCH_DIR/csv" "$BENCH_DIR/xlsx"
"$TARGET/release/examples/gen" --households "$HOUSEHOLDS" --visits "$VISITS" --out "$BENCH_DIR/csv" --seed 1 >&2
"$TARGET/release/examples/gen_xlsx_roster" "$BENCH_DIR/csv" "$BENCH_DIR/xlsx"
# Files changed in the last moments are not cached: age them.
touch -d '1 minute ago' "$BENCH_DIR"/csv/* "$BENCH_DIR"/xlsx/*

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

run() { "$ROUNDS" --data "$1" --today 2024-12-31 due --all --format csv; }

residents=$(($(wc -l < "$BENCH_DIR/csv/residents.csv") - 1))
echo "roster: $residents residents, $HOUSEHOLDS households; visits.csv: $VISITS visits"
echo "residents.csv $(du -k "$BENCH_DIR/csv/residents.csv" | cut -f1) KiB, residents.xlsx $(du -k "$BENCH_DIR/xlsx/residents.xlsx" | cut -f1) KiB"
for kind in csv xlsx; do
    dir="$BENCH_DIR/$kind"
    rm -rf "$dir/.rounds-cache" "$dir/.rounds"
    run "$dir" > "$BENCH_DIR/$kind.out"
    cold=() warm=()
    for _ in $(seq "$RUNS"); do
        rm -rf "$dir/.rounds-cache"
        t0=$(now); run "$dir" > /dev/null; t1=$(now)
        cold+=("$(echo "$t1 - $t0" | bc)")
        t0=$(now); run "$dir" > /dev/null; t1=$(now)
        warm+=("$(echo "$t1 - $t0" | bc)")
    done
    printf '%s  cold (parsed) median %.3f s   warm (cached) median %.3f s\n' "$kind" \
        "$(printf '%s\n' "${cold[@]}" | median)" "$(printf '%s\n' "${warm[@]}" | median)"
done
cmp "$BENCH_DIR/csv.out" "$BENCH_DIR/xlsx.out" && echo "outputs identical"
