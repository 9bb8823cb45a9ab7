"""`make bench`: the main pages at three scales, on PostgreSQL, side by side.

Scales (each in its own database, filled once and reused while its contents
are as expected):

- real: the real programme with its demo data (`load_programme --demo`);
- 300: that, plus one synthetic programme of 300 actions;
- national: 300 synthetic programmes, 100,000 actions and about a million
  history rows (299 of 331 actions and one of 1,000, whose CSV export is the
  "export of 1,000 actions").

For each it runs `bench.pages` in a child process and writes the table, with
the ratio of each page to the floor (bench/floor.py), the history
benchmark's figures and the machine, to docs/performance.md between markers.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:pages -->", "<!-- /bench:pages -->"

SCALES = {
    "real": [["load_programme", "--demo"]],
    "300": [
        ["load_programme", "--demo"],
        ["generate_data", "--programmes", "1", "--actions-per-programme", "300",
         "--updates-per-action", "5"],
    ],
    "national": [
        ["generate_data", "--programmes", "299", "--actions-per-programme", "331",
         "--updates-per-action", "5"],
        ["generate_data", "--programmes", "300", "--actions-per-programme", "1000",
         "--updates-per-action", "5"],
    ],
}  # fmt: skip
EXPECTED_ACTIONS = {"real": 19, "300": 319, "national": 99969}


def manage(url, *args, capture=False):
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )


def actions_in(url) -> int | None:
    import psycopg

    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
            return conn.execute("SELECT count(*) FROM acties_actie").fetchone()[0]
    except psycopg.Error:
        return None


def ensure(server: str, scale: str) -> str:
    import psycopg

    name = f"actieprogramma_bench_{scale}"
    url = f"{server.rstrip('/')}/{name}"
    if actions_in(url) == EXPECTED_ACTIONS[scale]:
        return url
    admin = server.replace("postgres://", "postgresql://").rstrip("/") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    print(f"Filling {name} …", flush=True)
    manage(url, "migrate", "--no-input", "-v0")
    for command in SCALES[scale]:
        manage(url, *command)
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--runs", default="15")
    parser.add_argument("--scales", default="real,300,national")
    options = parser.parse_args()

    measured = {}
    for scale in options.scales.split(","):
        url = ensure(options.server, scale)
        out = subprocess.run(  # noqa: S603 - our own module
            [sys.executable, "-m", "bench.pages", "--json", "--runs", options.runs],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url, "DEBUG": "true"},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        measured[scale] = json.loads(out.strip().splitlines()[-1])
        print(f"measured {scale}", flush=True)

    labels = list(next(iter(measured.values()))["results"])
    from bench.pages import FLOOR

    baseline = FLOOR
    lines = [
        BEGIN,
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; PostgreSQL on the same machine; "
        f"{options.runs} runs per page (3 for the PDF) after one warm-up.",
        "",
        "| scale | actions | history rows | programmes | actions in the CSV export |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for scale, data in measured.items():
        f = data["facts"]
        lines.append(
            f"| {scale} | {f['actions']:,} | {f['history_rows']:,} | "
            f"{f['programmes']} | {f['exported_actions']:,} |"
        )
    lines += [
        "",
        "Median / p95 server time in ms, queries, and the median as a ratio to "
        "the floor (a plain Django ListView of 50 actions with select_related "
        "and a minimal template, bench/floor.py) on the same data.",
        "",
        "| page | " + " | ".join(measured) + " |",
        "| --- | " + " | ".join("---:" for _ in measured) + " |",
    ]
    for label in labels:
        cells = []
        for data in measured.values():
            r = data["results"][label]
            base = data["results"][baseline]["median_ms"]
            cells.append(
                f"{r['median_ms']:.0f} / {r['p95_ms']:.0f} ms, {r['queries']} q, "
                f"×{r['median_ms'] / base:.2f}"
            )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", END]
    table = "\n".join(lines)
    print(table)
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    if BEGIN in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        text = before + table + after
    else:
        text += "\n## Pages (`make bench`)\n\n" + table + "\n"
    DOC.write_text(text)

    if "300" in options.scales.split(","):
        bench_jobs(ensure(options.server, "300"))


JOBS_BEGIN, JOBS_END = "<!-- bench:jobs -->", "<!-- /bench:jobs -->"


def bench_jobs(url: str) -> None:
    """ "Maak PDF" with one worker on the 300 scale (bench.jobs), into the doc."""
    from bench.jobs import table

    out = subprocess.run(
        [sys.executable, "-m", "bench.jobs", "--json"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "true"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    block = f"{JOBS_BEGIN}\n\n{table(result)}\n\n{JOBS_END}"
    print(block)
    text = DOC.read_text()
    if JOBS_BEGIN in text:
        before, rest = text.split(JOBS_BEGIN, 1)
        text = before + block + rest.split(JOBS_END, 1)[1]
    else:
        text += '\n## The job queue: "maak PDF" with one worker\n\n' + block + "\n"
    DOC.write_text(text)


if __name__ == "__main__":
    main()
