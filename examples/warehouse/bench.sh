#!/usr/bin/env bash
# The warehouse path timed on a generated city, beside rounds itself.
#
#     examples/warehouse/bench.sh DATA_DIR [TODAY [MONTH]]
#     RUNS=3 examples/warehouse/bench.sh /tmp/rounds-bench/data/h1000000 2024-12-31 2024-12
#
# DATA_DIR is a data directory, for example one examples/bench.sh generated
# (examples/gen.rs: --households N --visits-per-household 20 --seed 1). For RUNS
# runs each (medians), it times:
#   rounds export --out DIR          as of TODAY (each run replaces the same partition)
#   models.sql on DuckDB             `due --all` written as csv, and the report's
#                                    figures of MONTH (bench.py)
#   rounds due --all --format csv    with the cache an earlier run wrote, and without
#   rounds report --month MONTH --format json, with the cache and without
# then prints the Parquet tables' size on disk, checks that DuckDB's `due` rows
# equal rounds' (the SPEC columns) and prints a Markdown table of the medians.
#
# Environment (optional): RUNS=3; WAREHOUSE_DIR=/tmp/rounds-warehouse (the
# virtualenv; the export goes to $WAREHOUSE_DIR/bench-export); ROUNDS=a rounds
# binary to use instead of building one; CARGO_TARGET_DIR honoured.
# Exit status: 0 when DuckDB agreed with rounds, 1 when not, 2 when something
# could not run.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WAREHOUSE_DIR=${WAREHOUSE_DIR:-/tmp/rounds-warehouse}
RUNS=${RUNS:-3}
TIME=/usr/bin/time

die() { echo "bench.sh: $*" >&2; exit 2; }
log() { echo "== $*" >&2; }

[[ $# -ge 1 && -d $1 ]] || die "name a data directory (see the comment at the top)"
DATA=$(cd "$1" && pwd)
TODAY=${2:-2024-12-31}
MONTH=${3:-${TODAY:0:7}}
[[ -x $TIME ]] || die "GNU time is needed at $TIME (apt-get install time)"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive whole number"

if [[ -z ${ROUNDS:-} ]]; then
    log "building rounds (release)"
    (cd "$ROOT" && cargo build --release --quiet)
    ROUNDS=${CARGO_TARGET_DIR:-$ROOT/target}/release/rounds
    [[ $ROUNDS = /* ]] || ROUNDS=$ROOT/$ROUNDS
fi
VENV=$WAREHOUSE_DIR/venv
if ! "$VENV/bin/python" -c "import duckdb" 2>/dev/null; then
    log "installing duckdb into $VENV"
    mkdir -p "$WAREHOUSE_DIR"
    python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet duckdb \
        || die "could not install duckdb"
fi
OUT=$WAREHOUSE_DIR/bench-export
WORK=$WAREHOUSE_DIR/bench-work
rm -rf "$OUT" "$WORK"
mkdir -p "$WORK"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# time_it NAME ENV... -- COMMAND...: RUNS runs, median wall seconds and peak RSS (MiB)
time_it() {
    local name=$1; shift
    local envs=()
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    : > "$WORK/$name.times"
    for _ in $(seq "$RUNS"); do
        env "${envs[@]}" "$TIME" -f '%e %M' -o "$WORK/$name.one" "$@" > "$WORK/$name.stdout"
        cat "$WORK/$name.one" >> "$WORK/$name.times"
    done
    local wall rss
    wall=$(awk '{print $1}' "$WORK/$name.times" | median)
    rss=$(awk '{print $2}' "$WORK/$name.times" | median)
    printf '%s\t%s\t%s\n' "$name" "$wall" "$(awk -v k="$rss" 'BEGIN {printf "%.0f", k/1024}')" \
        >> "$WORK/results.tsv"
}

R=("$ROUNDS" --data "$DATA" --today "$TODAY")
log "rounds export ($RUNS runs)"
"${R[@]}" due --all --format csv > /dev/null   # writes the cache, as a nightly run would
time_it export ROUNDS_CACHE=1 -- "${R[@]}" export --out "$OUT"
log "rounds due and report ($RUNS runs each)"
time_it due-cache ROUNDS_CACHE=1 -- "${R[@]}" due --all --format csv
cp "$WORK/due-cache.stdout" "$WORK/rounds-due.csv"
time_it due-nocache ROUNDS_CACHE=0 -- "${R[@]}" due --all --format csv
time_it report-cache ROUNDS_CACHE=1 -- "${R[@]}" report --month "$MONTH" --format json
time_it report-nocache ROUNDS_CACHE=0 -- "${R[@]}" report --month "$MONTH" --format json
log "DuckDB models ($RUNS runs)"
"$VENV/bin/python" "$HERE/bench.py" "$OUT" "$TODAY" "$MONTH" "$RUNS" "$WORK/duckdb-due.csv" \
    > "$WORK/duckdb.tsv"

SAME=0
"$VENV/bin/python" - "$WORK/rounds-due.csv" "$WORK/duckdb-due.csv" <<'EOF' || SAME=1
import csv, sys
cols = "household,level,grid,building,last_visit,deadline,status,days_overdue,days_left".split(",")
def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [[r[c] for c in cols] for r in csv.DictReader(f)]
a, b = rows(sys.argv[1]), rows(sys.argv[2])
print(f"due --all: rounds {len(a)} rows, DuckDB {len(b)} rows, "
      + ("identical" if a == b else "DIFFERENT"))
sys.exit(0 if a == b else 1)
EOF

val() { awk -F'\t' -v k="$1" -v c="$2" '$1 == k {print $c}' "$WORK/${3:-results.tsv}"; }
households=$(($(wc -l < "$DATA/residents.csv") - 1))
echo
echo "Parquet tables on disk (export of $TODAY):"
du -sh "$OUT"/* | sed "s#$OUT/##"
echo "total $(du -sh "$OUT" | cut -f1)"
echo
echo "| $(basename "$DATA") ($households residents), medians of $RUNS | seconds | peak RSS (MiB) |"
echo "|---|---|---|"
echo "| rounds export (all tables) | $(val export 2) | $(val export 3) |"
echo "| rounds due --all, cache / no cache | $(val due-cache 2) / $(val due-nocache 2) | $(val due-cache 3) / $(val due-nocache 3) |"
echo "| DuckDB models.sql due --all (over the Parquet export) | $(val due 2 duckdb.tsv) | $(val due 3 duckdb.tsv) |"
echo "| rounds report --month, cache / no cache | $(val report-cache 2) / $(val report-nocache 2) | $(val report-cache 3) / $(val report-nocache 3) |"
echo "| DuckDB models.sql report figures | $(val report 2 duckdb.tsv) | (the same process) |"
echo
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
exit $SAME
