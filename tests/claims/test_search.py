"""The one search box: claims, sources with aliases, documents and quotes."""

import re

import pytest
from django.urls import reverse

from claims.interchange.imports import assertions_import
from claims.pipeline import services
from claims.reader import search
from claims.reader.search import MAX_CHARS, MAX_TERMS, parse_query
from sources.models import SourceAlias
from tests.factories import (
    AssertionFactory,
    ClaimFactory,
    DocumentFactory,
    SourceFactory,
)
from tests.support.imports import GOOD, csv_of

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


def test_a_search_with_a_nul_character_finds_what_its_words_find(client, seeded):
    """A NUL (%00 in the address) made PostgreSQL refuse the search: a 500."""
    response = search_page(client, "Pentagon\x00")

    assert response.status_code == 200
    assert "Pentagon" in response.content.decode()


def test_search_escapes_what_it_echoes(client):
    page = search_page(client, '<script>alert("x")</script>').content.decode()

    assert "<script>alert" not in page


def test_search_indexes_exist_on_postgresql_alone():
    from django.db import connection

    expected = {"assertion_search_idx", "translation_search_idx", "claim_search_idx"}
    expected |= {"document_search_idx", "claim_title_trgm_idx"}
    expected |= {"source_name_trgm_idx", "sourcealias_name_trgm_idx"}
    expected |= {"source_name_current_trgm_idx"}
    expected |= {"quoteword_word_trgm_idx"}
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
        assert [a.figure for group in quotes for a in group.assertions] == ["1"]
    apart = search_page(client, "first batch").context["results"].quotes
    assert sorted(a.figure for group in apart for a in group.assertions) == ["1", "2"]


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


def test_words_never_found_together_are_looked_up_in_the_index_alone(client):
    """Issue 28: for "drones people", two common words never in one quote, the
    planner read 1.2 million rows in order (4.2 s). The candidates are read with
    sequential and ordered scans off, from the index; the settings are back on
    once the page is served."""
    from django.db import connection

    from claims.models import Assertion

    AssertionFactory(figure="300", quote="Officials said 300 drones were shot down.")
    AssertionFactory(figure="3,000", quote="Officials said 3,000 people left.")
    query = search.parse_query("drones people")

    assert search_page(client, "drones people").context["results"].quotes == []
    if connection.vendor == "postgresql":
        candidates = search._matches(Assertion.objects.published(), "assertion", query)
        with search.from_the_indexes():
            plan = candidates.explain()
        # A bitmap read of indexes (the search index, once the table is large),
        # never the table in order.
        scans = re.findall(
            r"Bitmap Index Scan|Index Only Scan|Index Scan|Seq Scan", plan
        )
        assert set(scans) == {"Bitmap Index Scan"}
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            seqscan = cursor.fetchone()[0]
            cursor.execute("SHOW enable_indexscan")
            assert (seqscan, cursor.fetchone()[0]) == ("on", "on")


def test_a_word_in_most_quotes_is_found_among_the_first_figures(client, monkeypatch):
    """Issue 28: "source said", in every quote, read a bitmap of 1.2 million index
    entries (96 ms) to take the first 200. The first figures hold as many: they
    are the candidates, ranked, as the index would have given them."""
    from django.db import connection

    from claims.models import Assertion

    monkeypatch.setattr(search, "CANDIDATES", 3)
    monkeypatch.setattr(search, "FIRST_QUOTES", 5)
    made = [
        AssertionFactory(figure=f"{n},000", quote=f"The source said {n},000 arrived.")
        for n in range(1, 8)
    ]
    query = search.parse_query("source said")

    found = search_page(client, "source said").context["results"].quotes

    shown = sorted(a.pk for group in found for a in group.assertions)
    if connection.vendor == "postgresql":
        published = Assertion.objects.published()
        first = search._first_quotes(published, query, None)
        assert first == [a.pk for a in made[:3]]
        index = search._found(search._matches(published, "assertion", query))
        assert sorted(index) == first
        assert shown == first
    else:
        assert shown == sorted(a.pk for a in made)


def test_a_quote_past_the_first_figures_is_found_from_the_index(client, monkeypatch):
    """When the first figures hold fewer matches than the candidates, the index
    is read, so a quote anywhere is found."""
    monkeypatch.setattr(search, "FIRST_QUOTES", 2)
    for n in range(1, 5):
        AssertionFactory(figure=f"{n},000", quote=f"The source said {n},000 arrived.")
    AssertionFactory(figure="70", quote="Seventy drones were shot down overnight.")

    found = search_page(client, "drones").context["results"].quotes

    assert [a.figure for group in found for a in group.assertions] == ["70"]


RELAYED = "3,000 soldiers crossed into the Kursk region this week."


def test_the_same_quote_from_four_sources_shows_once_naming_them(
    client, django_assert_max_num_queries
):
    """Issue 25: a statement relayed word for word showed four times in a row."""
    claim = ClaimFactory()
    names = ["Reuters", "Associated Press", "Agence France-Presse", "BBC Monitoring"]
    for name in names:
        AssertionFactory(
            claim=claim, source=SourceFactory(name=name), figure="3,000", quote=RELAYED
        )
    AssertionFactory(claim=claim, figure="2,500", quote="2,500 soldiers crossed.")

    with django_assert_max_num_queries(12):
        response = search_page(client, "soldiers crossed")

    quotes = response.context["results"].quotes
    page = response.content.decode()
    assert len(quotes) == 2
    grouped = next(group for group in quotes if group.quote == RELAYED)
    assert sorted(source.name for source in grouped.sources) == sorted(names)
    assert page.count("3,000 soldiers crossed into") == 1
    assert "Stated by 4 sources" in page
    assert all(name in page for name in names)


