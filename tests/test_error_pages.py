import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_unknown_address_gets_a_friendly_404(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert reverse("claims:list") in response.content.decode()


def test_wrong_role_gets_a_friendly_403(researcher_client):
    response = researcher_client.get(reverse("review:queue"))

    assert response.status_code == 403
    assert "Reviewing discrepancies is for editors" in response.content.decode()


def test_a_server_error_gets_a_friendly_500(db, settings):
    settings.ROOT_URLCONF = "tests.urls_failing"
    client = Client(raise_request_exception=False)

    response = client.get("/fail/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_losing_the_database_gets_a_friendly_503(db, settings):
    settings.ROOT_URLCONF = "tests.urls_failing"
    client = Client(raise_request_exception=False)

    response = client.get("/database-gone/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "cannot reach its database" in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reader_query_past_the_statement_timeout_gets_a_503(settings):
    """Issue 28: a slow query ran until gunicorn killed the worker (a 500). On
    PostgreSQL the reader's query is cancelled and the page says to retry; SQLite
    has no statement timeout, so there the setting is inert and the page is served."""
    from django.db import connection

    settings.ROOT_URLCONF = "tests.urls_failing"
    settings.CLAIMTRACKER_READER_STATEMENT_TIMEOUT_MS = 50
    client = Client(raise_request_exception=False)

    page, api = client.get("/slow/"), client.get("/api/slow/")

    if connection.vendor == "postgresql":
        assert page.status_code == api.status_code == 503
        assert page["Retry-After"] == api["Retry-After"] == "30"
        assert "took longer to build than the site allows" in page.content.decode()
        assert "took too long" in api.json()["detail"]
    else:
        assert page.status_code == api.status_code == 200


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_not_kept_leaves_a_readers_request_at_its_default(settings):
    """Behind PgBouncer in transaction mode (DJANGO_CONN_MAX_AGE=0, as
    docs/operations.md says) the server connection goes on to PgBouncer's next
    client when the request ends: a worker's import, the admin's merge. The
    readers' timeout was left on it, and their long statements were cancelled
    after the readers' few seconds."""
    from django.db import connection

    client, default = timeout_client(settings)
    kept = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 0
    try:
        assert client.get("/timeout/").content.decode() == "700ms"
        assert statement_timeout() == default  # what the next client finds
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = kept


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_readers_timeout_holds_for_readers_only(settings):
    """A kept connection keeps the readers' timeout from one reader's request to
    the next (set once, not twice a request), and goes back to its default for the
    admin, a POST and a streamed download, and when the timeout is changed or the
    connection is new."""
    from django.db import connection

    assert connection.vendor == "postgresql"  # SQLite has no statement timeout
    client, default = timeout_client(settings)

    def seen(method="get", path="/timeout/") -> str:
        return getattr(client, method)(path).content.decode()

    assert [seen(), seen()] == ["700ms", "700ms"]
    assert seen("post") == default
    assert seen() == "700ms"
    assert seen(path="/admin/timeout/") == default
    assert seen() == "700ms"
    streamed = client.get("/timeout/streamed/")
    assert b"".join(streamed.streaming_content).decode() == default
    settings.CLAIMTRACKER_READER_STATEMENT_TIMEOUT_MS = 900
    assert seen() == "900ms"
    connection.close()
    assert seen() == "900ms"
    settings.CLAIMTRACKER_READER_STATEMENT_TIMEOUT_MS = 0
    assert seen() == default


@pytest.mark.parametrize(
    ("path", "status"), [("/api/database-gone/", 503), ("/api/fail/", 500)]
)
def test_the_api_answers_its_errors_in_json(db, settings, path, status):
    settings.ROOT_URLCONF = "tests.urls_failing"
    client = Client(raise_request_exception=False)

    response = client.get(path)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_the_400_page_carries_the_content_security_policy(db):
    response = Client().get("/", headers={"host": "evil.example"})

    assert response.status_code == 400
    assert "default-src 'self'" in response["Content-Security-Policy"]


def timeout_client(settings):
    """A reader's client of tests/urls_failing.py's pages, under a 700 ms readers'
    timeout, and the connection's default timeout (PostgreSQL)."""
    settings.ROOT_URLCONF = "tests.urls_failing"
    settings.CLAIMTRACKER_READER_STATEMENT_TIMEOUT_MS = 700
    return Client(raise_request_exception=False), statement_timeout()


def statement_timeout() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]
