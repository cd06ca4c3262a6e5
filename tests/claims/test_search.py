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

    # A constant number, whatever the query: a few per kind, and the suggestions.
    with django_assert_max_num_queries(12):
        response = search_page(client, words)

    assert response.status_code == 200
    assert "Searched for the first 10 words" in response.content.decode()


def test_search_escapes_what_it_echoes(client):
    page = search_page(client, '<script>alert("x")</script>').content.decode()

    assert "<script>alert" not in page


def test_search_indexes_exist_on_postgresql_alone():
    from django.db import connection

    expected = {"assertion_search_idx", "translation_search_idx", "claim_search_idx"}
    expected |= {"document_search_idx", "claim_title_trgm_idx"}
    expected |= {"source_name_trgm_idx", "sourcealias_name_trgm_idx"}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        present = {row[0] for row in cursor.fetchall()}

    assert (expected <= present) == (connection.vendor == "postgresql")


def test_a_quoted_phrase_is_a_phrase(client):
    """Issue 28: "first batch" finds the words together, in order, not apart."""
    claim = ClaimFactory()
    AssertionFactory(claim=claim, figure="1", quote="The first batch arrived: 1.")
    AssertionFactory(claim=claim, figure="2", quote="A batch came first: 2.")

    for typed in ('"first batch"', "“first batch”"):
        quotes = search_page(client, typed).context["results"].quotes
        assert [a.figure for a in quotes] == ["1"]
    apart = search_page(client, "first batch").context["results"].quotes
    assert sorted(a.figure for a in apart) == ["1", "2"]


def test_search_reads_the_indexes_not_every_row(client):
    """Issue 28: the filter `rank > 0 OR icontains` read every row. On PostgreSQL
    the quote candidates come from the GIN index; on SQLite from the newest
    SQLITE_WINDOW rows only."""
    from django.db import connection

    from claims.reader import search

    AssertionFactory(quote="Officials said 3,000 troops were there.")
    query = search.parse_query("troops")

    if connection.vendor == "postgresql":
        # A table of one row is read whole whatever the indexes; this asks whether
        # the query can be served by the index (the expressions match). The test's
        # transaction undoes the setting.
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
        from claims.models import Assertion

        plan = (
            Assertion.objects.annotate(search_vector=search.vector("assertion"))
            .filter(search_vector=search.text_query(query))
            .explain()
        )
        assert "assertion_search_idx" in plan
    else:
        assert search.search(query).quotes
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM claims_assertion")
            assert cursor.fetchone()[0] < search.SQLITE_WINDOW  # a window, so all found
