import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Assertion
from tests.factories import (
    AssertionFactory,
    ClaimFactory,
    DocumentFactory,
    SourceAliasFactory,
    SourceFactory,
    stated,
)

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:claims_assertion_add")
CHANGELIST_URL = reverse("admin:claims_assertion_changelist")


def assertion_form(claim, source, **fields):
    return {
        "claim": claim.pk,
        "source": source.pk,
        "stated_on": "2024-10-28",
        "date_precision": "day",
        "figure": "between 10,000 and 12,000",
        "quote": "Officials said between 10,000 and 12,000 troops.",
        "credibility": "6",
        "status": "published",
        # The change page's translations inline, empty (the add page has none).
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
        **fields,
    }


def test_researcher_adds_a_range_and_sees_how_it_reads(researcher_client, researcher):
    claim, source = ClaimFactory(), SourceFactory()

    response = researcher_client.post(
        ADD_URL, assertion_form(claim, source), follow=True
    )

    assertion = Assertion.objects.get()
    assert (assertion.kind, assertion.low, assertion.high) == ("range", 10_000, 12_000)
    assert assertion.created_by == researcher
    assert "reads as Range: 10,000 to 12,000" in response.content.decode()


def test_bad_figure_gets_a_message_on_the_field_and_nothing_is_saved(researcher_client):
    claim, source = ClaimFactory(), SourceFactory()

    response = researcher_client.post(
        ADD_URL, assertion_form(claim, source, figure="12,000–10,000")
    )

    assert response.status_code == 200
    assert "reversed range" in " ".join(
        response.context["adminform"].form.errors["figure"]
    )
    assert not Assertion.objects.exists()


def test_a_figure_its_quote_does_not_state_is_refused_on_the_form(
    researcher_client,
):
    claim, source = ClaimFactory(), SourceFactory()
    form = assertion_form(
        claim,
        source,
        figure="5,000",
        quote="around 11,000 North Korean soldiers were stationed in Kursk",
    )

    response = researcher_client.post(ADD_URL, form)

    assert "the figure says 5,000; the quote says around 11,000" in " ".join(
        response.context["adminform"].form.errors["figure"]
    )
    assert not Assertion.objects.exists()


def test_researcher_can_set_the_interpretation_by_hand(researcher_client):
    claim, source = ClaimFactory(), SourceFactory()
    form = assertion_form(
        claim,
        source,
        figure="several thousand",
        quote="Officials said several thousand troops.",
        is_overridden="on",
        kind="range",
        low="5000",
        high="8000",
    )

    researcher_client.post(ADD_URL, form)

    assertion = Assertion.objects.get()
    assert (assertion.kind, assertion.low, assertion.high) == ("range", 5000, 8000)


def test_hand_set_interpretation_needs_a_kind(researcher_client):
    claim, source = ClaimFactory(), SourceFactory()

    response = researcher_client.post(
        ADD_URL, assertion_form(claim, source, is_overridden="on", kind="")
    )

    assert "Choose a kind" in " ".join(
        response.context["adminform"].form.errors["kind"]
    )
    assert not Assertion.objects.exists()


def test_researcher_cannot_delete(researcher_client):
    assertion = AssertionFactory()

    response = researcher_client.post(
        reverse("admin:claims_assertion_delete", args=[assertion.pk]), {"post": "yes"}
    )
    changelist = researcher_client.get(CHANGELIST_URL)

    assert response.status_code == 403
    assert Assertion.objects.filter(pk=assertion.pk).exists()
    assert "delete_selected" not in changelist.content.decode()


def test_superuser_can_delete(superuser_client):
    assertion = AssertionFactory()

    superuser_client.post(
        reverse("admin:claims_assertion_delete", args=[assertion.pk]), {"post": "yes"}
    )

    assert not Assertion.objects.filter(pk=assertion.pk).exists()


def test_deleting_an_empty_claim_and_topic_keeps_their_history(superuser_client):
    from claims.models import Claim, Topic

    claim = ClaimFactory(title="Drafted by mistake")
    topic = claim.topic

    superuser_client.post(
        reverse("admin:claims_claim_delete", args=[claim.pk]), {"post": "yes"}
    )
    superuser_client.post(
        reverse("admin:claims_topic_delete", args=[topic.pk]), {"post": "yes"}
    )

    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert not Topic.objects.filter(pk=topic.pk).exists()
    for model, pk in [(Claim, claim.pk), (Topic, topic.pk)]:
        deleted = model.history.filter(id=pk, history_type="-").get()
        assert (deleted.history_change_reason, deleted.history_user.username) == (
            "Deleted",
            "root",
        )


