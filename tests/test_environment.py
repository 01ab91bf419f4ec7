"""environment.yml (conda) must list the same packages as pyproject.toml (runtime + test extra)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# conda-forge name -> PyPI name, where they differ (none at the moment).
CONDA_TO_PYPI: dict[str, str] = {}
IGNORED = {"python", "pip"}
_NAME_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _split(spec: str) -> tuple[str, str]:
    """'pandas>=2.1' -> ('pandas', '>=2.1'); 'python=3.11' -> ('python', '=3.11')."""
    m = _NAME_RE.match(spec.split(";")[0])
    assert m, f"cannot read a package name from {spec!r}"
    name = re.sub(r"\[.*?\]", "", m.group(1))
    return normalize(CONDA_TO_PYPI.get(normalize(name), name)), m.group(2).replace(" ", "")


def pyproject_specs() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    specs = list(project.get("dependencies", []))
    specs += project.get("optional-dependencies", {}).get("test", [])
    return dict(_split(s) for s in specs)


def environment_specs() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    assert "conda-forge" in env.get("channels", [])
    specs: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            specs += [s for s in dep.get("pip", []) if not s.lstrip().startswith("-")]  # skip "-e ."
        else:
            specs.append(str(dep))
    return {name: ver for name, ver in map(_split, specs) if name not in IGNORED}


def test_environment_yml_lists_the_pyproject_packages():
    py, conda = pyproject_specs(), environment_specs()
    missing = sorted(set(py) - set(conda))
    extra = sorted(set(conda) - set(py))
    assert not missing and not extra, (
        f"environment.yml is out of sync with pyproject.toml: add {missing} / remove {extra} "
        f"(map differing conda-forge names in CONDA_TO_PYPI)"
    )


def test_minimum_versions_agree():
    py, conda = pyproject_specs(), environment_specs()
    differ = {n: (py[n], conda[n]) for n in py.keys() & conda.keys() if py[n] != conda[n]}
    assert not differ, f"version constraints differ (pyproject, environment.yml): {differ}"


def test_environment_pins_python_311():
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    assert "python=3.11" in env["dependencies"]


def test_normalize():
    assert normalize("Charset_Normalizer") == normalize("charset.normalizer") == "charset-normalizer"
    assert _split("python-docx >= 1.1") == ("python-docx", ">=1.1")
    assert _split("python=3.11") == ("python", "=3.11")


def test_make_lint_checks_the_import_contracts():
    """The layers are stated as import-linter contracts in pyproject.toml, and `make lint` checks them."""
    lint = re.search(r"^lint:.*?(?=^\S|\Z)", (ROOT / "Makefile").read_text("utf-8"), re.M | re.S)
    assert lint and "lint-imports" in lint.group(0)
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]["contracts"]
    assert any(c["type"] == "layers" for c in contracts)
    linter = Path(sys.executable).with_name("lint-imports")
    if not linter.exists():
        pytest.skip("import-linter is not installed here")
    res = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-2000:]


def test_docstrings_follow_one_convention():
    """Every public function, class and module of the library has a numpydoc docstring (`numpydoc lint`, with the
    settings of pyproject.toml), and `make lint` checks it."""
    lint = re.search(r"^lint:.*?(?=^\S|\Z)", (ROOT / "Makefile").read_text("utf-8"), re.M | re.S)
    assert lint and "numpydoc lint" in lint.group(0)
    pytest.importorskip("numpydoc", reason="numpydoc is not installed here")
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "fazhi_lib").rglob("*.py"))
    res = subprocess.run([sys.executable, "-m", "numpydoc", "lint", *files], cwd=ROOT, capture_output=True, text=True)
    findings = [line for line in res.stdout.splitlines() if line.strip()]
    assert res.returncode == 0 and not findings, "\n".join(findings[:40])
