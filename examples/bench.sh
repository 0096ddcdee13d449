#!/usr/bin/env bash
# Benchmark: `rounds` against DuckDB on generated cities (examples/gen.rs).
#
#     examples/bench.sh                           # 10k, 100k, 1M and 5M households, 5 runs
#     SIZES="10000 100000" RUNS=3 examples/bench.sh
#
# For each data set (N households, 20 visits per household, seed 1) it times, RUNS times,
# alternating rounds and DuckDB:
#   rounds --data DIR --today 2024-12-31 due --all --format csv   (with the cache an earlier
#                                                                 run wrote, and without)
#   the same `due --all` as a DuckDB query (examples/bench/due.sql via duckdb_due.py)
#   rounds --data DIR --today 2024-12-15 due --all --format csv   (a past day, half a month
#                                                                 before the log's end, with
#                                                                 the visit rows cache), and
#                                                                 DuckDB's query at that day
#   rounds --data DIR --today 2024-12-31 due --visitor W          (a worker's own list, with
#   rounds --data DIR --today 2024-12-31 due --visitor W --format csv        the cache: the
#                                                                 table at COLUMNS=120, and
#                                                                 CSV; W is the worker in
#                                                                 charge of the first
#                                                                 household in residents.csv)
#   rounds --data DIR --today 2024-12-31 report --month 2024-12 --format json
#   the same due and report as the first run after the files changed, with the cache on:
#                                                                 the cache set aside (not
#                                                                 timed), the run writes a
#                                                                 new one, the old is put back
#   rounds --data DIR --today 2024-12-31 check                    (with the cache, and without)
#   for the sets in IMPORT_SIZES (default the 1M one): rounds --today 2025-12-31 import of
#   a 100,000-row log of new visits (2025-01), each run into a fresh copy of the store
#   (the copy is not timed), with the copy's cache and without
# then checks that DuckDB's `due` rows equal rounds' (today's and the past day's), that the
# past day's and the worker's lists equal the same commands run once with ROUNDS_CACHE=0
# (not timed), and prints a Markdown table of the medians (wall time, peak RSS) and a line
# describing the machine.
#
# Environment (all optional):
#   SIZES="10000 100000 1000000 5000000"   households per data set
#   RUNS=5                                  timed runs per command
#   BENCH_DIR=/tmp/rounds-bench             venv, data sets (reused: see the .ok markers),
#                                           outputs and results (out/results.md)
#   IMPORT_SIZES=1000000                    the sets whose import is timed ("" for none)
#   IMPORT_ROWS=100000                      rows in the imported log
#   HISTORY=0                               changes in each set's history.csv (gen --history;
#                                           0: no history). DuckDB's query does not read a
#                                           history: with one, DuckDB is not run (neither
#                                           today nor the past day) and only rounds' outputs
#                                           with and without the cache are compared
#   CARGO_TARGET_DIR                        honoured, as by cargo
#
# A data set is generated once into $BENCH_DIR/data/hN and reused while the marker
# $BENCH_DIR/data/hN.ok names the same generator arguments; delete the marker to remake it.
# To reuse a set made elsewhere with the same arguments, symlink it as $BENCH_DIR/data/hN
# and write the marker by hand (first line: the arguments as below). Timings are not
# affected by the symlink; the import copies the files, so the original is never written.
#
# Exit status: 0 when every command succeeded and DuckDB agreed with rounds everywhere;
# 1 when a comparison failed; 2 when something could not run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/examples/bench
BENCH_DIR=${BENCH_DIR:-/tmp/rounds-bench}
SIZES=${SIZES:-"10000 100000 1000000 5000000"}
RUNS=${RUNS:-5}
IMPORT_SIZES=${IMPORT_SIZES-1000000}
IMPORT_ROWS=${IMPORT_ROWS:-100000}
HISTORY=${HISTORY:-0}
VENV=${VENV:-$BENCH_DIR/venv}
TODAY=2024-12-31
PAST=2024-12-15
MONTH=2024-12
IMPORT_TODAY=2025-12-31
TIME=/usr/bin/time

die() { echo "bench.sh: $*" >&2; exit 2; }
log() { echo "== $*" >&2; }