def test_the_same_quote_in_other_spacing_or_case_is_grouped_too():
    claim = ClaimFactory()
    AssertionFactory(claim=claim, figure="3,000", quote=RELAYED)
    AssertionFactory(claim=claim, figure="3,000", quote="  " + RELAYED.upper())

    quotes = search.search(parse_query("Kursk")).quotes

    assert [len(group.assertions) for group in quotes] == [2]


def test_a_misspelled_word_of_a_quote_gets_a_suggestion(client):
    """Issue 25: names got suggestions, the words of quotes none."""
    AssertionFactory(figure="1,500", quote="The first batch of 1,500 troops arrived.")

    response = search_page(client, "frist batch")

    assert response.context["results"].total == 0
    assert response.context["results"].suggestions[0] == "first batch"
    assert 'href="/search/?q=first%20batch">first batch</a>' in (
        response.content.decode()
    )


def test_a_misspelled_phrase_is_suggested_as_a_phrase(client):
    AssertionFactory(figure="1,500", quote="The first batch of 1,500 troops arrived.")

    suggestions = search.search(parse_query("“frist batch”")).suggestions

    assert suggestions[0] == "“first batch”"


def test_a_word_found_only_in_the_oldest_quote_gets_a_suggestion(
    client, django_assert_max_num_queries
):
    """Issue 25: the words came from the newest 2,000 quotes alone; now from every
    published quote, in one bounded query."""
    AssertionFactory(figure="40", quote="Reconnaissance drones: 40.")
    for n in range(3):
        AssertionFactory(figure=str(n), quote=f"Artillery shells: {n}.")

    with django_assert_max_num_queries(1):
        suggestions = search._respelled(parse_query("reconaissance drones"))

    assert suggestions == ["reconnaissance drones"]


def test_a_quotes_new_wording_is_suggested_and_a_drafts_never(client):
    figure = AssertionFactory(figure="40", quote="Reconnaissance drones: 40.")
    figure.quote = "Loitering munitions: 40."
    services.assertion_save(assertion=figure)
    AssertionFactory(figure="50", quote="Howitzers: 50.", status="draft")

    assert search.suggest(parse_query("loitering munitons")) == ["loitering munitions"]
    assert search.suggest(parse_query("howitzer")) == []


def test_an_imported_quotes_words_are_suggested(client):
    assertions_import(data=csv_of(GOOD))  # "The Pentagon now believes 10000 …"

    assert search.suggest(parse_query("beleives")) == ["believes"]


@pytest.mark.parametrize(
    "typed",
    [
        "<script>frist</script>",
        "' OR 1=1 -- frist",
        " ".join(["frist" * 9] * 10),
        "%_% frist \\x00",
        "ﬁrst 𝔣𝔯𝔦𝔰𝔱 frist",
    ],
)
def test_hostile_queries_get_suggestions_safely_in_bounded_queries(
    client, django_assert_max_num_queries, typed
):
    AssertionFactory(figure="1,500", quote="The first batch of 1,500 troops arrived.")

    with django_assert_max_num_queries(12):
        response = search_page(client, typed)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>frist" not in page and "<script>first" not in page


def test_a_query_after_an_error_under_planner_settings_is_planned_as_usual(db):
    """A page that fails inside planned_with (a view's own error, in no transaction
    of its own to roll the settings back) leaves the connection's next query, in
    the same request or the next, planned as usual."""
    from django.db import connection

    from claims.models import Claim

    with pytest.raises(KeyError):
        with search.planned_with(enable_hashjoin="off"):
            list(Claim.objects.all())
            {}["a figure the page expected"]

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_hashjoin")
            assert cursor.fetchone()[0] == "on"


def test_a_planner_setting_set_again_inside_holds_until_the_outer_block_ends(db):
    """A block under planner settings inside another that sets the same name
    restores the outer block's value when it ends: it reset it, so the rest of
    the outer block ran planned as usual."""
    from django.db import connection

    def setting(name):
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return cursor.fetchone()[0]

    if connection.vendor != "postgresql":
        with search.planned_with(enable_hashjoin="off"):
            with search.planned_without("enable_hashjoin"):
                pass
        return  # no planner settings on SQLite: the blocks only run their body
    with search.planned_with(enable_hashjoin="off", jit="off"):
        with search.planned_with(enable_hashjoin="off", enable_mergejoin="off"):
            assert setting("enable_mergejoin") == "off"
        assert setting("enable_hashjoin") == "off"  # the outer block's, still
        assert setting("enable_mergejoin") == "on"
        assert setting("jit") == "off"
    assert (setting("enable_hashjoin"), setting("jit")) == ("on", "on")


def test_a_direction_override_in_the_query_is_shown_as_a_mark(client):
    """A crafted link's U+202E would display the page's echo of it reversed: the
    title and the result count show it as a mark, as quotes do."""
    answer = client.get("/search/", {"q": "\u202eabc"}).content.decode()
    title = answer[answer.index("<title>") : answer.index("</title>")]
    assert "Search: [U+202E]abc" in title
    assert '“<span class="control-mark">[U+202E]</span>abc”' in answer
    # Only the search boxes (the header's and the page's) hold the query as
    # typed, to search again.
    assert answer.count("\u202e") == 2
    assert 'value="\u202eabc"' in answer
