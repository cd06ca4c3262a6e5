"""Per-client limits (claims/limits.py, claims/api/throttles.py): the API and the
expensive reader views answer 429 with Retry-After past a client's rate, count the
address the trusted proxy reports, and let the client back in when the window ends."""

import pytest
from django.urls import reverse

from claims import limits

CLAIM = "north-korean-troops-in-russia"


@pytest.fixture
def clock(monkeypatch):
    """The limits' clock, set by the test, at the start of a minute."""
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(limits.time, "time", lambda: now["t"])
    return now


@pytest.fixture
def tight(settings, clock):
    """Limits on, at two requests a minute for every kind of view."""
    settings.CLAIMTRACKER_LIMITS = True
    settings.CLAIMTRACKER_LIMIT_RATES = {
        scope: "2/minute" for scope in ("reader", "export", "anon", "user")
    }
    return clock


def requests(client, url, times, **headers):
    return [client.get(url, **headers) for _ in range(times)]


def test_search_past_the_limit_is_a_429_with_retry_after_in_plain_words(
    client, seeded, tight
):
    first, second, third = requests(client, reverse("search") + "?q=troops", 3)

    assert (first.status_code, second.status_code) == (200, 200)
    assert third.status_code == 429
    assert third["Retry-After"] == "60"
    assert third["Content-Type"].startswith("text/plain")
    assert "try again in 60 seconds" in third.content.decode()


def test_the_limit_lifts_when_the_window_ends(client, seeded, tight):
    url = reverse("search") + "?q=troops"
    requests(client, url, 2)
    tight["t"] += 45
    refused = client.get(url)
    tight["t"] += 15

    again = client.get(url)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "15"
    assert again.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        reverse("claims:detail", args=[CLAIM]) + "?as_of=2024-11-01",
        reverse("claims:detail", args=[CLAIM]) + "?scale=log",
        # A page of a list: each one not in the cache costs a render.
        reverse("claims:detail", args=[CLAIM]) + "?figures=1",
        reverse("sources:detail", args=["south-korea-nis"]) + "?figures=1",
        reverse("claims:chart", args=[CLAIM]),
        reverse("claims:export", args=[CLAIM, "csv"]),
        reverse("claims:list-export", args=["json"]),
        reverse("api:assertion-list"),
    ],
)
def test_expensive_views_and_the_api_are_limited(client, seeded, tight, url):
    answers = requests(client, url, 3)

    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert answers[2].status_code == 429
    assert int(answers[2]["Retry-After"]) > 0


def test_the_api_429_says_when_to_come_back(client, seeded, tight):
    answer = requests(client, reverse("api:claim-list"), 3)[2]

    assert answer.status_code == 429
    assert "available in" in answer.json()["detail"]


def test_the_plain_claim_page_is_not_limited(client, seeded, tight):
    answers = requests(client, reverse("claims:detail", args=[CLAIM]), 5)

    assert {a.status_code for a in answers} == {200}


def test_without_trusted_proxies_a_forwarded_address_is_ignored(client, seeded, tight):
    url = reverse("search") + "?q=troops"
    requests(client, url, 2, HTTP_X_FORWARDED_FOR="203.0.113.1")

    spoofed = client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.2")

    assert spoofed.status_code == 429


@pytest.mark.parametrize("url", [reverse("search") + "?q=x", "/api/claims/"])
def test_behind_a_trusted_proxy_each_forwarded_client_counts_apart(
    client, seeded, tight, settings, url
):
    settings.CLAIMTRACKER_TRUSTED_PROXIES = 1
    # What the client wrote comes first; the proxy appends the address it saw.
    first = {"HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.1"}
    requests(client, url, 2, **first)

    same = client.get(url, HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.1")
    other = client.get(url, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.2")

    assert same.status_code == 429
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "client"),
    [
        (0, "203.0.113.1", "127.0.0.1"),
        (1, "203.0.113.1", "203.0.113.1"),
        (1, "198.51.100.7, 203.0.113.1", "203.0.113.1"),
        (2, "198.51.100.7, 203.0.113.1", "198.51.100.7"),
        (3, "198.51.100.7, 203.0.113.1", "198.51.100.7"),
        (1, "", "127.0.0.1"),
    ],
)
def test_client_address_is_the_one_the_trusted_proxy_saw(
    rf, settings, proxies, forwarded, client
):
    settings.CLAIMTRACKER_TRUSTED_PROXIES = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1")

    assert limits.client_address(request) == client


def test_limits_off_lifts_them(client, seeded, tight, settings):
    settings.CLAIMTRACKER_LIMITS = False

    answers = requests(client, reverse("search") + "?q=troops", 5)
    api = requests(client, reverse("api:claim-list"), 5)

    assert {a.status_code for a in answers + api} == {200}


@pytest.mark.parametrize("rate", ["60", "60/fortnight", "many/minute"])
def test_a_badly_written_rate_is_named(rate):
    with pytest.raises(ValueError, match="60/minute"):
        limits.parse_rate(rate)