[[ -x $TIME ]] || die "GNU time is needed at $TIME (apt-get install time)"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive whole number, not '$RUNS'"
[[ $HISTORY =~ ^[0-9]+$ ]] || die "HISTORY must be a whole number, not '$HISTORY'"
mkdir -p "$BENCH_DIR/data" "$BENCH_DIR/out"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
OUT=$BENCH_DIR/out
RESULTS=$OUT/results.tsv
: > "$RESULTS"

# --- 1. build -------------------------------------------------------------------------
cd "$ROOT"
log "building rounds and the examples (release)"
cargo build --release --bins --examples
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
[[ $TARGET == /* ]] || TARGET=$ROOT/$TARGET
ROUNDS=$TARGET/release/rounds
GEN=$TARGET/release/examples/gen
[[ -x $ROUNDS && -x $GEN ]] || die "no $ROUNDS or $GEN after the build"

# --- 2. DuckDB in a virtualenv ----------------------------------------------------------
PY=$VENV/bin/python
if ! "$PY" -c 'import duckdb' 2>/dev/null; then
    log "creating $VENV and installing duckdb"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --disable-pip-version-check duckdb 2>&1 | tee "$BENCH_DIR/pip.log"
fi
DUCKDB_VERSION=$("$PY" -c 'import duckdb; print(duckdb.__version__)')
if [[ -f $BENCH_DIR/pip.log ]] && grep -q 'Successfully installed' "$BENCH_DIR/pip.log"; then
    log "pip said: $(grep 'Successfully installed' "$BENCH_DIR/pip.log")"
fi
log "duckdb $DUCKDB_VERSION"
# What starting Python and importing duckdb costs alone (part of every DuckDB timing).
"$TIME" -f '%e %M' -o "$OUT/time.txt" "$PY" -c 'import duckdb'
read -r PY_SECS PY_KIB < <(tail -n 1 "$OUT/time.txt")

# --- helpers ----------------------------------------------------------------------------
export NO_COLOR=1
unset ROUNDS_DATA

# timed LABEL COMMAND TOOL RUN STDOUT OK_CODES -- CMD...
# Runs CMD under GNU time, stdout to STDOUT, and appends a row to $RESULTS. An exit
# status outside OK_CODES (a comma list) prints the command's stderr and stops the bench.
timed() {
    local label=$1 command=$2 tool=$3 run=$4 stdout=$5 ok=$6
    shift 7
    local tf=$OUT/time.txt errf=$OUT/stderr.txt rc=0 secs kib
    "$TIME" -f '%e %M' -o "$tf" "$@" > "$stdout" 2> "$errf" || rc=$?
    # GNU time puts "Command exited with non-zero status N" before the format line.
    read -r secs kib < <(tail -n 1 "$tf")
    [[ $secs =~ ^[0-9.]+$ && $kib =~ ^[0-9]+$ ]] || { cat "$tf" >&2; die "no timing for: $*"; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$command" "$tool" "$run" "$secs" "$kib" "$rc" >> "$RESULTS"
    printf '   %-7s %-55s run %s: %6ss %7s MiB%s\n' "$tool" "$command" "$run" "$secs" \
        "$((kib / 1024))" "$([[ $rc == 0 ]] || echo " (exit $rc)")" >&2
    if [[ ,$ok, != *,$rc,* ]]; then
        echo "bench.sh: exit status $rc from: $*" >&2
        tail -n 20 "$errf" >&2
        exit 2
    fi
}

human() {  # 1000000 -> 1M
    local n=$1
    if (( n % 1000000 == 0 )); then echo "$((n / 1000000))M"
    elif (( n % 1000 == 0 )); then echo "$((n / 1000))k"
    else echo "$n"; fi
}

# --- 3.–5. data sets, timings, comparison ---------------------------------------------------
FAILED=()
for N in $SIZES; do
    [[ $N =~ ^[1-9][0-9]*$ ]] || die "SIZES: not a household count: $N"
    D=$BENCH_DIR/data/h$N
    ARGS="--households $N --visits-per-household 20 --seed 1"
    if (( HISTORY )); then
        D+=-hist$HISTORY
        ARGS+=" --history $HISTORY"
    fi
    MARK=$D.ok
    if [[ ! -s $MARK || $(head -n 1 "$MARK") != "$ARGS" \
          || ! -f $D/residents.csv || ! -f $D/visits.csv ]]; then
        log "generating $D ($ARGS)"
        rm -rf "$D" "$MARK"
        # shellcheck disable=SC2086
        stats=$("$GEN" $ARGS --out "$D")
        printf '%s\n%s\n' "$ARGS" "$stats" > "$MARK"
    else
        log "reusing $D ($(sed -n 2p "$MARK" | grep -o 'visits=[0-9]*' || true))"
    fi
    visits=$(sed -n 2p "$MARK" | grep -o ' visits=[0-9]*' | cut -d= -f2 || true)
    if [[ -n $visits ]]; then
        LABEL="$(human "$N") households, $(human "$visits") visits"
    else
        LABEL="$(human "$N") households"
    fi
    if (( HISTORY )); then
        LABEL+=", $(human "$HISTORY") changes"
    fi
    O=$OUT/$(basename "$D")
    mkdir -p "$O"

    IMPORT=false
    for s in $IMPORT_SIZES; do [[ $s == "$N" ]] && IMPORT=true; done
    if $IMPORT; then
        LOGFILE=$O/import-log.csv
        "$PY" "$HERE/import_log.py" "$D/visits.csv" "$IMPORT_ROWS" "$LOGFILE" >&2 \
            || die "could not make a $IMPORT_ROWS-row log of new visits from $D (fewer rows?)"
        STORED=$(wc -l < "$D/visits.csv")
        COPY=$O/store-copy
    fi

    # Warm the page cache so that the first run is not the only one reading the disk.
    cat "$D/residents.csv" "$D/visits.csv" > /dev/null
    # The cache (.rounds-cache/) as a worker has it: written by an earlier run. It is not
    # written for files changed within the last 2 seconds.
    rm -rf "$D/.rounds-cache"
    sleep 3
    "$ROUNDS" --data "$D" --today "$TODAY" check > /dev/null 2>&1 || true
    "$ROUNDS" --data "$D" --today "$TODAY" report --month "$MONTH" --format json > /dev/null 2>&1 || true
    # A `due` writes the workers' slices (.rounds-cache/workers) a worker's list reads
    # (not for a roster baseline, .rounds/seen, written in the last 2 seconds).
    sleep 3
    "$ROUNDS" --data "$D" --today "$TODAY" due --all --format csv > /dev/null 2>&1 || true
    [[ -f $D/.rounds-cache/last-visits && -f $D/.rounds-cache/visit-rows \
       && -f $D/.rounds-cache/workers ]] \
        || log "no cache was written in $D (read-only?)"

    # A worker's own list: the worker in charge of the roster's first household.
    W=$("$PY" "$HERE/first_visitor.py" "$D/residents.csv") || die "no worker found in $D/residents.csv"
    log "$LABEL: $RUNS runs (the worker's list: $W)"
    for ((run = 1; run <= RUNS; run++)); do
        timed "$LABEL" "due --all --format csv" rounds "$run" "$O/rounds-due.csv" 0 -- \
            "$ROUNDS" --data "$D" --today "$TODAY" due --all --format csv
        if (( ! HISTORY )); then
            timed "$LABEL" "due --all --format csv" duckdb "$run" "$O/duckdb-due.csv" 0 -- \
                "$PY" "$HERE/duckdb_due.py" "$D" "$TODAY"
        fi
        timed "$LABEL" "due --all --format csv, no cache" rounds "$run" "$O/rounds-due-nocache.csv" 0 -- \
            env ROUNDS_CACHE=0 "$ROUNDS" --data "$D" --today "$TODAY" due --all --format csv
        timed "$LABEL" "due --all --format csv, past day (--today $PAST)" rounds "$run" "$O/rounds-due-past.csv" 0 -- \
            "$ROUNDS" --data "$D" --today "$PAST" due --all --format csv
        if (( ! HISTORY )); then
            timed "$LABEL" "due --all --format csv, past day (--today $PAST)" duckdb "$run" "$O/duckdb-due-past.csv" 0 -- \
                "$PY" "$HERE/duckdb_due.py" "$D" "$PAST"
        fi
        timed "$LABEL" "due --visitor W (table)" rounds "$run" "$O/rounds-due-visitor.txt" 0 -- \
            env COLUMNS=120 "$ROUNDS" --data "$D" --today "$TODAY" due --visitor "$W"
        timed "$LABEL" "due --visitor W --format csv" rounds "$run" "$O/rounds-due-visitor.csv" 0 -- \
            env COLUMNS=120 "$ROUNDS" --data "$D" --today "$TODAY" due --visitor "$W" --format csv
        timed "$LABEL" "report --month $MONTH --format json" rounds "$run" "$O/report.json" 0 -- \
            "$ROUNDS" --data "$D" --today "$TODAY" report --month "$MONTH" --format json
        timed "$LABEL" "report --month $MONTH --format json, no cache" rounds "$run" "$O/report-nocache.json" 0 -- \
            env ROUNDS_CACHE=0 "$ROUNDS" --data "$D" --today "$TODAY" report --month "$MONTH" --format json
        # The first run after the files changed with the cache on (as a worker's first run
        # of the day after the nightly export): no cache yet, the run writes it. The cache
        # the other rows read is set aside (not timed) and put back after. What the runs
        # before wrote is flushed to the disk first (not timed), as it would long be by the
        # morning after the export: the timed run pays for its own writes, not theirs.
        for cmd in due report; do
            rm -rf "$O/cache-aside"
            mv "$D/.rounds-cache" "$O/cache-aside"
            sync
            if [[ $cmd == due ]]; then
                timed "$LABEL" "due --all --format csv, first run (writes the cache)" rounds "$run" \
                    "$O/rounds-due-first.csv" 0 -- \
                    "$ROUNDS" --data "$D" --today "$TODAY" due --all --format csv
            else
                timed "$LABEL" "report --month $MONTH --format json, first run (writes the cache)" rounds "$run" \
                    "$O/report-first.json" 0 -- \
                    "$ROUNDS" --data "$D" --today "$TODAY" report --month "$MONTH" --format json
            fi
            rm -rf "$D/.rounds-cache"
            mv "$O/cache-aside" "$D/.rounds-cache"
        done
        # check: 0 (clean or warnings only) is expected; a non-zero status is shown in the table.
        timed "$LABEL" "check" rounds "$run" "$O/check.txt" 0,1,2,3,4 -- \
            "$ROUNDS" --data "$D" --today "$TODAY" check
        timed "$LABEL" "check, no cache" rounds "$run" "$O/check-nocache.txt" 0,1,2,3,4 -- \
            env ROUNDS_CACHE=0 "$ROUNDS" --data "$D" --today "$TODAY" check
        if $IMPORT; then
            for cache in 1 0; do
                rm -rf "$COPY"
                mkdir -p "$COPY"
                # "$D/." follows a symlinked set; the copy (not timed) is a new file, so
                # the cache copied with it does not match it: an untimed `check` makes one.
                cp -a "$D/." "$COPY/"
                sync "$COPY"/*.csv
                if (( cache )); then
                    "$ROUNDS" --data "$COPY" --today "$TODAY" check > /dev/null 2>&1 || true
                    what=""
                else
                    what=", no cache"
                fi
                timed "$LABEL" "import $(human "$IMPORT_ROWS")-row log (--today $IMPORT_TODAY)$what" rounds "$run" \
                    "$O/import.txt" 0,1 -- \
                    env ROUNDS_CACHE=$cache "$ROUNDS" --data "$COPY" --today "$IMPORT_TODAY" import "$LOGFILE"
                added=$(( $(wc -l < "$COPY/visits.csv") - STORED ))
                if (( added != IMPORT_ROWS )); then
                    echo "bench.sh: import run $run added $added rows, not $IMPORT_ROWS" >&2
                    cat "$O/import.txt" "$OUT/stderr.txt" | tail -n 20 >&2
                    FAILED+=("$LABEL: import added $added of $IMPORT_ROWS rows")
                fi
            done
        fi
    done
    if ! cmp -s "$O/rounds-due.csv" "$O/rounds-due-nocache.csv"; then
        FAILED+=("$LABEL: due with and without the cache differ")
    fi
    if ! cmp -s "$O/report.json" "$O/report-nocache.json"; then
        FAILED+=("$LABEL: report with and without the cache differ")
    fi
    if ! cmp -s "$O/rounds-due.csv" "$O/rounds-due-first.csv" \
        || ! cmp -s "$O/report.json" "$O/report-first.json"; then
        FAILED+=("$LABEL: the first run (writing the cache) differs from the cached one")
    fi
    # The past day's and the worker's lists, each once more without the cache (not timed).
    ROUNDS_CACHE=0 "$ROUNDS" --data "$D" --today "$PAST" due --all --format csv \
        > "$O/rounds-due-past-nocache.csv" || die "due --today $PAST without the cache failed in $D"
    if ! cmp -s "$O/rounds-due-past.csv" "$O/rounds-due-past-nocache.csv"; then
        FAILED+=("$LABEL: due --today $PAST with and without the cache differ")
    fi
    ROUNDS_CACHE=0 COLUMNS=120 "$ROUNDS" --data "$D" --today "$TODAY" due --visitor "$W" \
        > "$O/rounds-due-visitor-nocache.txt" || die "due --visitor $W without the cache failed in $D"
    if ! cmp -s "$O/rounds-due-visitor.txt" "$O/rounds-due-visitor-nocache.txt"; then
        FAILED+=("$LABEL: due --visitor $W (table) with and without the cache differ")
    fi
    ROUNDS_CACHE=0 COLUMNS=120 "$ROUNDS" --data "$D" --today "$TODAY" due --visitor "$W" --format csv \
        > "$O/rounds-due-visitor-nocache.csv" || die "due --visitor $W --format csv without the cache failed in $D"
    if ! cmp -s "$O/rounds-due-visitor.csv" "$O/rounds-due-visitor-nocache.csv"; then
        FAILED+=("$LABEL: due --visitor $W --format csv with and without the cache differ")
    fi
    if $IMPORT; then rm -rf "$COPY"; fi

    if (( HISTORY )); then
        echo "not compared with DuckDB (its query does not read history.csv)" > "$O/compare.txt"
        cp "$O/compare.txt" "$O/compare-past.txt"
        continue
    fi
    log "$LABEL: comparing DuckDB's due with rounds'"
    if "$PY" "$HERE/compare.py" "$O/rounds-due.csv" "$O/duckdb-due.csv" | tee "$O/compare.txt" >&2; then
        :
    else
        FAILED+=("$LABEL: DuckDB and rounds disagree (see $O/compare.txt)")
    fi
    log "$LABEL: comparing DuckDB's due with rounds' on the past day ($PAST)"
    if "$PY" "$HERE/compare.py" "$O/rounds-due-past.csv" "$O/duckdb-due-past.csv" | tee "$O/compare-past.txt" >&2; then
        :
    else
        FAILED+=("$LABEL: DuckDB and rounds disagree on $PAST (see $O/compare-past.txt)")
    fi
done

# --- 6. the table -----------------------------------------------------------------------------
cpu=$(grep -m 1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$ROOT" status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null) ]]; then
    commit+=" + uncommitted changes"
fi
{
    "$PY" "$HERE/summarize.py" "$RESULTS"
    echo
    echo "Machine: $(nproc) CPUs ($cpu), $mem RAM, Linux $(uname -r); $(rustc --version);" \
         "DuckDB $DUCKDB_VERSION (Python $("$PY" -c 'import platform; print(platform.python_version())'), default threads);" \
         "rounds at $commit."
    echo "Starting Python and importing duckdb alone takes ${PY_SECS} s and $((PY_KIB / 1024)) MiB."
    for N in $SIZES; do
        name=h$N
        if (( HISTORY )); then name+=-hist$HISTORY; fi
        echo "- $name: $(head -n 1 "$OUT/$name/compare.txt")"
        echo "- $name, --today $PAST: $(head -n 1 "$OUT/$name/compare-past.txt")"
    done
} > "$OUT/results.md"
echo
cat "$OUT/results.md"

if (( ${#FAILED[@]} )); then
    echo
    for f in "${FAILED[@]}"; do echo "FAIL: $f"; done
    exit 1
fi
