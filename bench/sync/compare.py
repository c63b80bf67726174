"""Two revisions of the product side by side: worker CPU per 250-answer submission request.

    python bench/sync/compare.py --against HEAD~1 [--db sqlite|postgres] [--requests 6000]

On a shared host the speed moves by tens of per cent from one minute to the next (bench/host.py),
so a change worth 5-10 % cannot be seen by running the old code, then the new. This runs both at
the same time, one process each (on 2 cores, one each), each on its own fresh database: the
working tree as it is and `--against` (any git revision, checked out into a temporary worktree).
Each calls its app directly (as profile_request.py does: the session and CSRF cookies of a real
log-in, one 250-answer submission per request), in rounds of 500 requests, and prints its
thread's CPU per request after each round. Each round starts on both sides together, so both
sides of a pair saw the same minutes. The two cores of a shared host are not equally fast (an
A/A run, the same code on both sides, read 0.92 while each side kept its core), so each side
takes the other core every round (sched_setaffinity) and the figure is the geometric mean of the
ratios over an even number (at least 6) of rounds after two warm-up rounds: a core's share
cancels out. Printed: each pair, that mean (this tree / against) with its standard error, and
the Python calls per request on each side (cProfile's count, the same on a busy host as on a
quiet one).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.sync import profile_request, run as bench  # noqa: E402  (this tree's bench helpers)

ROUND = 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="HEAD", help="the git revision to compare with (default HEAD)")
    bench.add_database_arguments(parser)
    parser.add_argument("--requests", type=int, default=6000, help="requests on each side (rounds of 500)")
    parser.add_argument("--side", help=argparse.SUPPRESS)  # internal: run one side in this process
    parser.add_argument("--core", type=int, default=0, help=argparse.SUPPRESS)  # internal: its first core
    args = parser.parse_args()
    if args.side:
        one_side(Path(args.side), args)
        return
    rounds = 2 + 2 * max(3, (args.requests // ROUND - 2) // 2)  # two warm-up rounds, then an even number (6+)
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        other = Path(tmp) / "against"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(other), args.against],
                       check=True)
        procs: dict[str, subprocess.Popen] = {}
        try:
            sides = {"this tree": ROOT, args.against: other}
            procs = {name: subprocess.Popen(
                [sys.executable, __file__, "--side", str(tree), "--core", str(core), "--db", args.db or "sqlite",
                 "--pg-url", args.pg_url, "--requests", str(rounds * ROUND)],
                cwd=tree, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                for core, (name, tree) in enumerate(sides.items())}
            out: dict[str, list[dict]] = {name: [] for name in procs}
            for _round in range(rounds):  # in step: both start each round together
                for proc in procs.values():
                    reply(proc, "ready")
                for proc in procs.values():
                    assert proc.stdin is not None
                    proc.stdin.write("go\n")
                    proc.stdin.flush()
                for name, proc in procs.items():
                    out[name].append(reply(proc, "ms"))
            for proc in procs.values():
                proc.communicate()
        finally:
            for proc in procs.values():
                proc.kill()  # (a side already done is left as it is)
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], check=False)
    report(args, out["this tree"], out[args.against])


def reply(proc: subprocess.Popen, key: str) -> dict:
    """The side's next JSON line holding `key` (other output is passed over); exits if it died."""
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("{") and key in (message := json.loads(line)):
            return message
    sys.exit(f"a side stopped early (rc={proc.wait()})")


def report(args, mine: list[dict], theirs: list[dict]) -> None:
    print(f"{args.db or 'sqlite'}: one 250-answer submission per request, the app called directly, both sides at once")
    ratios = []
    for number, (a, b) in enumerate(zip(mine, theirs, strict=True)):
        ratio = a["ms"] / b["ms"]
        if number >= 2:
            ratios.append(ratio)
        print(f"  round {number + 1:2}: this tree {a['ms']:6.3f} ms CPU   {args.against} {b['ms']:6.3f} ms   "
              f"ratio {ratio:.3f}" + ("  (warm-up)" if number < 2 else ""))
    print(f"  Python calls per request: this tree {mine[0]['calls']:.0f}, {args.against} {theirs[0]['calls']:.0f}")
    logs = [math.log(r) for r in ratios]
    mean, error = math.exp(statistics.fmean(logs)), statistics.stdev(logs) / math.sqrt(len(logs))
    print(f"  this tree / {args.against}: {mean:.3f} of the worker CPU, geometric mean of {len(ratios)} rounds, "
          f"standard error {error * 100:.1f} % (rounds {min(ratios):.3f}-{max(ratios):.3f}; below 1 is faster; "
          f"more --requests narrow it)")


def one_side(tree: Path, args) -> None:
    """One side: `tree`'s product, driven by this tree's bench code."""
    sys.path.insert(0, str(tree))
    import inspections  # noqa: F401  - `tree`'s product for every later import (the helpers import it lazily)

    assert Path(sys.modules["inspections"].__file__ or "").resolve().is_relative_to(tree.resolve())
    with tempfile.TemporaryDirectory(prefix="bench-compare-side-") as tmp, bench.database(args, tmp) as url:
        app = bench.make_app(url, str(Path(tmp) / "uploads"), production_like=True)
        plan = bench.setup(app)
        rng = random.Random(3)
        client, headers = profile_request.logged_in(app)
        wide = plan["wide_template"]

        def environs(count: int) -> list[dict]:
            return [profile_request.environ("POST", "/api/v1/submissions", headers, json.dumps({"submissions": [
                bench.submission(plan["wide_visit"], plan["wide_label"], bench.full_answers(wide, "department", rng))
            ]}, ensure_ascii=False).encode(), client.environ_base) for _ in range(count)]

        profile_request.call(app, environs(20), "created")  # warm-up
        calls = profile_request.profiled(app, environs(100), "created")[0]
        cores = sorted(os.sched_getaffinity(0))
        for number in range(args.requests // ROUND):
            batch = environs(ROUND)
            os.sched_setaffinity(0, {cores[(args.core + number) % len(cores)]})  # the other core each round
            print(json.dumps({"ready": number}), flush=True)
            sys.stdin.readline()  # "go": the other side starts this round too
            cpu = time.thread_time()
            profile_request.call(app, batch, "created")
            cpu = time.thread_time() - cpu
            print(json.dumps({"ms": cpu / ROUND * 1000, "calls": calls}), flush=True)


if __name__ == "__main__":
    os.environ.pop("DATABASE_URL", None)  # each side on its own fresh database
    main()
