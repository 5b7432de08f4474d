"""The README's commands work as written on a fresh machine: no bare `flask` needing an activated virtual
environment, the system packages it lists are those CI installs, and `make run`'s port is the documented one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _ci_packages() -> list[str]:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(line for line in script.splitlines() if "apt-get install" in line)
    words = line.split("apt-get install", 1)[1].split(">")[0].split()
    return [w for w in words if not w.startswith("-")]


def test_readme_names_every_system_package_ci_installs() -> None:
    packages = _ci_packages()
    assert "postgresql" in packages and "chromium" in packages
    missing = [p for p in packages if f"`{p}`" not in README]
    assert not missing, f"README.md does not list these packages of .ci/run: {missing}"


def test_readme_commands_need_no_activated_virtual_environment() -> None:
    commands = [line.strip() for line in README.splitlines() if line.startswith("    ")]
    bare = [c for c in commands if re.match(r"(flask|pip|pytest|python)\b", c)]
    assert not bare, f"use .venv/bin/... or a make target: {bare}"
    assert "make run" in commands and "make test" in commands


def test_readme_port_is_the_makefile_default_and_can_be_changed() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    default = re.search(r"^PORT \?= (\d+)$", makefile, re.MULTILINE).group(1)
    assert f"http://127.0.0.1:{default}/" in README
    assert "make run PORT=" in README and "--port $(PORT)" in makefile
