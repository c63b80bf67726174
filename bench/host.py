"""How fast this host runs Python, so that rates measured on different days can be compared.

Machines of the same type are not the same speed: the same commit (ce94961) cost the gunicorn
workers 3.80 ms of CPU per 250-answer submission on one day's host and 8.65 ms on another's,
with nothing else running on either. A rate (submissions/s) is only comparable beside the
host's speed, so the benchmarks print this reference with their figures: the best of five
timings of a fixed pure-Python workload (integer arithmetic, a JSON round trip of an 8 KB
document like a checklist's answers, and a SHA-256 of it), the same code whatever the project
does. Smaller is faster.

    python bench/host.py
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import time


def _workload() -> int:
    total = sum(range(300_000))
    document = {f"C{i}": {"male": i, "female": 2 * i} for i in range(250)}
    for _ in range(10):
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        document = json.loads(text)
        total += len(hashlib.sha256(text.encode()).digest())
    return total


def reference_ms(repeat: int = 5) -> float:
    """The fastest of `repeat` timings of the fixed workload, in ms of this thread's CPU."""
    best = float("inf")
    for _ in range(repeat):
        start = time.thread_time()
        _workload()
        best = min(best, time.thread_time() - start)
    return best * 1000


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe() -> str:
    """One line: the CPU, its count, and the reference (lower is faster)."""
    return (f"host: {cpu_model()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
            f"reference workload {reference_ms():.1f} ms (bench/host.py, lower is faster)")


if __name__ == "__main__":
    print(describe())
