"""Times models.sql on DuckDB over one export date of `rounds export` tables
(bench.sh runs it; see README.md beside this file).

    python bench.py EXPORT_DIR TODAY MONTH RUNS OUT_CSV

Prints tab-separated lines `what<TAB>median seconds<TAB>peak RSS MiB` (the
process's, after both): the `due --all`
rows written as csv (what `rounds due --all --format csv` does), and the
report's figures for MONTH as of min(its last day, TODAY). The last `due` rows
are left in OUT_CSV (the SPEC columns, in `due`'s order) for bench.sh to compare
with rounds'.
"""

import calendar
import datetime
import os
import resource
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

REPORT = [
    "report_households",
    "report_overdue",
    "report_visits",
    "report_by_grid",
    "report_by_visitor",
    "report_compliance",
]


def main():
    out, today, month, runs, csv_path = sys.argv[1:6]
    runs = int(runs)
    engine = compare.DuckDB()
    where = f"export_date = DATE {compare.quoted(today)}"
    for t in compare.TABLES:
        engine.table(t, out, where)
    models = compare.statements(os.path.join(compare.HERE, "models.sql"))

    def at(day, first):
        engine.run(f"CREATE OR REPLACE TEMPORARY VIEW run_day AS SELECT DATE '{day}' AS day")
        engine.run(
            "CREATE OR REPLACE TEMPORARY VIEW report_span AS "
            f"SELECT DATE '{first}' AS first_day, DATE '{day}' AS as_of"
        )

    at(today, today)
    for s in models:
        engine.run(s)
    due = []
    for _ in range(runs):
        start = time.perf_counter()
        engine.run(
            "COPY (SELECT household, level, grid, building, last_visit, deadline, status, "
            "days_overdue, days_left FROM due_rows "
            f"ORDER BY deadline NULLS FIRST, level_rank, household) TO {compare.quoted(csv_path)} "
            "(FORMAT csv, HEADER true)"
        )
        due.append(time.perf_counter() - start)
    y, m = int(month[:4]), int(month[5:])
    last = datetime.date(y, m, calendar.monthrange(y, m)[1])
    as_of = min(last, datetime.date.fromisoformat(today)).isoformat()
    at(as_of, month + "-01")
    report = []
    for _ in range(runs):
        start = time.perf_counter()
        for view in REPORT:
            engine.rows(f"SELECT * FROM {view}")
        report.append(time.perf_counter() - start)
    # Peak RSS of the whole process (Python and DuckDB), in MiB.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"due\t{statistics.median(due):.2f}\t{rss}")
    print(f"report\t{statistics.median(report):.2f}\t{rss}")


if __name__ == "__main__":
    main()
