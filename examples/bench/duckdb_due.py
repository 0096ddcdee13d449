#!/usr/bin/env python3
"""`rounds due --all --format csv` computed by DuckDB (examples/bench/due.sql).

    duckdb_due.py DIR TODAY [--within N] [-o OUT.csv] > out.csv

Reads DIR/residents.csv and DIR/visits.csv, substitutes the paths, the as-of date and the
columns (English headers in any case, or the Chinese aliases of SPEC.md) into due.sql and
writes the CSV (header household,level,grid,building,unit,room,visitor,last_visit,deadline,
status,days_overdue,days_left; empty cells for nulls) to OUT, or to standard output.
DuckDB runs with its default settings (all cores).
"""
import argparse
import csv
import datetime
import os
import sys

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))

ALIASES = {
    "id": ["id", "编号", "居民编号"],
    "household": ["household", "户号", "户编号"],
    "level": ["level", "关注等级", "等级"],
    "grid": ["grid", "网格"],
    "building": ["building", "楼栋", "楼号"],
    "unit": ["unit", "单元"],
    "room": ["room", "房号", "门牌号"],
    "visitor": ["visitor", "负责人", "网格员"],
    "since": ["since", "登记日期"],
    "until": ["until", "注销日期", "迁出日期"],
    "date": ["date", "日期", "走访日期"],
}


def header_columns(path):
    """Maps canonical field names to the file's own header cells (quoted identifiers)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        header = next(csv.reader(f), [])
    found = {}
    for raw in header:
        key = raw.strip().lower()
        for field, names in ALIASES.items():
            if key in names and field not in found:
                found[field] = '"' + raw.replace('"', '""') + '"'
    return found


def sql_string(s):
    return s.replace("'", "''")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("today", help="as-of date YYYY-MM-DD")
    ap.add_argument("--within", type=int, default=7)
    ap.add_argument("-o", "--out", default="/dev/stdout")
    args = ap.parse_args()
    today = datetime.date.fromisoformat(args.today).isoformat()

    residents = os.path.join(args.dir, "residents.csv")
    visits = os.path.join(args.dir, "visits.csv")
    r = header_columns(residents)
    v = header_columns(visits)
    for need, cols, name in (("id", r, residents), ("level", r, residents),
                             ("date", v, visits), ("household", v, visits)):
        if need not in cols:
            sys.exit(f"duckdb_due.py: {name}: no {need} column")

    subst = {
        "RESIDENTS": sql_string(residents),
        "VISITS": sql_string(visits),
        "TODAY": today,
        "WITHIN": str(args.within),
        "OUT": sql_string(args.out),
        "V_DATE": v["date"],
        "V_HOUSEHOLD": v["household"],
    }
    for field in ("id", "household", "level", "since", "until", "grid", "building", "unit",
                  "room", "visitor"):
        subst["R_" + field.upper()] = r.get(field, "CAST(NULL AS VARCHAR)")

    with open(os.path.join(HERE, "due.sql"), encoding="utf-8") as f:
        sql = f.read()
    for k, val in subst.items():
        sql = sql.replace("${" + k + "}", val)
    if "${" in sql:
        sys.exit("duckdb_due.py: unsubstituted placeholder in due.sql")

    con = duckdb.connect()
    con.execute(sql)
    con.close()


if __name__ == "__main__":
    main()
