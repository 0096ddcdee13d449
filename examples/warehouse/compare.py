"""Runs models.sql on DuckDB or Spark over `rounds export` tables and compares
with rounds itself. compare.sh sets up the engines and calls this; see README.md.

    python compare.py --engine duckdb|spark --rounds BIN --out DIR [--today D]... DATA_DIR...

For each data directory, the cases are: every day given with --today (else of
its dates.txt, else today), `due --all` as of that day and the report of that day's month; and
every `report --month M --today T` its expected/MANIFEST.tsv names. Each case
exports the directory as of T into DIR (one partition per day), points the
models at that partition, and compares `due --all --format csv` row for row
and the report JSON's SPEC keys. Prints one line per failed case, then
`N passed, N failed`. Exit status 0 when all passed, 1 otherwise.
"""

import argparse
import calendar
import csv
import datetime
import io
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TABLES = ["residents", "history", "visits", "settings", "levels"]
LEVELS = ["red", "orange", "yellow", "green"]


def statements(path):
    """The SQL statements of a file, its whole-line comments left out."""
    with open(path, encoding="utf-8") as f:
        text = "\n".join(
            line for line in f.read().splitlines() if not line.lstrip().startswith("--")
        )
    return [s.strip() for s in text.split(";") if s.strip()]


def quoted(text):
    return "'" + text.replace("'", "''") + "'"


class DuckDB:
    name = "duckdb"
    # DuckDB binds a view's names when it is queried: the models are made
    # once and follow run_day and report_span as they are replaced.
    rebinds = False

    def __init__(self):
        import duckdb

        self.db = duckdb.connect()
        for s in statements(os.path.join(HERE, "duckdb_prelude.sql")):
            self.db.execute(s)

    def table(self, name, path, where):
        glob = os.path.join(path, name, "*", "*.parquet")
        self.db.execute(
            f"CREATE OR REPLACE TEMPORARY VIEW {name} AS SELECT * FROM "
            f"read_parquet({quoted(glob)}, hive_partitioning = true, union_by_name = true) "
            f"WHERE {where}"
        )

    def run(self, sql):
        self.db.execute(sql)

    def rows(self, sql):
        return self.db.execute(sql).fetchall()


