"""Time bench/imports.py's steps for two checkouts, step by step, one after the other.

    .venv/bin/python bench/imports_side_by_side.py --base ../before --rows 100000

(`--base`: a checkout of the code before the change, e.g. a git worktree beside this
one with a link to this virtualenv.)

On a shared machine a before-and-after pair measured minutes apart mostly measures
the neighbours. This runs each step (preview, import, the job, the data set) for
the `--base` checkout's code and for this one's back to back, in alternating
order, on one generated file, each on its own scratch PostgreSQL database
(BENCH_DATABASE_URL's name with `_base` or `_this`), with production settings. It
prints each step's wall time, CPU time and peak memory, with the load average
before it, and `--json` writes them. About twice bench/imports.py's time.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("preview", "import", "job", "dataset")


def bench_module(root: Path, name: str, tag: str):
    """Return a checkout's bench/<name>.py, loaded as a module of its own: its
    commands then run in that checkout."""
    spec = importlib.util.spec_from_file_location(
        f"{name}_{tag}", root / "bench" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def step_figures(tag: str, root: Path, step: str, url: str, files: dict) -> dict:
    """Run one step of bench/imports.py with `root`'s code; return its figures."""
    job = bench_module(root, "import_job", tag)
    if step == "job":
        return job.job_import(url, files["rows"], files["folder"])
    sys.modules["import_job"] = job  # bench/imports.py imports it by this name
    imports = bench_module(root, "imports", tag)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DATABASE_URL": url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    }
    job.recreate(url)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=root, env=env, check=True)
    path = files["dataset" if step == "dataset" else "rows"]
    command = [*manage, "import_assertions", str(path), "-v0"]
    return imports.run([*command, "--dry-run"] if step == "preview" else command, env)


def main() -> None:
    this = bench_module(ROOT, "imports", "options")
    parser = this.add_arguments(argparse.ArgumentParser(description=__doc__))
    parser.add_argument("--base", type=Path, required=True, help="the other checkout")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimtracker.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from claims.interchange.synthetic import dataset_csv, synthetic_csv_write

    roots = {"base": args.base.resolve(), "this": ROOT}
    result: dict = {tag: {} for tag in roots}
    with tempfile.TemporaryDirectory(prefix="claimtracker-side-by-side-") as folder:
        files = {"folder": folder, "rows": Path(folder) / "rows.csv"}
        synthetic_csv_write(path=files["rows"], count=args.rows)
        files["dataset"] = Path(folder) / "dataset.csv"
        files["dataset"].write_text(dataset_csv(days=args.days), encoding="utf-8")
        for n, step in enumerate(STEPS):
            for tag in list(roots)[:: 1 if n % 2 == 0 else -1]:
                url = f"{args.database}_{tag}"
                load = os.getloadavg()[0]
                figures = step_figures(tag, roots[tag], step, url, files)
                result[tag][step] = {**figures, "load_before": round(load, 2)}
                print(tag, step, result[tag][step], flush=True)  # noqa: T201
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
