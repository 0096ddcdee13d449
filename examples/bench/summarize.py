#!/usr/bin/env python3
"""Turns the benchmark's raw timings into a Markdown table.

    summarize.py RESULTS.tsv

RESULTS.tsv has one row per timed run: data set, command, tool (rounds|duckdb), run,
wall seconds, peak RSS KiB, exit status. Medians are taken over the runs; rounds and
DuckDB are paired by (data set, command), and a pair gets the ratio of their medians.
"""
import statistics
import sys


def median(xs):
    return statistics.median(xs) if xs else None


def main():
    runs = {}
    order = []
    n = 0
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            dataset, command, tool, _run, secs, kib, rc = line.rstrip("\n").split("\t")
            key = (dataset, command)
            if key not in runs:
                runs[key] = {}
                order.append(key)
            r = runs[key].setdefault(tool, {"secs": [], "kib": [], "rc": set()})
            r["secs"].append(float(secs))
            r["kib"].append(int(kib))
            r["rc"].add(int(rc))

    print("| data set | command | rounds median s | rounds peak RSS MiB "
          "| DuckDB median s | DuckDB peak RSS MiB | ratio (DuckDB/rounds) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for dataset, command in order:
        cells = []
        med = {}
        for tool in ("rounds", "duckdb"):
            r = runs[(dataset, command)].get(tool)
            if r is None:
                cells += ["—", "—"]
                continue
            med[tool] = median(r["secs"])
            cells.append(f"{med[tool]:.2f}")
            # the median of the runs' peaks (they hardly vary)
            cells.append(f"{median(r['kib']) / 1024:.0f}")
            bad = sorted(rc for rc in r["rc"] if rc != 0)
            if bad:
                cells[-2] += f" (exit {','.join(map(str, bad))})"
        # A row with DuckDB runs of its own (today's `due --all`, the past day's) is
        # compared with them. "due --all --format csv, no cache" is compared with the
        # DuckDB runs of "due --all --format csv" (the same query; DuckDB has no cache to
        # turn off), and so is the first run that writes the cache; any other row without
        # DuckDB runs has no ratio.
        for suffix in (", no cache", ", first run (writes the cache)"):
            if "duckdb" not in med and command.endswith(suffix):
                base = runs.get((dataset, command[:-len(suffix)]), {}).get("duckdb")
                if base is not None:
                    med["duckdb"] = median(base["secs"])
        if "rounds" in med and "duckdb" in med:
            ratio = f"{med['duckdb'] / med['rounds']:.1f}" if med["rounds"] > 0 else "n/a (rounds < 0.01 s)"
        else:
            ratio = "—"
        n = max([n] + [len(v["secs"]) for v in runs[(dataset, command)].values()])
        print(f"| {dataset} | `{command}` | " + " | ".join(cells) + f" | {ratio} |")
    print()
    runs_word = "1 run" if n == 1 else f"{n} runs"
    print(f"Medians of {runs_word} each; wall time and peak RSS by `/usr/bin/time -f '%e %M'` "
          "(0.01 s resolution). DuckDB times include starting Python and importing duckdb.")


if __name__ == "__main__":
    main()
