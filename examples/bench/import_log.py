#!/usr/bin/env python3
"""Makes a visit log to import: the last N rows of a generated visits.csv, moved in time.

    import_log.py VISITS.csv N OUT.csv [--last-day 2025-01-31]

Every date is shifted by the same number of days so that the latest lands on --last-day
(default 2025-01-31); the rows keep their household, visitor, kind, note and persons, and
the header is the same. A constant shift keeps (date, household, visitor) unique, so every
row is a new visit for a store whose visits end before the new dates. Fails if the rows
span more days than fit in the month of --last-day, or if a shifted date would not be later
than the last stored visit.
"""
import argparse
import csv
import datetime
import io
import sys


def tail_bytes(path, n):
    """The header line and the last n lines of a file (no line breaks inside fields)."""
    with open(path, "rb") as f:
        header = f.readline()
        f.seek(0, 2)
        end = f.tell()
        pos, chunk, data = end, 1 << 20, b""
        while pos > len(header) and data.count(b"\n") <= n:
            step = min(chunk, pos - len(header))
            pos -= step
            f.seek(pos)
            data = f.read(step) + data
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        if pos > len(header):
            lines = lines[1:]  # the first piece may be a partial line
        return header, lines[-n:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("visits")
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--last-day", default="2025-01-31")
    a = ap.parse_args()
    last_day = datetime.date.fromisoformat(a.last_day)

    header, lines = tail_bytes(a.visits, a.n)
    if len(lines) < a.n:
        sys.exit(f"import_log.py: {a.visits} has only {len(lines)} rows, {a.n} wanted")
    head = next(csv.reader([header.decode("utf-8-sig")]))
    di = [h.strip().lower() for h in head].index("date")
    rows = list(csv.reader(io.StringIO(b"\n".join(lines).decode("utf-8"))))
    dates = [datetime.date.fromisoformat(r[di].strip()) for r in rows]
    shift = last_day - max(dates)
    first = min(dates) + shift
    if (first.year, first.month) != (last_day.year, last_day.month):
        sys.exit(f"import_log.py: the last {a.n} rows span {min(dates)}..{max(dates)}, "
                 f"more than fits in {last_day:%Y-%m}")
    if shift.days <= 0:
        sys.exit(f"import_log.py: the stored visits reach {max(dates)}, not before {a.last_day}")
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(head)
        for r, d in zip(rows, dates):
            r[di] = (d + shift).isoformat()
            w.writerow(r)
    print(f"{a.out}: {len(rows)} rows dated {first}..{max(dates) + shift} "
          f"(from {min(dates)}..{max(dates)}, shifted {shift.days} days)")


if __name__ == "__main__":
    main()
