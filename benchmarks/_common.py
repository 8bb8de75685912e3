"""Shared helpers for the benchmark scripts: measure the *installed* package, from outside the tree.

Why: the repository's own virtualenv installs perftui editable, so a child started there (or in
the repository root) imports the uncompiled source tree, and with PYTHONDONTWRITEBYTECODE set it
recompiles every module on every start. That is not what a user runs. Every benchmark therefore
runs perftui from a separate virtualenv holding a normal (non-editable) install of this checkout,
byte-compiled, with the working directory outside the repository.

API (everything a benchmark needs; fault_matrix.py and friends use the same):

    installed_python() -> str    interpreter of that virtualenv; built once per source hash and
                                 cached under CACHE_DIR (PERFTUI_BENCH_CACHE, default
                                 ~/.cache/perftui-bench), then reused. Installs the working
                                 tree, or with PERFTUI_BENCH_REV=<rev> that commit (git archive)
    installed_bin(name) -> str   a console script of it, e.g. installed_bin("perftui")
    child_env(**extra) -> dict   environment for children: no PYTHONDONTWRITEBYTECODE/PYTHONPATH,
                                 plus the given variables (None removes one)
    outside_dir() -> str         a scratch directory outside the repository (removed at exit);
                                 use it as every child's cwd
    run_installed(args, **kw)    subprocess.run with the installed interpreter's bin first on
                                 PATH, cwd=outside_dir() and child_env() unless given
    reexec_installed()           call first thing in main() of a benchmark that imports perftui
                                 in-process: re-executes the script under installed_python()
                                 from outside_dir(); a no-op once there
    demo_store(snapshots) -> Path   a `perftui demo` store of that many snapshots, built by the
                                 installed CLI, cached by size and schema under CACHE_DIR; treat
                                 it as read-only (copy it to write into it)
    add_sizes_argument(parser)   --sizes 10k,100k[,1M] (default 10k,100k); parse_size("1M")
    interleaved(cases, runs)     run each callable of {name: fn} in turn, `runs` rounds, after
                                 one warm-up round; returns {name: [ms, ...]}
    report(...)                  one uniform line: value, its floor, the ratio, budget, verdict
    median_of(samples)

Run any benchmark with `python benchmarks/NAME.py` from any Python >= 3.10 that has the
project's dependencies (the repository's .venv is fine); the first run builds the virtualenv.
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHE_DIR = Path(os.environ.get("PERFTUI_BENCH_CACHE")
                 or Path.home() / ".cache" / "perftui-bench")
DEFAULT_SIZES = "10k,100k"
_INSTALLED_MARK = "PERFTUI_BENCH_INSTALLED"
# what goes into the installed package (pyproject's wheel target), and so into its cache key
_SOURCES = ("perftui", "migrations", "pyproject.toml", "README.md", "LICENSE")


# -- the installed package ---------------------------------------------------------------------

def _files(root: Path, names=_SOURCES):
    for name in names:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            for sub in sorted(path.rglob("*")):
                if sub.is_file() and "__pycache__" not in sub.parts and sub.suffix != ".pyc":
                    yield sub


def source_hash(root: Path = REPO, names=_SOURCES) -> str:
    """Hash of the files that make up the package (working tree, committed or not)."""
    digest = hashlib.sha256()
    for path in _files(root, names):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _base_python() -> str:
    """The interpreter that has the project's dependencies (the repo's .venv when present)."""
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() and not os.environ.get(_INSTALLED_MARK) else sys.executable


def _deps_dir(base: str) -> str:
    return subprocess.run([base, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()


def installed_python() -> str:
    """Interpreter of a virtualenv with this checkout pip-installed (not editable) and compiled.

    Built once per source hash under CACHE_DIR/venv-<hash>. The virtualenv sees the base
    environment's site-packages through a plain path line in a .pth file (so the dependencies
    need no download), but not the .pth files in it, so the editable install there stays inert
    and perftui resolves to the installed copy, which comes first on sys.path anyway."""
    if os.environ.get(_INSTALLED_MARK):
        return sys.executable
    if not _BUILT:  # once per process: others may edit the tree while a benchmark runs
        _BUILT.append(_installed_python())
    return _BUILT[0]


_BUILT: list[str] = []


def _installed_python() -> str:
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="perftui-src-") as snap:
        # a snapshot of the tree: others may be editing it while we build
        snap_root = Path(snap)
        rev = os.environ.get("PERFTUI_BENCH_REV")
        if rev:  # a committed revision, exactly (git archive), instead of the working tree
            archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, *_SOURCES],
                                     check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", snap], input=archive, check=True)
        else:
            for path in _files(REPO):
                dest = snap_root / path.relative_to(REPO)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest)
        key = source_hash(snap_root)
        print(f"[bench] perftui from {('revision ' + rev) if rev else 'the working tree'}, "
              f"source hash {key}", file=sys.stderr)
        venv = CACHE_DIR / f"venv-{key}"
        python = venv / "bin" / "python"
        if python.exists() and (venv / "ok").exists():
            os.utime(venv)
            return str(python)
        with open(CACHE_DIR / "build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if (venv / "ok").exists():
                return str(python)
            _build(venv, snap_root)
    _prune_venvs(keep=venv)
    return str(python)


def _build(venv: Path, src: Path) -> None:
    started = time.perf_counter()
    shutil.rmtree(venv, ignore_errors=True)
    base = _base_python()
    run = dict(check=True, stdout=subprocess.DEVNULL, env=child_env(), cwd=str(src))
    subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], **run)
    python = str(venv / "bin" / "python")
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()"
                              "['purelib'])"], check=True, capture_output=True,
                             text=True).stdout.strip()
    Path(purelib, "_perftui_bench_deps.pth").write_text(_deps_dir(base) + "\n")
    # pip and hatchling come from the base environment; --ignore-installed: the editable
    # perftui visible there must not be "already satisfied" nor uninstalled
    subprocess.run([base, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
                    "--no-build-isolation", "--ignore-installed", "--no-compile", str(src)],
                   **run)
    subprocess.run([python, "-m", "compileall", "-q", "-j", "0", purelib], **run)
    check = subprocess.run([python, "-c", "import perftui; print(perftui.__file__)"],
                           check=True, capture_output=True, text=True, env=child_env(),
                           cwd=str(src.parent)).stdout.strip()
    if not check.startswith(str(venv)):
        raise SystemExit(f"installed venv imports perftui from {check}, not {venv}")
    (venv / "ok").write_text(f"{src}\n")
    print(f"[bench] installed perftui into {venv} in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)


def _prune_venvs(keep: Path, max_kept: int = 3, idle_s: float = 6 * 3600) -> None:
    """Drop virtualenvs unused for hours, beyond the newest few (a running benchmark elsewhere
    may still be using a recent one)."""
    venvs = sorted(CACHE_DIR.glob("venv-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [v for v in venvs if v != keep][max_kept - 1:]:
        if time.time() - old.stat().st_mtime > idle_s:
            shutil.rmtree(old, ignore_errors=True)


def installed_bin(name: str) -> str:
    return str(Path(installed_python()).parent / name)


def child_env(**extra: str | None) -> dict:
    env = dict(os.environ)
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(name, None)
    for name, value in extra.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


_OUTSIDE: list[str] = []


def outside_dir() -> str:
    if not _OUTSIDE:
        path = tempfile.mkdtemp(prefix="perftui-bench-cwd-")
        if Path(path).resolve().is_relative_to(REPO):
            raise SystemExit(f"temporary directory {path} is inside the repository")
        atexit.register(shutil.rmtree, path, True)
        _OUTSIDE.append(path)
    return _OUTSIDE[0]


def run_installed(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """subprocess.run of a command line whose "python"/"perftui" mean the installed ones."""
    python = installed_python()
    env = kwargs.pop("env", None) or child_env()
    env["PATH"] = str(Path(python).parent) + os.pathsep + env.get("PATH", "")
    kwargs.setdefault("cwd", outside_dir())
    return subprocess.run(args, env=env, **kwargs)


def reexec_installed() -> None:
    """Run the calling benchmark script itself under the installed interpreter, outside the tree.
    (The script's own folder is first on sys.path, so `_common` imports; perftui does not come
    from the checkout.)"""
    if os.environ.get(_INSTALLED_MARK):
        import perftui

        if Path(perftui.__file__).resolve().is_relative_to(REPO):
            raise SystemExit(f"perftui imported from the source tree: {perftui.__file__}")
        return
    python = installed_python()
    env = child_env(**{_INSTALLED_MARK: "1"})
    env["PATH"] = str(Path(python).parent) + os.pathsep + env.get("PATH", "")
    cwd = tempfile.mkdtemp(prefix="perftui-bench-cwd-")
    script = os.path.abspath(sys.argv[0])
    sys.stdout.flush()
    done = subprocess.run([python, script, *sys.argv[1:]], env=env, cwd=cwd)
    shutil.rmtree(cwd, ignore_errors=True)
    raise SystemExit(done.returncode)


# -- stores --------------------------------------------------------------------------------------

def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def size_label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 \
        else str(n)


def add_sizes_argument(parser, default: str = DEFAULT_SIZES) -> None:
    parser.add_argument("--sizes", default=default, type=lambda s: [parse_size(x) for x in
                                                                     s.split(",") if x.strip()],
                        help=f"store sizes in snapshots, e.g. 10k,100k,1M (default {default}); "
                             "stores are built once by `perftui demo` and cached")


def demo_store(snapshots: int) -> Path:
    """A store of `snapshots` runs x ~20 metrics made by the installed `perftui demo` (seed 0),
    cached under CACHE_DIR by size and by the migrations it was made with (1M takes minutes)."""
    path = CACHE_DIR / f"demo-{size_label(snapshots)}-{source_hash(REPO, ('migrations',))}.db"
    if path.exists():
        return path
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / f"store-{snapshots}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return path
        tmp = path.with_name(f"building-{path.name}")
        for leftover in CACHE_DIR.glob(tmp.name + "*"):
            leftover.unlink()
        started = time.perf_counter()
        print(f"[bench] building {path.name} ({snapshots:,} snapshots) ...", file=sys.stderr)
        run_installed([installed_bin("perftui"), "demo", "--snapshots", str(snapshots), "--seed",
                       "0", "--output", str(tmp), "--no-tui", "--format", "json"],
                      check=True, stdout=subprocess.DEVNULL)
        import sqlite3

        conn = sqlite3.connect(tmp)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        tmp.rename(path)
        print(f"[bench] built {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


# -- timing and reporting ------------------------------------------------------------------------

def median_of(samples: list[float]) -> float:
    return statistics.median(samples)


def interleaved(cases: dict, runs: int, warmup: int = 1) -> dict[str, list[float]]:
    """Each case is a callable; it returns its own time in ms as a float, or anything else (None,
    a result) and then the call is timed. The cases run in turn, round after round, so machine
    noise hits them alike. Warm-up rounds are not kept."""
    out: dict[str, list[float]] = {name: [] for name in cases}
    for round_ in range(warmup + runs):
        for name, fn in cases.items():
            start = time.perf_counter()
            value = fn()
            elapsed = (time.perf_counter() - start) * 1000
            if isinstance(value, float):
                elapsed = value
            if round_ >= warmup:
                out[name].append(elapsed)
    return out


def time_subprocess(args: list[str], env: dict, repeat: int) -> list[float]:
    """Wall time in ms of `repeat` fresh runs of a command (cwd outside the tree)."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, cwd=outside_dir())
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, value: float, unit: str, floor_name: str, floor: float, budget: str,
           ok: bool | None) -> None:
    """One line: value, floor (named), ratio value/floor, budget, verdict (ok=None: judged
    elsewhere, e.g. by a flatness line)."""
    ratio = value / floor if floor else float("inf")
    verdict = "-" if ok is None else "PASS" if ok else "OVER BUDGET"
    print(f"{name}: {value:.3f} {unit}  floor ({floor_name}) {floor:.3f} {unit}  "
          f"ratio {ratio:.2f}x  budget {budget}  [{verdict}]")
    sys.stdout.flush()


def compile_package() -> None:
    """Kept for old callers: the installed package is compiled when it is built."""
    installed_python()


__all__ = ["CACHE_DIR", "REPO", "add_sizes_argument", "child_env", "demo_store",
           "installed_bin", "installed_python", "interleaved", "median_of", "outside_dir",
           "parse_size", "reexec_installed", "report", "run_installed", "size_label",
           "source_hash", "time_subprocess"]
