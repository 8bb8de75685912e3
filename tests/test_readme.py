"""The README's first commands are what a newcomer types; CI runs exactly the test command."""

from __future__ import annotations

import re


def readme_commands(repo_root) -> list[str]:
    text = (repo_root / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_opens_with_install_and_test_commands(repo_root):
    install, tests = readme_commands(repo_root)[:2]
    assert "pip install" in install and install.endswith("perftui demo")
    assert "pip install" in tests and '".[test]"' in tests and "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command(repo_root):
    tests = readme_commands(repo_root)[1]
    ci = (repo_root / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()


def test_readme_links_resolve(repo_root):
    text = (repo_root / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        if target.startswith("http"):
            continue
        assert (repo_root / target).exists(), f"README links to missing {target}"
