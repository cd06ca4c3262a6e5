"""Create the PostgreSQL database named in DATABASE_URL if it does not exist.

Does nothing for SQLite (the file is created on first use). Used by `make migrate` and
`make test`, so that both work on a fresh PostgreSQL server.
"""

import os
import sys
from urllib.parse import urlsplit

url = os.environ.get("DATABASE_URL", "")
parts = urlsplit(url)
if not parts.scheme.startswith("postgres"):
    sys.exit(0)

import psycopg  # noqa: E402 - only needed for PostgreSQL
from psycopg import sql  # noqa: E402

name = parts.path.lstrip("/")
admin_url = parts._replace(path="/postgres").geturl()
with psycopg.connect(admin_url, autocommit=True) as connection:
    exists = connection.execute(
        "SELECT 1 FROM pg_database WHERE datname = %s", [name]
    ).fetchone()
    if not exists:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"Created PostgreSQL database {name}.")  # noqa: T201