def test_every_change_shows_in_the_history(researcher_client, researcher):
    claim, source = ClaimFactory(), SourceFactory()
    researcher_client.post(ADD_URL, assertion_form(claim, source))
    assertion = Assertion.objects.get()
    change_url = reverse("admin:claims_assertion_change", args=[assertion.pk])
    researcher_client.post(
        change_url,
        assertion_form(
            claim,
            source,
            figure="up to 12,000",
            quote="Officials said up to 12,000 troops.",
            seen_version=assertion.version,
        ),
    )

    response = researcher_client.get(
        reverse("admin:claims_assertion_history", args=[assertion.pk])
    )

    records = assertion.history.order_by("history_date")
    assert [record.figure for record in records] == [
        "between 10,000 and 12,000",
        "up to 12,000",
    ]
    assert {record.history_user for record in records} == {researcher}
    assert response.status_code == 200
    assert "up to 12,000" in response.content.decode()


def test_retract_action_asks_for_a_reason_then_retracts(researcher_client):
    assertion = AssertionFactory()
    action = {"action": "retract_selected", "_selected_action": [assertion.pk]}

    asked = researcher_client.post(CHANGELIST_URL, action)
    refused = researcher_client.post(
        CHANGELIST_URL, {**action, "apply": "1", "reason": ""}
    )
    assertion.refresh_from_db()
    assert asked.status_code == refused.status_code == 200
    assert "This field is required" in refused.content.decode()
    assert assertion.status == "published"

    researcher_client.post(
        CHANGELIST_URL, {**action, "apply": "1", "reason": "Misattributed"}
    )

    assertion.refresh_from_db()
    assert assertion.status == "retracted"
    assert assertion.retraction_reason == "Misattributed"
    assert (
        assertion.history.latest().history_change_reason == "Retracted: Misattributed"
    )


def test_retract_action_leaves_drafts_out_and_says_so(researcher_client):
    published, draft = AssertionFactory(), AssertionFactory(status="draft")
    action = {
        "action": "retract_selected",
        "_selected_action": [published.pk, draft.pk],
        "apply": "1",
        "reason": "Misattributed",
    }

    answer = researcher_client.post(CHANGELIST_URL, action, follow=True)

    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.status, draft.status) == ("retracted", "draft")
    assert "1 draft(s) left out" in answer.content.decode()


def test_editor_may_read_but_not_add(editor_client):
    AssertionFactory()

    assert editor_client.get(CHANGELIST_URL).status_code == 200
    assert editor_client.get(ADD_URL).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(CHANGELIST_URL)

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_search_finds_assertions_by_source_alias(researcher_client):
    hur = SourceFactory(name="Ukrainian military intelligence (HUR)")
    SourceAliasFactory(source=hur, name="GUR")
    found = AssertionFactory(source=hur, figure="closer to 12,000")
    AssertionFactory(figure="1,500")

    response = researcher_client.get(CHANGELIST_URL, {"q": "GUR"})

    assert list(response.context["cl"].result_list) == [found]


def test_source_autocomplete_finds_aliases(researcher_client):
    hur = SourceFactory(name="Ukrainian military intelligence (HUR)")
    SourceAliasFactory(source=hur, name="GUR")

    response = researcher_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "claims",
            "model_name": "assertion",
            "field_name": "source",
            "term": "gur",
        },
    )

    assert [row["text"] for row in response.json()["results"]] == [hur.name]


def test_claim_form_saves_inline_assertions_through_the_parser(
    researcher_client, researcher
):
    claim, source = ClaimFactory(), SourceFactory()
    prefix = "assertions-2"  # the add-only inline; "assertions" lists recorded ones
    form = {
        "title": claim.title,
        "slug": claim.slug,
        "topic": claim.topic.pk,
        "unit": "troops",
        "seen_version": claim.version,
        "assertions-TOTAL_FORMS": "0",
        "assertions-INITIAL_FORMS": "0",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-source": source.pk,
        f"{prefix}-0-stated_on": "2024-10-25",
        f"{prefix}-0-date_precision": "day",
        f"{prefix}-0-figure": "up to 1,500",
        f"{prefix}-0-quote": "Up to 1,500 troops.",
        f"{prefix}-0-status": "published",
    }

    response = researcher_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]), form
    )

    assert response.status_code == 302, response.context["inline_admin_formsets"][
        0
    ].formset.errors
    assertion = claim.assertions.get()
    assert (assertion.kind, assertion.low, assertion.high) == ("at_most", None, 1500)
    assert assertion.created_by == researcher