class Spark:
    name = "spark"
    # Spark may keep what a view referred to when it was made: the models
    # are made again for each case.
    rebinds = True

    def __init__(self):
        from pyspark.sql import SparkSession

        self.spark = (
            SparkSession.builder.master("local[2]")
            .appName("rounds-warehouse")
            .config("spark.driver.memory", "4g")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")

    def table(self, name, path, where):
        frame = self.spark.read.option("mergeSchema", "true").parquet(os.path.join(path, name))
        frame.createOrReplaceTempView(f"{name}_all")
        self.spark.sql(
            f"CREATE OR REPLACE TEMPORARY VIEW {name} AS SELECT * FROM {name}_all WHERE {where}"
        )

    def run(self, sql):
        # Each model is computed as it is made (a local checkpoint): the
        # next one starts from its rows instead of a plan that holds every
        # model before it, which Spark would plan and run again and again.
        view = re.match(r"CREATE OR REPLACE TEMPORARY VIEW (\w+) AS\s+(.*)", sql, re.S)
        if view:
            rows = self.spark.sql(view.group(2)).localCheckpoint(eager=True)
            rows.createOrReplaceTempView(view.group(1))
        else:
            self.spark.sql(sql)

    def rows(self, sql):
        return [tuple(r) for r in self.spark.sql(sql).collect()]


def rounds(binary, data, *args):
    run = subprocess.run(
        [binary, "--data", data, "--lang", "en", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    if run.returncode not in (0, 1):
        sys.exit(f"compare: rounds {' '.join(args)} failed on {data}:\n{run.stderr}")
    return run.stdout


def cases(data, given):
    """(T, month) pairs: each day given (--today), else of dates.txt, else
    today, with its month; and the report cases of expected/MANIFEST.tsv."""
    days = list(given)
    dates = os.path.join(data, "dates.txt")
    if not days and os.path.exists(dates):
        days = [d.strip() for d in open(dates, encoding="utf-8") if d.strip()]
    if not days:
        days = [datetime.date.today().isoformat()]
    found = [(d, d[:7]) for d in days]
    manifest = os.path.join(data, "expected", "MANIFEST.tsv")
    if os.path.exists(manifest):
        for line in open(manifest, encoding="utf-8"):
            m = re.search(r"report --month (\d{4}-\d{2}) --today (\d{4}-\d{2}-\d{2})", line)
            if m and (m.group(2), m.group(1)) not in found:
                found.append((m.group(2), m.group(1)))
    return found


def cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


DUE = "household,level,grid,building,last_visit,deadline,status,days_overdue,days_left".split(",")


def spec_columns(text):
    """rounds' `due` csv reduced to the SPEC's columns, in their order."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(DUE)
    for row in csv.DictReader(io.StringIO(text)):
        w.writerow([row[c] for c in DUE])
    return out.getvalue()


def due_csv(engine):
    rows = engine.rows(
        "SELECT household, level, grid, building, last_visit, deadline, status, "
        "days_overdue, days_left FROM due_rows "
        "ORDER BY deadline NULLS FIRST, level_rank, household"
    )
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(DUE)
    for r in rows:
        w.writerow([cell(v) for v in r])
    return out.getvalue()


def report(engine, month, as_of):
    per_level = lambda rows: {lv: next((n for l, n in rows if l == lv), 0) for lv in LEVELS}
    visits = engine.rows("SELECT visits, households_visited, person_times FROM report_visits")
    visits, visited, persons = visits[0] if visits else (0, 0, 0)
    compliance = {
        l: {"required": r, "met": m}
        for l, r, m in engine.rows("SELECT level, required, met FROM report_compliance")
    }
    return {
        "month": month,
        "as_of": as_of,
        "households": per_level(engine.rows("SELECT level, households FROM report_households")),
        "visits": visits,
        "households_visited": visited,
        "person_times": persons or 0,
        "overdue": per_level(engine.rows("SELECT level, overdue FROM report_overdue")),
        "visits_by_grid": dict(engine.rows("SELECT grid, visits FROM report_by_grid")),
        "visits_by_visitor": dict(engine.rows("SELECT visitor, visits FROM report_by_visitor")),
        "compliance": {
            lv: compliance.get(lv, {"required": 0, "met": 0}) for lv in LEVELS
        },
    }


def diff(a, b, label):
    """The first difference of two texts, as one line."""
    al, bl = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(al, bl)):
        if x != y:
            return f"{label}: line {i + 1}: rounds {x!r}, SQL {y!r}"
    return f"{label}: rounds has {len(al)} lines, SQL {len(bl)}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    p.add_argument("--rounds", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--today", action="append", default=[], help="a day to compare (repeatable)")
    p.add_argument("data", nargs="+")
    a = p.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    engine = DuckDB() if a.engine == "duckdb" else Spark()
    models = statements(os.path.join(HERE, "models.sql"))
    made = False
    passed = failed = 0
    for data in a.data:
        for today, month in cases(data, a.today):
            out = rounds(a.rounds, data, "--today", today, "export", "--out", a.out)
            community = re.search(r"wrote .*[/\\]([^/\\]*)\.parquet \(", out).group(1)
            where = f"export_date = DATE {quoted(today)} AND community = {quoted(community)}"
            for t in TABLES:
                engine.table(t, a.out, where)
            label = f"{data} T={today}"
            # due --all as of T
            engine.run(f"CREATE OR REPLACE TEMPORARY VIEW run_day AS SELECT DATE {quoted(today)} AS day")
            engine.run(
                "CREATE OR REPLACE TEMPORARY VIEW report_span AS "
                f"SELECT DATE {quoted(today)} AS first_day, DATE {quoted(today)} AS as_of"
            )
            if engine.rebinds or not made:
                for s in models:
                    engine.run(s)
                made = True
            want = spec_columns(
                rounds(a.rounds, data, "--today", today, "due", "--all", "--format", "csv")
            )
            got = due_csv(engine)
            if want == got:
                passed += 1
            else:
                failed += 1
                print("FAIL " + diff(want, got, f"{label} due --all"))
            # report --month M as of min(the month's last day, T)
            y, m = int(month[:4]), int(month[5:])
            last = datetime.date(y, m, calendar.monthrange(y, m)[1])
            as_of = min(last, datetime.date.fromisoformat(today)).isoformat()
            engine.run(f"CREATE OR REPLACE TEMPORARY VIEW run_day AS SELECT DATE {quoted(as_of)} AS day")
            engine.run(
                "CREATE OR REPLACE TEMPORARY VIEW report_span AS "
                f"SELECT DATE {quoted(month + '-01')} AS first_day, DATE {quoted(as_of)} AS as_of"
            )
            if engine.rebinds:
                for s in models:
                    engine.run(s)
            full = json.loads(
                rounds(a.rounds, data, "--today", today, "report", "--month", month, "--format", "json")
            )
            got = report(engine, month, as_of)
            want = {k: full[k] for k in got}
            if want == got:
                passed += 1
            else:
                failed += 1
                keys = [k for k in got if want[k] != got[k]]
                k = keys[0]
                print(
                    f"FAIL {label} report --month {month}: {', '.join(keys)} differ; "
                    f"{k}: rounds {json.dumps(want[k], ensure_ascii=False)}, "
                    f"SQL {json.dumps(got[k], ensure_ascii=False)}"
                )
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
