"""The one search box: claims, sources with aliases, documents and quotes."""

import pytest
from django.urls import reverse

from claims.reader.search import MAX_CHARS, MAX_TERMS, parse_query
from sources.models import SourceAlias
from tests.factories import (
    AssertionFactory,
    ClaimFactory,
    DocumentFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def search_page(client, q):
    return client.get(reverse("search"), {"q": q})


@pytest.fixture
def seeded(db):
    from django.core.management import call_command

    call_command("load_seed", verbosity=0)


def test_hur_finds_ukrainian_military_intelligence_by_its_alias(client, seeded):
    response = search_page(client, "HUR")

    sources = [s.name for s in response.context["results"].sources]
    assert "Ukrainian military intelligence (HUR)" in sources


def test_kirby_finds_his_statement(client, seeded):
    response = search_page(client, "Kirby")

    results = response.context["results"]
    assert [s.name for s in results.sources] == ["John Kirby"]
    assert any("at least 3,000" in a.quote for a in results.quotes)
    assert "John Kirby confirmed the presence of at least" in response.content.decode()


def test_a_partial_lower_case_name_finds_the_source(client, seeded):
    response = search_page(client, "ukrainian")

    names = [s.name for s in response.context["results"].sources]
    assert "Ukrainian military intelligence (HUR)" in names


def test_results_are_grouped_by_kind(client):
    claim = ClaimFactory(title="Tanks lost near Avdiivka")
    document = DocumentFactory(title="Avdiivka losses, daily update")
    AssertionFactory(
        claim=claim, document=document, figure="40", quote="Avdiivka: 40 tanks lost."
    )

    page = search_page(client, "Avdiivka").content.decode()

    for heading in ("Claims", "Documents", "Quotes"):
        assert f">{heading}</h2>" in page


def test_nothing_found_suggests_close_names(client):
    source = SourceFactory(name="Ukrainian military intelligence")
    SourceAlias.objects.create(source=source, name="HUR")

    response = search_page(client, "Ukranian military inteligence")

    assert response.context["results"].total == 0
    assert "Did you mean" in response.content.decode()
    assert "Ukrainian military intelligence" in response.context["results"].suggestions


def test_drafts_and_retracted_quotes_are_never_found(client):
    claim = ClaimFactory()
    AssertionFactory(
        claim=claim, figure="5", quote="A secret draft of 5.", status="draft"
    )

    response = search_page(client, "secret")

    assert response.context["results"].quotes == []


@pytest.mark.parametrize(
    ("raw", "terms", "dropped"),
    [
        ("  HUR   Kirby ", ("HUR", "Kirby"), 0),
        # 22 words of 9 characters, and a cut one, fit in 200: 13 left out.
        (
            " ".join(f"word{n:04d}" for n in range(2_000)),
            tuple(f"word{n:04d}" for n in range(10)),
            13,
        ),
        ("x" * 5_000, ("x" * MAX_CHARS,), 0),
        ("", (), 0),
    ],
)
def test_query_is_capped_at_ten_terms_and_200_characters(raw, terms, dropped):
    query = parse_query(raw)

    assert query.terms == terms
    assert len(query.terms) <= MAX_TERMS
    assert query.dropped_terms == dropped


def test_a_huge_query_is_cut_and_the_page_says_so(
    client, django_assert_max_num_queries
):
    words = " ".join(f"word{n}" for n in range(3_000))

    with django_assert_max_num_queries(8):
        response = search_page(client, words)

    assert response.status_code == 200
    assert "Searched for the first 10 words" in response.content.decode()


def test_search_escapes_what_it_echoes(client):
    page = search_page(client, '<script>alert("x")</script>').content.decode()

    assert "<script>alert" not in page


def test_search_indexes_exist_on_postgresql_alone():
    from django.db import connection

    expected = {"assertion_quote_fts_idx", "claim_title_fts_idx"}
    expected |= {"source_name_trgm_idx", "sourcealias_name_trgm_idx"}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        present = {row[0] for row in cursor.fetchall()}

    assert (expected <= present) == (connection.vendor == "postgresql")
