#!/usr/bin/env bash
# The rules of rounds as SQL on a warehouse engine, compared with rounds.
#
#     examples/warehouse/compare.sh [--engine duckdb|spark] [--today D]... DATA_DIR...
#     examples/warehouse/compare.sh tests/conformance/{history,rolling,zh}
#     examples/warehouse/compare.sh --engine spark tests/conformance/{history,rolling,zh}
#
# Builds rounds (release), makes a Python virtualenv with DuckDB (or PySpark; Spark
# also needs a Java runtime: when `java` is missing the script installs Debian's
# default-jre-headless with apt-get), then for each data directory and each case
# (each --today given, else every day of its dates.txt, else today, with the
# report of that day's month; and every report its
# expected/MANIFEST.tsv names) exports the directory with `rounds export`, runs
# models.sql on the engine and compares `rounds due --all --format csv` and the
# report JSON's SPEC keys with what SQL computed (compare.py). The last line is
# `N passed, N failed`.
#
# Environment (optional):
#   WAREHOUSE_DIR=/tmp/rounds-warehouse   the virtualenv and the exported tables
#   ROUNDS=path/to/rounds                 a rounds binary to use instead of building one
#   CARGO_TARGET_DIR                      honoured, as by cargo
#
# Exit status: 0 when every case agreed, 1 when one did not, 2 when something could
# not run.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WAREHOUSE_DIR=${WAREHOUSE_DIR:-/tmp/rounds-warehouse}
ENGINE=duckdb
DAYS=()

die() { echo "compare.sh: $*" >&2; exit 2; }
log() { echo "== $*" >&2; }

while [[ $# -gt 0 ]]; do
    case $1 in
        --engine) [[ $# -ge 2 ]] || die "--engine needs duckdb or spark"; ENGINE=$2; shift 2 ;;
        --engine=*) ENGINE=${1#--engine=}; shift ;;
        --today) [[ $# -ge 2 ]] || die "--today needs a date"; DAYS+=(--today "$2"); shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --) shift; break ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) break ;;
    esac
done
[[ $ENGINE == duckdb || $ENGINE == spark ]] || die "--engine is duckdb or spark, not '$ENGINE'"
[[ $# -ge 1 ]] || die "name at least one data directory (see --help)"
DATA=()
for d in "$@"; do
    [[ -d $d ]] || die "$d is not a directory"
    DATA+=("$(cd "$d" && pwd)")
done

if [[ -z ${ROUNDS:-} ]]; then
    log "building rounds (release)"
    (cd "$ROOT" && cargo build --release --quiet)
    ROUNDS=${CARGO_TARGET_DIR:-$ROOT/target}/release/rounds
    [[ $ROUNDS = /* ]] || ROUNDS=$ROOT/$ROUNDS
fi
[[ -x $ROUNDS ]] || die "no rounds binary at $ROUNDS"

mkdir -p "$WAREHOUSE_DIR"
VENV=$WAREHOUSE_DIR/venv
PACKAGE=duckdb
[[ $ENGINE == spark ]] && PACKAGE=pyspark
if ! "$VENV/bin/python" -c "import $PACKAGE" 2>/dev/null; then
    log "installing $PACKAGE into $VENV"
    python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install python3-venv)"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "$PACKAGE" \
        || die "pip could not install $PACKAGE"
fi
if [[ $ENGINE == spark ]] && ! command -v java >/dev/null; then
    log "installing a Java runtime (default-jre-headless)"
    SUDO=; [[ $(id -u) -eq 0 ]] || SUDO=sudo
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq default-jre-headless >/dev/null \
        || die "no Java runtime, and apt-get could not install default-jre-headless"
fi

OUT=$WAREHOUSE_DIR/export
rm -rf "$OUT"
log "comparing on $ENGINE: ${DATA[*]}"
exec "$VENV/bin/python" "$HERE/compare.py" --engine "$ENGINE" --rounds "$ROUNDS" --out "$OUT" \
    "${DAYS[@]}" "${DATA[@]}"