def test_changelist_queries_do_not_grow_with_rows(
    researcher_client, django_assert_max_num_queries
):
    claim = ClaimFactory()
    for day in range(1, 26):
        AssertionFactory(claim=claim, stated_on=datetime.date(2024, 10, day))

    with django_assert_max_num_queries(12):
        response = researcher_client.get(CHANGELIST_URL)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 25


def test_claim_change_page_with_many_inline_assertions_has_bounded_queries(
    researcher_client, django_assert_max_num_queries
):
    claim = ClaimFactory()
    for day in range(1, 21):
        AssertionFactory(claim=claim, stated_on=datetime.date(2024, 10, day))

    with django_assert_max_num_queries(15):
        response = researcher_client.get(
            reverse("admin:claims_claim_change", args=[claim.pk])
        )

    assert response.status_code == 200
    assert response.content.decode().count("3,000") >= 20


def test_a_malformed_topic_filter_gets_the_admins_error_page_not_a_crash(
    researcher_client,
):
    AssertionFactory()  # a topic to filter by, so the filter is shown

    response = researcher_client.get(CHANGELIST_URL, {"topic": ":"})

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_facet_counts_on_the_assertion_list_do_not_crash(researcher_client):
    AssertionFactory()

    response = researcher_client.get(CHANGELIST_URL, {"_facets": "True"})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"stated_on__gte": "99999-01-01"},
        {"stated_on__year": "99999"},
        {"stated_on__lt": "2024-13-01"},
        {"stated_on__year": "99999", "_facets": "True"},
    ],
)
def test_a_date_filter_out_of_range_gets_the_admins_error_page(
    researcher_client, query
):
    AssertionFactory()

    response = researcher_client.get(CHANGELIST_URL, query)

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    ("url", "query", "field"),
    [
        ("admin:claims_assertion_add", {"claim": "abc"}, "claim"),
        ("admin:claims_assertion_add", {"claim": "9" * 30}, "claim"),
        ("admin:claims_assertion_add", {"stated_on": "99999-01-01"}, "stated_on"),
        ("admin:claims_claim_add", {"topic": "abc"}, "topic"),
        ("admin:sources_document_add", {"published_on": "0001-01-01"}, "published_on"),
    ],
)
def test_an_add_form_drops_initial_values_that_are_not_valid(
    superuser_client, url, query, field
):
    response = superuser_client.get(reverse(url), query)

    assert response.status_code == 200
    assert field not in response.context["adminform"].form.initial


def test_an_add_form_keeps_a_valid_initial_claim(researcher_client):
    claim = AssertionFactory().claim

    response = researcher_client.get(
        reverse("admin:claims_assertion_add"), {"claim": claim.pk}
    )

    assert response.context["adminform"].form.initial["claim"] == str(claim.pk)


def test_a_long_admin_search_uses_ten_words_and_says_so(researcher_client):
    AssertionFactory()

    response = researcher_client.get(CHANGELIST_URL, {"q": "word " * 5000})

    assert response.status_code == 200
    assert "Only the first 10 words" in response.text


def test_a_near_miss_quote_is_refused_with_where_it_differs(researcher_client):
    document = DocumentFactory(
        text="Officials said between 10,000 and 12,000 troops were deployed."
    )
    form = assertion_form(
        ClaimFactory(),
        SourceFactory(),
        document=document.pk,
        quote="Officials said between 10,000 and 15,000 troops were deployed.",
    )

    response = researcher_client.post(ADD_URL, form)

    errors = " ".join(response.context["adminform"].form.errors["quote"])
    assert "Nearest passage: “Officials said between 10,000 and 12,000" in errors
    assert "differs at “12,000 troops”" in errors
    assert not Assertion.objects.exists()


