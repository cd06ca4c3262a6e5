"""The database the app is configured for, read the way claimtracker/settings.py reads
it (DATABASE_URL, else SQLite in the project directory), for the backup scripts."""

import os
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent


def describe() -> dict:
    """Return the engine ("postgresql" or "sqlite") and connection settings."""
    config = dj_database_url.config(default=f"sqlite:///{ROOT / 'db.sqlite3'}")
    engine = "postgresql" if "postgresql" in config["ENGINE"] else "sqlite"
    return {**config, "engine": engine, "name": str(config["NAME"])}


def pg_environment(database: dict) -> dict:
    """Return the environment that points pg_dump and pg_restore at the database."""
    env = dict(os.environ)
    env.update(
        PGDATABASE=database["name"],
        PGHOST=str(database.get("HOST") or "localhost"),
        PGPORT=str(database.get("PORT") or 5432),
        PGUSER=str(database.get("USER") or ""),
        PGPASSWORD=str(database.get("PASSWORD") or ""),
    )
    return {k: v for k, v in env.items() if v != ""}
