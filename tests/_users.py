"""Acting as another user: as root, file modes are ignored, so permission and other-user cases
run perftui as `nobody` (runuser) from a virtualenv built once per session from
/usr/bin/python3 with a non-editable install of this checkout (nobody cannot read a virtualenv
under /root). As any other user, file modes already apply: perftui runs in-process.

The fixtures (`nobody_venv`, `other_user`, `shared_dir`) are registered in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PERFTUI_VARS = ("PERFTUI_DB", "PERFTUI_APP", "PERFTUI_ENV", "PERFTUI_DISABLE", "PERFTUI_SUMMARY",
                "PERFTUI_LOG_DIR", "PERFTUI_COLD_START", "PERFTUI_GIT_COMMIT",
                "PERFTUI_GIT_BRANCH", "PERFTUI_APP_VERSION", "PERFTUI_BUSY_TIMEOUT_MS",
                "PERFTUI_DEBUG")


def run_in_process(argv: list[str]) -> tuple[int, str, str]:
    """`perftui ARGV` in this process: (exit code, stdout, stderr)."""
    from perftui.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:          # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def child_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PERFTUI_VARS}
    env["HOME"] = str(home)
    env["XDG_DATA_HOME"] = str(home / "data")
    return env



def shared_tmp() -> str:
    """A temporary folder every user can reach (pytest's own is private to its user)."""
    return "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()


def nobody_venv_fixture():
    """As root: a virtualenv `nobody` can run, from /usr/bin/python3 with a non-editable
    install of this checkout, built once per session. Not root: None (file modes apply to us)."""
    if os.geteuid() != 0:
        yield None
        return
    python = "/usr/bin/python3"
    if shutil.which("runuser") is None:
        pytest.skip("runuser is missing: as root, file modes are ignored, so the read-only "
                    "cases must run perftui as nobody")
    if not os.access(python, os.X_OK):
        pytest.skip(f"{python} is missing: the read-only cases need an interpreter nobody can "
                    "run (this virtualenv's lives under /root)")
    base = Path(tempfile.mkdtemp(prefix="perftui-nobody-venv-", dir=shared_tmp()))
    try:
        base.chmod(0o755)
        venv = base / "venv"
        for step in ([python, "-m", "venv", str(venv)],
                     [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check",
                      str(REPO)]):
            proc = subprocess.run(step, capture_output=True, text=True, timeout=600)
            if proc.returncode != 0:
                tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
                pytest.skip(f"cannot build a virtualenv for nobody ({' '.join(step[:3])}): "
                            f"{tail}")
        subprocess.run(["chmod", "-R", "a+rX", str(base)], check=True)
        yield venv
    finally:
        shutil.rmtree(base, ignore_errors=True)


def shared_dir_fixture():
    """A folder in the shared temporary directory that anyone may write (0777)."""
    folder = Path(tempfile.mkdtemp(prefix="perftui-matrix-", dir=shared_tmp()))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class OtherUser:
    """Runs perftui as a user that file modes apply to."""

    python: str
    venv: Path | None

    def __call__(self, argv: list[str], home: Path) -> tuple[int, str, str]:
        if self.venv is None:
            return run_in_process(argv)
        proc = subprocess.run(
            ["runuser", "-u", "nobody", "--", "env", f"HOME={home}",
             f"XDG_DATA_HOME={home / 'data'}", str(self.venv / "bin" / "perftui"), *argv],
            capture_output=True, text=True, env=child_env(home), cwd=home, timeout=120)
        return proc.returncode, proc.stdout, proc.stderr

    def can_write(self, path: Path) -> bool:
        if self.venv is None:
            return os.access(path, os.W_OK)
        return subprocess.run(["runuser", "-u", "nobody", "--", "test", "-w", str(path)],
                              timeout=30).returncode == 0


def other_user_for(nobody_venv) -> OtherUser:
    if nobody_venv is None:
        return OtherUser(python=sys.executable, venv=None)
    return OtherUser(python=str(nobody_venv / "bin" / "python"), venv=nobody_venv)
