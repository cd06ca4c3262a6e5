"""The import-linter contracts in pyproject.toml bite (issue 22).

`make lint` runs lint-imports on the project. Here it runs on a copy of claims/,
sources/ and pyproject.toml in a scratch folder: the copy as it is passes, and the
copy with one planted import fails and names the contract it breaks. The result does
not depend on the database engine, so these run in one CI leg only.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = [pytest.mark.engine_independent, pytest.mark.process]


def copy_project(target: Path) -> Path:
    """Copy what lint-imports reads (the two apps and the contracts) to `target`."""
    for package in ("claims", "sources"):
        shutil.copytree(
            ROOT / package,
            target / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_unmodified_copy_keeps_every_contract(tmp_path):
    result = lint_imports(copy_project(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def plant(path: Path, source: str) -> None:
    """Add a module, or add lines at the end of one."""
    existing = path.read_text() if path.exists() else ""
    path.write_text(existing + source)


# (module to write, source to add, contract that must break, chain it must show)
PLANTED = [
    (
        "claims/domain/planted.py",
        "import django\n",
        "The domain and presentation packages import no Django and no app code",
        "claims.domain.planted -> django",
    ),
    (
        "claims/presentation/planted.py",
        "from rest_framework import serializers\n",
        "The domain and presentation packages import no Django and no app code",
        "claims.presentation.planted -> rest_framework",
    ),
    (
        "claims/domain/planted.py",
        "from claims import models\n",
        "The domain and presentation packages import no Django and no app code",
        "claims.domain.planted -> claims.models",
    ),
    (
        "sources/planted.py",
        "from claims import models\n",
        "sources imports nothing from claims",
        "sources.planted -> claims.models",
    ),
    (
        "claims/models.py",
        "from claims.reader import selectors  # planted\n",
        "claims.models imports no feature package",
        "claims.models -> claims.reader.selectors",
    ),
    (
        "claims/reader/planted.py",
        "from claims.review import views\n",
        "Features meet only through the declared routes",
        "claims.reader.planted -> claims.review.views",
    ),
    (
        "claims/pipeline/planted.py",
        "from claims.admin import forms\n",
        "claims: entry points over features over the pipeline over models over domain",
        "claims.pipeline.planted -> claims.admin.forms",
    ),
]


@pytest.mark.parametrize(
    ("module", "source", "contract", "chain"),
    PLANTED,
    ids=[f"{module}:{source.split()[1]}" for module, source, *_ in PLANTED],
)
def test_a_planted_import_breaks_its_contract(
    tmp_path, module, source, contract, chain
):
    project = copy_project(tmp_path)
    plant(project / module, source)

    result = lint_imports(project)

    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout, result.stdout
    assert chain in result.stdout, result.stdout


def test_an_ignored_import_that_is_gone_fails_the_run(tmp_path):
    """An ignore_imports line outlives its import only as an error, so the lists of
    allowed and to-be-removed imports can only shrink."""
    project = copy_project(tmp_path)
    imports = project / "claims" / "interchange" / "imports.py"
    imports.write_text(
        imports.read_text().replace(
            "from claims.jobs.locks import ImportBusy, import_turn\n",
            "ImportBusy = import_turn = None  # planted: the import is gone\n",
        )
    )

    result = lint_imports(project)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "claims.interchange.imports -> claims.jobs.locks" in output, output
