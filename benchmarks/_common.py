"""Small shared helpers for the benchmark scripts: robust timing and a uniform report line."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def median_of(samples: list[float]) -> float:
    return statistics.median(samples)


def time_subprocess(args: list[str], env: dict, repeat: int) -> list[float]:
    """Wall time in ms of `repeat` fresh runs of a command."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, value: float, unit: str, floor_name: str, floor: float, budget: str,
           ok: bool) -> None:
    ratio = value / floor if floor else float("inf")
    verdict = "PASS" if ok else "OVER BUDGET"
    print(f"{name}: {value:.3f} {unit}  floor ({floor_name}) {floor:.3f} {unit}  "
          f"ratio {ratio:.2f}x  budget {budget}  [{verdict}]")
    sys.stdout.flush()


def compile_package() -> None:
    """Write perftui's bytecode first, as any pip install does. (Where PYTHONDONTWRITEBYTECODE is
    set, as on the machines this project is developed on, every fresh process would otherwise
    compile perftui from source, which is not what a user pays; the standard library and the
    installed dependencies have their bytecode either way.)"""
    import perftui

    folder = __import__("os").path.dirname(perftui.__file__)
    subprocess.run([sys.executable, "-m", "compileall", "-q", folder], check=True)