def test_a_curly_quoted_document_accepts_a_straight_quoted_copy(researcher_client):
    document = DocumentFactory(text="Officials said “between 10,000 and 12,000”.")
    form = assertion_form(
        ClaimFactory(),
        SourceFactory(),
        document=document.pk,
        quote='Officials said "between 10,000 and 12,000".',
    )

    researcher_client.post(ADD_URL, form)

    assert (
        Assertion.objects.get().quote == "Officials said “between 10,000 and 12,000”."
    )


def sign_in(client, user, **query):
    user.set_password("a long passphrase")
    user.save()
    url = reverse("admin:login")
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(
        url,
        {
            "username": user.username,
            "password": "a long passphrase",
            "next": query.get("next", reverse("admin:index")),
        },
    )


def test_an_editor_signing_in_lands_on_the_review_queue(client, editor):
    response = sign_in(client, editor)

    assert response.status_code == 302
    assert response.url == reverse("review:queue")


def test_an_editor_signing_in_on_the_way_to_a_page_goes_to_that_page(client, editor):
    response = sign_in(client, editor, next=CHANGELIST_URL)

    assert response.url == CHANGELIST_URL


def test_a_researcher_signing_in_lands_on_the_admin_index(client, researcher):
    response = sign_in(client, researcher)

    assert response.url == reverse("admin:index")


def test_the_queue_is_linked_from_the_admins_header_and_index(editor_client):
    page = editor_client.get(reverse("admin:index")).content.decode()

    assert page.count(f'href="{reverse("review:queue")}"') == 2


def test_the_assertion_list_shows_its_key_columns_with_long_titles_shortened(
    researcher_client,
):
    claim = ClaimFactory(
        title="North Korean troops deployed to the Kursk region of Russia"
    )
    AssertionFactory(claim=claim, stated_on=datetime.date(2025, 10, 13))

    response = researcher_client.get(CHANGELIST_URL)

    page = response.content.decode()
    headers = [str(h["text"]) for h in response.context["result_headers"]]
    assert headers[1:] == [
        "stated on",
        "claim",
        "source",
        "figure",
        "read as",
        "status",
    ]
    assert "North Korean troops deployed to the Kur…" in page
    assert "13 Oct 2025" in page


def test_the_two_kind_filters_have_distinct_titles(researcher_client):
    response = researcher_client.get(CHANGELIST_URL)

    titles = [spec.title for spec in response.context["cl"].filter_specs]
    assert "source kind" in titles and "figure kind" in titles
    assert "kind" not in titles


def test_dates_are_shown_back_as_typed_with_the_hint(researcher_client):
    assertion = AssertionFactory(stated_on=datetime.date(2025, 10, 13))

    page = researcher_client.get(
        reverse("admin:claims_assertion_change", args=[assertion.pk])
    ).content.decode()

    assert 'value="2025-10-13"' in page
    assert 'placeholder="YYYY-MM-DD"' in page


def test_the_figure_list_shows_the_newest_recorded_first(researcher_client):
    claim = ClaimFactory()
    first = AssertionFactory(claim=claim, stated_on=datetime.date(2023, 1, 5))
    second = AssertionFactory(claim=claim, stated_on=datetime.date(2024, 10, 28))
    backfilled = AssertionFactory(claim=claim, stated_on=datetime.date(2022, 3, 1))

    response = researcher_client.get(CHANGELIST_URL)

    assert list(response.context["cl"].result_list) == [backfilled, second, first]


def test_the_claim_list_counts_every_figure_of_the_claims_shown(
    researcher_client,
):
    """Drafts included; only the page's claims' figures are
    read (counting every claim's read every figure at each visit)."""
    claim = ClaimFactory()
    AssertionFactory(claim=claim)
    AssertionFactory(claim=claim, stated_on=datetime.date(2024, 10, 29))
    AssertionFactory(claim=claim, status="draft", stated_on=datetime.date(2024, 10, 30))
    ClaimFactory()  # no figures

    with CaptureQueriesContext(connection) as queries:
        response = researcher_client.get(reverse("admin:claims_claim_changelist"))

    shown = {c.title: c.assertion_total for c in response.context["cl"].result_list}
    assert shown[claim.title] == 3 and sorted(shown.values()) == [0, 3]
    reading = [q["sql"] for q in queries if 'FROM "claims_assertion"' in q["sql"]]
    assert len(reading) == 1 and "IN (" in reading[0]


