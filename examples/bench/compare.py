#!/usr/bin/env python3
"""Compares two `due --all --format csv` outputs (rounds' and DuckDB's).

    compare.py ROUNDS.csv DUCKDB.csv

Rows are compared as sets, sorted by household, on household, level, last_visit,
deadline, status, days_overdue, days_left, and also on grid, building, unit, room and
visitor. Prints PASS (and whether the row order is the same too) or FAIL with the first
differing rows; exit status 0 on PASS, 1 on FAIL.
"""
import csv
import filecmp
import sys

KEY = ["household", "level", "last_visit", "deadline", "status", "days_overdue", "days_left"]
ADDRESS = ["grid", "building", "unit", "room", "visitor"]
COLUMNS = KEY + ADDRESS
SHOW = 10


def load(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            sys.exit(f"FAIL: {path} is empty")
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            sys.exit(f"FAIL: {path}: no column {', '.join(missing)} (header: {','.join(header)})")
        idx = [header.index(c) for c in COLUMNS]
        return [tuple(row[i] for i in idx) for row in reader if row]


def show(row):
    return ",".join(row)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a_path, b_path = sys.argv[1:]
    if filecmp.cmp(a_path, b_path, shallow=False):
        with open(a_path, "rb") as f:
            n = sum(1 for _ in f) - 1
        print(f"PASS: {n} rows, byte-identical (same rows, same order)")
        return 0
    a, b = load(a_path), load(b_path)
    if a == b:
        print(f"PASS: {len(a)} rows agree on {','.join(COLUMNS)}, in the same order "
              "(the files differ in formatting only)")
        return 0
    first_out_of_order = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    a_in_order, b_in_order = a[first_out_of_order:first_out_of_order + 3], b[first_out_of_order:first_out_of_order + 3]
    a.sort()
    b.sort()
    if a == b:
        print(f"FAIL: the {len(a)} rows agree on {','.join(COLUMNS)}, but not their order; "
              f"from data row {first_out_of_order + 1}:")
        for x, y in zip(a_in_order, b_in_order):
            print(f"    rounds: {show(x)}")
            print(f"    duckdb: {show(y)}")
        return 1

    print(f"FAIL: rounds has {len(a)} rows, DuckDB {len(b)}")
    print(f"      columns: {','.join(COLUMNS)}")
    i = j = shown = 0
    counts = {"differ": 0, "rounds only": 0, "duckdb only": 0}
    by_column = {c: 0 for c in COLUMNS}
    while i < len(a) or j < len(b):
        ka = a[i][0] if i < len(a) else None
        kb = b[j][0] if j < len(b) else None
        if ka is not None and kb is not None and ka == kb:
            if a[i] != b[j]:
                counts["differ"] += 1
                cols = [c for c, x, y in zip(COLUMNS, a[i], b[j]) if x != y]
                for c in cols:
                    by_column[c] += 1
                if shown < SHOW:
                    print(f"  household {ka}: differs in {','.join(cols)}")
                    print(f"    rounds: {show(a[i])}")
                    print(f"    duckdb: {show(b[j])}")
                    shown += 1
            i += 1
            j += 1
        elif kb is None or (ka is not None and ka < kb):
            counts["rounds only"] += 1
            if shown < SHOW:
                print(f"  household {ka}: only in rounds: {show(a[i])}")
                shown += 1
            i += 1
        else:
            counts["duckdb only"] += 1
            if shown < SHOW:
                print(f"  household {kb}: only in DuckDB: {show(b[j])}")
                shown += 1
            j += 1
    print("  totals: " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    print("  rows differing per column: " + ", ".join(f"{k}: {v}" for k, v in by_column.items() if v))
    return 1


if __name__ == "__main__":
    sys.exit(main())
