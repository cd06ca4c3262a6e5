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
