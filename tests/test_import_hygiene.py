"""Import rules of DESIGN.md, proved in fresh interpreters: the recorder stays cheap inside host
apps, and the core never imports the TUI."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

HEAVY = ("textual", "plotext", "numpy", "peewee", "rich", "psutil")


def loaded_after(code: str, env: dict) -> set[str]:
    probe = code + textwrap.dedent(f"""
        import sys, json
        print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))
    """)
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.strip().splitlines()[-1]))


def test_import_perftui_imports_nothing_heavy(subprocess_env):
    assert loaded_after("import perftui", subprocess_env) == set()


def test_recording_a_snapshot_imports_nothing_heavy(subprocess_env, store_path):
    code = textwrap.dedent(f"""
        from perftui import PerformanceTracker, measure_performance
        t = PerformanceTracker(db={str(store_path)!r}, summary=False, cold_start=False)
        @measure_performance("validation", "VAL-001")
        async def validate():
            return 1
        t.start_operation("app_startup"); t.stop_operation("app_startup")
        for i in range(25):
            t.record_metric("prompt_token_count", 2000 + i)
            assert t.record_baseline_snapshot() is not None
    """)
    assert loaded_after(code, subprocess_env) == set()


# what a host app that imports nothing would pay for: never on the recorder's path into a store
# that exists (creating one may load more, once)
STDLIB_NEVER = ("functools", "collections", "re", "json", "typing", "enum", "datetime", "logging",
                "dataclasses", "pathlib", "contextlib", "importlib", "uuid", "decimal", "inspect",
                "warnings", "threading", "weakref")


def test_recording_into_a_store_loads_no_stdlib_heavyweight(subprocess_env, store_path):
    record = textwrap.dedent(f"""
        from perftui import PerformanceTracker
        t = PerformanceTracker(db={str(store_path)!r}, summary=False, cold_start=False)
        t.start_operation("app_startup"); t.stop_operation("app_startup")
        t.record_metric("prompt_token_count", 2000)
        assert t.record_baseline_snapshot() is not None
    """)
    subprocess.run([sys.executable, "-c", record], env=subprocess_env, check=True, timeout=60)
    probe = "import sys\nbefore = set(sys.modules)\n" + record + textwrap.dedent(f"""
        print(" ".join(m for m in {STDLIB_NEVER!r} if m in sys.modules and m not in before))
    """)
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=subprocess_env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == []


def test_core_and_cli_never_import_textual(subprocess_env):
    code = textwrap.dedent("""
        import perftui.core.status, perftui.core.alerts, perftui.core.targets
        import perftui.cli.main
        perftui.cli.main.build_parser()
    """)
    loaded = loaded_after(code, subprocess_env)
    assert "textual" not in loaded and "plotext" not in loaded


def test_analysis_is_pure(subprocess_env):
    code = "import perftui.analysis.detect, perftui.analysis.lifecycle, perftui.analysis.index\n"
    assert loaded_after(code, subprocess_env) == set()
