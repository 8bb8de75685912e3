"""The example host app records snapshots that `perftui status` then shows."""

from __future__ import annotations

import json
import subprocess
import sys


def test_example_app_records_and_status_shows_it(repo_root, subprocess_env, store_path):
    env = dict(subprocess_env, PERFTUI_DB=str(store_path), PERFTUI_COLD_START="0",
               HOST_APP_VERBOSE="1")
    for _ in range(3):
        proc = subprocess.run([sys.executable, str(repo_root / "examples" / "host_app.py")],
                              env=env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith("snapshot ")
    status = subprocess.run([sys.executable, "-m", "perftui", "--db", str(store_path), "status",
                             "--format", "json"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)
    assert data["scope"] == {"app": "host-app", "environment": "local"}
    codes = {m["metric_id"] for m in data["metrics"]}
    assert {"APP-001", "SVC-001", "SVC-002", "VAL-001", "VAL-003", "GEN-001", "API-002",
            "API-003", "MEM-001", "MEM-002"} <= codes
    assert data["snapshot"]["id"] == 3 and data["snapshot"]["app_version"] == "1.4.0"
    text = subprocess.run([sys.executable, "-m", "perftui", "--db", str(store_path), "status"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert text.returncode == 0 and "VAL-001" in text.stdout and "Single Validation" in text.stdout