def test_the_figure_search_finds_each_word_in_any_field_once(researcher_client):
    """The admin's search looks in the figure, the quote, the source's name and
    aliases and the claim's title, each word in one of them; a figure whose source
    has several matching aliases is listed once."""
    hur = SourceFactory(name="Ukrainian military intelligence (HUR)")
    for alias in ("GUR", "GUR MO", "Budanov's GUR"):
        SourceAliasFactory(source=hur, name=alias)
    claim = ClaimFactory(title="North Korean troops in Russia")
    other = ClaimFactory(title="Shells delivered")
    by_alias = stated(
        claim, "closer to 12,000", 29, source=hur, quote="Closer to 12,000."
    )
    by_quote = stated(other, "1,500", 18, quote="A first batch of 1,500 crossed.")
    by_kirby = stated(other, "at least 3,000", 25, quote="At least 3,000, Kirby said.")

    def found(q):
        page = researcher_client.get(CHANGELIST_URL, {"q": q})
        assert page.status_code == 200
        return sorted(a.pk for a in page.context["cl"].result_list)

    assert found("gur") == [by_alias.pk]  # three aliases match: listed once
    # Listed once without DISTINCT over figures joined to every alias (4.7 s for
    # one word at 1.2 million figures): the names are looked up on their own.
    with CaptureQueriesContext(connection) as queries:
        found("gur")
    over_figures = [
        q["sql"] for q in queries if '"claims_assertion"."quote"' in q["sql"]
    ]
    assert over_figures
    assert not [sql for sql in over_figures if "DISTINCT" in sql]
    assert found("KOREAN 12,000") == [by_alias.pk]  # title and figure
    assert found('"first batch"') == [by_quote.pk]
    assert found("first batch 1,500") == [by_quote.pk]
    assert found("least kirby") == [by_kirby.pk]
    assert found("gur 3,000") == []  # each word must be found
    assert found("   ") == sorted([by_alias.pk, by_quote.pk, by_kirby.pk])
    # Hostile input is a search, not an error.
    for q in ('"unclosed', "' OR 1=1 --", "%", "_", "\\", "é" * 300, "a\x00b"):
        assert researcher_client.get(CHANGELIST_URL, {"q": q}).status_code == 200
    assert found("%") == []


def test_the_figure_list_is_filtered_by_a_typed_source_not_a_link_for_each(
    researcher_client,
):
    """Typed: a link for each source with figures was 8,201 links (750 KB) at 1.2
    million figures. A name part, an alias or a slug finds the source; the form
    keeps the list's other filters and its search."""
    hur = SourceFactory(name="Ukrainian military intelligence (HUR)", slug="hur")
    SourceAliasFactory(source=hur, name="GUR")
    claim = ClaimFactory()
    theirs = stated(
        claim, "closer to 12,000", 29, source=hur, quote="Closer to 12,000."
    )
    others = [
        stated(claim, f"{n},000", n, quote=f"They counted {n},000.")
        for n in range(1, 9)
    ]

    def listed(**params):
        page = researcher_client.get(CHANGELIST_URL, params)
        assert page.status_code == 200
        return page, sorted(a.pk for a in page.context["cl"].result_list)

    page, everything = listed()
    assert everything == sorted([theirs.pk, *(a.pk for a in others)])
    # One form, not a link for each of the nine sources.
    text = page.content.decode()
    assert text.count("?source=") == 0 and text.count("source__id__exact") == 0
    assert 'name="source"' in text and "Name, alias or slug" in text

    for typed in ("intelligence", "gur", "hur", "  Ukrainian   military "):
        assert listed(source=typed)[1] == [theirs.pk], typed
    assert listed(source="no such source")[1] == []

    page, found = listed(source="gur", q="12,000", status__exact="published")
    assert found == [theirs.pk]
    text = page.content.decode()
    assert '<input type="hidden" name="q" value="12,000">' in text
    assert '<input type="hidden" name="status__exact" value="published">' in text
    assert 'value="gur"' in text  # the typed name stays in its box
    # Hostile values are a filter that finds nothing, never an error.
    for typed in ("%", "_", "' OR 1=1 --", "\x00", "é" * 5000, "<script>x</script>"):
        page = researcher_client.get(CHANGELIST_URL, {"source": typed})
        assert page.status_code == 200
        assert "<script>x</script>" not in page.content.decode()
