"""System and git context of a run, read cheaply: no subprocess, no psutil on Linux or macOS."""

from __future__ import annotations

import os
import sys


def python_version() -> str:
    return "%d.%d.%d" % sys.version_info[:3]


def platform_name() -> str:
    return sys.platform


def cpu_count() -> int | None:
    return os.cpu_count()


def total_memory_mb() -> int | None:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024))
    except (AttributeError, ValueError, OSError):
        pass
    try:
        import psutil  # Windows only: no sysconf there

        return int(psutil.virtual_memory().total // (1024 * 1024))
    except Exception:
        return None


def host_name() -> str | None:
    try:
        return os.uname().nodename or None
    except AttributeError:  # Windows
        import socket

        try:
            return socket.gethostname() or None
        except OSError:
            return None


def current_rss_mb() -> float | None:
    """Resident memory of this process now."""
    try:
        with open("/proc/self/statm", "rb") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import psutil

        return psutil.Process().memory_info().rss / (1024 * 1024)
    except Exception:
        return None


def peak_rss_mb() -> float | None:
    """Peak resident memory of this process so far (Linux: VmHWM, no import needed)."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    except Exception:
        pass
    try:
        import psutil

        info = psutil.Process().memory_info()
        return getattr(info, "peak_wset", info.rss) / (1024 * 1024)
    except Exception:
        return None


# Variables CI services set in every job. `CI` is the common one (GitHub Actions, GitLab CI,
# CircleCI, Travis, Buildkite, Drone, Woodpecker, Bitbucket, Azure's "TF_BUILD" aside); the
# others name services that do not always set it.
CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "CIRCLECI", "TRAVIS",
                "JENKINS_URL", "TEAMCITY_VERSION", "TF_BUILD", "BITBUCKET_BUILD_NUMBER",
                "DRONE", "CODEBUILD_BUILD_ID", "APPVEYOR", "SEMAPHORE")


def ci_runner() -> bool:
    """True inside a CI job: one of CI_VARIABLES is set to something other than empty, "0",
    "false" or "no"."""
    for name in CI_VARIABLES:
        value = os.environ.get(name)
        if value and value.strip().lower() not in ("0", "false", "no"):
            return True
    return False


def boot_time() -> float | None:
    """Seconds since the epoch when the machine booted (Linux), else None."""
    try:
        with open("/proc/stat", "rb") as f:
            for line in f:
                if line.startswith(b"btime"):
                    return float(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return None


def _find_git_dir(start: str) -> str | None:
    folder = start
    while True:
        candidate = os.path.join(folder, ".git")
        if os.path.isdir(candidate):
            return candidate
        if os.path.isfile(candidate):  # worktree or submodule: "gitdir: <path>"
            text = _read(candidate) or ""
            if text.startswith("gitdir:"):
                target = text[len("gitdir:"):].strip()
                return target if os.path.isabs(target) else os.path.normpath(
                    os.path.join(folder, target))
            return None
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _read_ref(git_dir: str, ref: str) -> str | None:
    common = git_dir
    commondir = _read(os.path.join(git_dir, "commondir"))
    if commondir:
        common = os.path.normpath(os.path.join(git_dir, commondir))
    for base in (git_dir, common):
        value = _read(os.path.join(base, *ref.split("/")))
        if value:
            return value
    packed = _read(os.path.join(common, "packed-refs"))
    if packed:
        for line in packed.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1] == ref:
                return parts[0]
    return None


def git_info(start: str | os.PathLike | None = None) -> tuple[str | None, str | None]:
    """(commit, branch) from the environment or by reading .git files; never spawns git.

    PERFTUI_GIT_COMMIT / PERFTUI_GIT_BRANCH win, then common CI variables, then the
    repository that contains `start` (default: the current directory).
    """
    env = os.environ
    commit = env.get("PERFTUI_GIT_COMMIT") or env.get("GITHUB_SHA") or env.get("CI_COMMIT_SHA")
    branch = (env.get("PERFTUI_GIT_BRANCH") or env.get("GITHUB_HEAD_REF")
              or env.get("GITHUB_REF_NAME") or env.get("CI_COMMIT_REF_NAME"))
    if commit and branch:
        return commit, branch
    try:
        git_dir = _find_git_dir(os.path.abspath(os.fspath(start) if start else os.getcwd()))
    except OSError:
        git_dir = None
    if git_dir is None:
        return commit, branch
    head = _read(os.path.join(git_dir, "HEAD"))
    if not head:
        return commit, branch
    if head.startswith("ref:"):
        ref = head[4:].strip()
        branch = branch or (ref[len("refs/heads/"):] if ref.startswith("refs/heads/") else ref)
        commit = commit or _read_ref(git_dir, ref)
    else:
        commit = commit or head or None  # detached HEAD
    return commit, branch


def system_context() -> dict:
    return {
        "python_version": python_version(),
        "platform": platform_name(),
        "cpu_count": cpu_count(),
        "total_memory_mb": total_memory_mb(),
        "host": host_name(),
    }


__all__ = ["system_context", "git_info", "peak_rss_mb", "current_rss_mb", "boot_time",
           "ci_runner"]
