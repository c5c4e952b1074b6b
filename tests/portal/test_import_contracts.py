"""The import contracts of pyproject.toml bite: the tree keeps them, and a module that makes a
forbidden import breaks the lint that `.ci/run` runs.

The forbidden imports are written into a copy of the packages under a temporary directory,
checked with a copy of the project's own configuration: the real tree is never touched.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "petitions", "stations", "supervision", "voting", "open311")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(where: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the packages under ``where`` with the project's configuration."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(where),
        "PYTHONIOENCODING": "utf-8",
        "COLUMNS": "240",  # one import per line, whatever the terminal
    }
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(where / "pyproject.toml"), "--no-cache"],
        cwd=where,  # import-linter finds the root packages from its working directory
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory) -> Path:
    """A copy of the Python files of the packages and of pyproject.toml."""
    where = tmp_path_factory.mktemp("contracts")
    keep_python = shutil.ignore_patterns("__pycache__", "static", "templates", "*.po", "*.mo")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, where / package, ignore=keep_python)
    shutil.copy(ROOT / "pyproject.toml", where / "pyproject.toml")
    return where


def test_the_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_copy_keeps_every_contract_before_a_probe_is_added(tree_copy):
    result = lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        ("portal/_contract_probe.py", "import stations.models\n", "The core names no domain app"),
        ("portal/_contract_probe.py", "from voting import api\n", "The core names no domain app"),
        ("petitions/_contract_probe.py", "import voting\n", "petitions imports neither"),
        (
            "petitions/_contract_probe.py",
            "import supervision.models\n",
            "petitions imports neither",
        ),
        (
            "petitions/_contract_probe.py",
            "from stations import models\n",
            "petitions imports neither",
        ),
        ("voting/_contract_probe.py", "from petitions import models\n", "voting imports neither"),
        ("voting/_contract_probe.py", "import supervision\n", "voting imports neither"),
        (
            "stations/_contract_probe.py",
            "from petitions import queries\n",  # not an entry point of the issue workflow
            "stations uses only the issue workflow",
        ),
    ],
)
def test_a_forbidden_import_breaks_the_lint(tree_copy, module, source, broken):
    probe = tree_copy / module
    probe.write_text(f'"""A forbidden import, for the contract test."""\n\n{source}')
    try:
        result = lint_imports(tree_copy)
    finally:
        probe.unlink()
    assert result.returncode != 0, result.stdout
    assert broken in result.stdout and "BROKEN" in result.stdout
    assert f"{module[:-3].replace('/', '.')} ->" in result.stdout


def test_a_function_level_import_is_caught_too(tree_copy):
    probe = tree_copy / "voting" / "_contract_probe.py"
    probe.write_text("def later():\n    from petitions import workflow\n\n    return workflow\n")
    try:
        result = lint_imports(tree_copy)
    finally:
        probe.unlink()
    assert (
        result.returncode != 0 and "voting._contract_probe -> petitions.workflow" in result.stdout
    )


def test_the_core_modules_import_each_other_without_a_cycle():
    """Imports inside the core run one way (no circle held together by imports inside
    functions): tasks are queued by name (``portal.queue``), labels come from the registry
    (``portal.vocabulary``)."""
    import grimp

    graph = grimp.build_graph("portal")
    modules = {m for m in graph.modules if ".migrations" not in m}
    cycles = []
    for module in sorted(modules):
        for imported in graph.find_modules_directly_imported_by(module) & modules:
            if graph.chain_exists(importer=imported, imported=module):
                cycles.append((module, imported))
    assert cycles == []
