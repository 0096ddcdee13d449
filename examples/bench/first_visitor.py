#!/usr/bin/env python3
"""Prints the worker in charge of the first household in a roster.

    first_visitor.py DIR/residents.csv

The worker is the `visitor` cell of the first data row (its header in any case, or a
Chinese alias of SPEC.md: 负责人, 网格员, as duckdb_due.py reads them). Exit status 1, with
a message, when the roster has no such column or no row naming a worker.
"""
import csv
import sys

VISITOR = ["visitor", "负责人", "网格员"]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = [c.strip().lower() for c in next(reader, [])]
        col = next((i for i, c in enumerate(header) if c in VISITOR), None)
        if col is None:
            sys.exit(f"first_visitor.py: {path}: no visitor column (header: {','.join(header)})")
        for row in reader:
            if col < len(row) and row[col].strip():
                print(row[col].strip())
                return 0
    sys.exit(f"first_visitor.py: {path}: no row names a visitor")


if __name__ == "__main__":
    sys.exit(main())
