"""python -m bench: the benchmark's one entry point. See docs/PERFORMANCE.md.

  python -m bench                                   # N = 10k and 100k, with the peer
  python -m bench --sizes 10000,100000,1000000 --out bench/results/
  python -m bench --smoke                           # N = 2,000, a few requests, no peer

Prints one Markdown table and the targets, and writes the figures as JSON under --out.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from bench.report import machine, markdown_table, targets
from bench.run import FULL, SMOKE, Options, run_size

DEFAULT_SIZES = "10000,100000"
SMOKE_SIZE = 2_000
DEFAULT_PG_ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# Outside the repository: a virtualenv is no source, and it is reused from run to run.
DEFAULT_PEER_VENV = Path(tempfile.gettempdir()) / "ft-bench-peer-venv"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated N (transactions)")
    parser.add_argument("--smoke", action="store_true", help="N=2000, a few requests, no peer")
    parser.add_argument("--with-peer", action="store_true", help="run Fava in a smoke run too")
    parser.add_argument("--no-peer", action="store_true", help="skip Fava")
    parser.add_argument(
        "--fava-max",
        type=int,
        default=1_000_000,
        help="largest N Fava is run on (larger ones report 'skipped')",
    )
    parser.add_argument("--throughput-seconds", type=float, help="length of each throughput run")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--pg-admin-url", default=DEFAULT_PG_ADMIN_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--peer-venv", type=Path, default=DEFAULT_PEER_VENV)
    return parser.parse_args(argv)


def sizes_of(args: argparse.Namespace) -> list[int]:
    if args.smoke:
        return [SMOKE_SIZE]
    sizes = [int(part.replace("_", "")) for part in args.sizes.split(",") if part.strip()]
    if not sizes or min(sizes) < SMOKE_SIZE:
        raise SystemExit(f"--sizes: give one or more N of at least {SMOKE_SIZE}")
    return sizes


def _log(line: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {line}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # A SIGTERM unwinds like Ctrl-C, so every started process and the database are cleaned up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    plan = SMOKE if args.smoke else FULL
    if args.throughput_seconds:
        plan = replace(plan, throughput_s=args.throughput_seconds)
    options = Options(
        pg_admin_url=args.pg_admin_url,
        redis_url=args.redis_url,
        plan=plan,
        with_peer=not args.no_peer and (args.with_peer or not args.smoke),
        fava_max=args.fava_max,
        peer_venv=args.peer_venv,
    )
    started = time.perf_counter()
    report = {
        "started_at": datetime.now().isoformat(timespec="seconds"),
        "smoke": args.smoke,
        "machine": machine(args.pg_admin_url, args.redis_url),
        "results": [run_size(count, options, _log) for count in sizes_of(args)],
    }
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["targets"] = targets(report["results"])
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"bench-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(markdown_table(report["results"]))
    print()
    print("\n".join(report["targets"]))
    print(f"\n{report['seconds']:.0f} s; figures in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
