"""The permission matrix: every URL and every write, for each role.

Roles: an anonymous reader, a logged-in staff account in no group, a researcher, an
editor and a superuser. The tables below are the policy (SECURITY.md, "Roles"); a test
checks that every named URL of the site appears in them, so a new page cannot ship
without a decision about who may open it.
"""

import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tasks_db.models import DBTaskResult

from claims.jobs.models import Job, JobKind
from claims.jobs.tasks import job_run
from claims.models import Assertion, Claim, Discrepancy
from claims.review import services as review_services
from sources import services as source_services
from sources.models import Source
from tests.factories import ClaimFactory, DocumentFactory, UserFactory, stated
from tests.support.accounts import admin_form
from tests.support.permissions import (
    GET_MATRIX,
    PUBLIC,
    ROLES,
    client_for,
)

pytestmark = pytest.mark.django_db


def named_urls(patterns=None, namespace=""):
    """Yield the name of every named URL pattern of the site."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield ":".join(filter(None, [namespace, pattern.name]))


def test_every_named_url_has_a_row_in_the_matrix():
    assert sorted(set(named_urls()) - set(GET_MATRIX)) == []


@pytest.fixture
def world(db):
    """A claim with two conflicting figures from one report, one row of every other
    kind, and a failed login on record."""
    claim = ClaimFactory(title="North Korean troops in Russia", slug="nk-troops")
    document = DocumentFactory()
    stated(claim, "1,500", 18, document=document)
    stated(claim, "10,000", 28, document=document)
    # Between the two: not part of the conflict, so a superuser may delete it.
    assertion = stated(claim, "3,000", 23, document=document)
    discrepancy = Discrepancy.objects.live().get(claim=claim)
    job = Job.objects.create(kind=JobKind.DETECT)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    Client().post(reverse("admin:login"), {"username": "root", "password": "no"})
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    AccessLog.objects.create(username="root", ip_address="127.0.0.1")
    rows = {
        "claims_claim": claim,
        "claims_assertion": assertion,
        "claims_discrepancy": discrepancy,
        "jobs_job": job,
        "django_tasks_database_dbtaskresult": DBTaskResult.objects.get(
            pk=job_run.enqueue(job.pk).id
        ),
        "claims_topic": claim.topic,
        "sources_source": assertion.source,
        "sources_document": document,
        "auth_user": root,
        "auth_group": Group.objects.get(name="Editors"),
        "axes_accessattempt": AccessAttempt.objects.first(),
        "axes_accesslog": AccessLog.objects.first(),
        "axes_accessfailurelog": AccessFailureLog.objects.create(
            username="root", ip_address="127.0.0.1"
        ),
    }
    archived = source_services.document_file_archive(
        # An image: no text, so the document's text (and its quotes) stay as they are.
        document=document,
        data=b"\x89PNG\r\n\x1a\n" + bytes(40),
        filename="map.png",
    )
    return {
        "claim": claim,
        "assertion": assertion,
        "rows": rows,
        "file": archived.file,
    }


def url_for(name: str, world) -> str:
    claim, rows = world["claim"], world["rows"]
    by_name = {
        "claims:list-export": ("csv",),
        "claims:detail": (claim.slug,),
        "claims:chart": (claim.slug,),
        "claims:export": (claim.slug, "json"),
        "sources:detail": (rows["sources_source"].slug,),
        "sources:file": (world["file"].sha256,),
        "feeds:claim": (claim.slug,),
        "feeds:topic": (claim.topic.slug,),
        "api:claim-detail": (claim.slug,),
        "api:assertion-detail": (world["assertion"].pk,),
        "api:source-detail": (rows["sources_source"].slug,),
        "review:detail": (rows["claims_discrepancy"].pk,),
        "review:assign": (rows["claims_discrepancy"].pk,),
        "review:figure": (world["assertion"].pk,),
        "admin:app_list": ("claims",),
        "admin:jobs_job_import": (rows["jobs_job"].pk,),
        "admin:jobs_job_download": (rows["jobs_job"].pk,),
        "admin:jobs_job_cancel": (rows["jobs_job"].pk,),
        "admin:jobs_job_start": ("detect",),
        "admin:auth_user_password_change": (rows["auth_user"].pk,),
    }
    if name == "api:discrepancy-detail":
        return "/api/discrepancies/"  # none judged yet: the list stands in
    if name == "admin:autocomplete":
        return reverse(name) + (
            "?app_label=claims&model_name=assertion&field_name=claim&term=troops"
        )
    if name == "admin:view_on_site":
        return f"/admin/r/{_content_type(claim)}/{claim.pk}/"
    model = name.removeprefix("admin:").rsplit("_", 1)[0]
    if name.endswith("_simple_history"):
        model = name.removeprefix("admin:").removesuffix("_simple_history")
        row = rows[model]
        return reverse(name, args=[row.pk, row.history.first().history_id])
    if model in rows and name.rsplit("_", 1)[1] in {"change", "history", "delete"}:
        return reverse(name, args=[rows[model].pk])
    return reverse(name, args=by_name.get(name, ()))


def _content_type(instance) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(instance).pk


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_matrix_says_on_every_url(role, world):
    client = client_for(role)
    column = ROLES.index(role)
    wrong = []

    for name, codes in GET_MATRIX.items():
        url = url_for(name, world)
        response = client.get(url)
        if response.status_code != codes[column]:
            wrong.append(f"{name} {url}: {response.status_code}, not {codes[column]}")
        elif role == "anonymous" and codes[column] == 302:
            # To the login page, or to the admin, which sends them there.
            assert response["Location"].startswith("/admin/"), name

    assert wrong == []


# Writes: each is tried by every role; the tables say who may, and the database says
# whether it happened.


def _inline_management(*prefixes):
    return {
        f"{prefix}-{key}": "0"
        for prefix in prefixes
        for key in ("TOTAL_FORMS", "INITIAL_FORMS")
    }


def add_assertion(client, world):
    data = {
        "claim": world["claim"].pk,
        "source": world["assertion"].source.pk,
        "stated_on": "2024-11-02",
        "date_precision": "day",
        "figure": "11,000",
        "quote": "11,000 troops.",
        "credibility": "6",
        "status": "published",
    }
    return client.post(reverse("admin:claims_assertion_add"), data)


def change_claim(client, world):
    claim = world["claim"]
    data = {
        "title": "Renamed claim",
        "slug": claim.slug,
        "topic": claim.topic.pk,
        "unit": claim.unit,
        "seen_version": claim.version,
        **_inline_management("assertions", "assertions-2"),
    }
    return client.post(reverse("admin:claims_claim_change", args=[claim.pk]), data)


def delete_assertion(client, world):
    url = reverse("admin:claims_assertion_delete", args=[world["assertion"].pk])
    return client.post(url, {"post": "yes"})


def retract_assertion(client, world):
    return client.post(
        reverse("admin:claims_assertion_changelist"),
        {
            "action": "retract_selected",
            "_selected_action": [world["assertion"].pk],
            "apply": "1",
            "reason": "Misquoted.",
        },
    )


def add_source(client, world):
    return client.post(
        reverse("admin:sources_source_add"),
        {
            "name": "Estonian Foreign Intelligence Service",
            "slug": "efis",
            "kind": "intelligence",
            "reliability": "F",
            **_inline_management("aliases"),
        },
    )


def upload_import(client, world):
    export = Client().get(reverse("claims:export", args=[world["claim"].slug, "csv"]))
    upload = io.BytesIO(b"".join(export.streaming_content))
    upload.name = "figures.csv"
    return client.post(reverse("admin:claims_assertion_import"), {"file": upload})


def judge(client, world):
    discrepancy = Discrepancy.objects.live().get(claim=world["claim"])
    return client.post(
        discrepancy.get_absolute_url(),
        {
            "state": "dismissed",
            "note": "Not a conflict.",
            "version": discrepancy.version,
        },
    )


def assign(client, world):
    discrepancy = Discrepancy.objects.live().get(claim=world["claim"])
    return client.post(
        reverse("review:assign", args=[discrepancy.pk]),
        {"to_me": "1", "version": discrepancy.version},
    )


def set_aside(client, world):
    return client.post(
        reverse("review:figure", args=[world["assertion"].pk]),
        {"action": "set_aside", "set_aside_reason": "A different scope."},
    )


def restore(client, world):
    from claims.pipeline import services

    editor = UserFactory(username="setter", is_staff=True, is_superuser=True)
    services.assertion_set_aside(
        assertion=world["assertion"], reason="A misreading.", user=editor
    )
    return client.post(
        reverse("review:figure", args=[world["assertion"].pk]),
        {"action": "restore", "reason": "Read again."},
    )


def add_user(client, world):
    return client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "mallory",
            "password1": "a long passphrase here",
            "password2": "a long passphrase here",
            "usable_password": "true",
        },
    )


# Who may make each write: the others must leave the database as it was.
R, E, S = "researcher", "editor", "superuser"

WRITES = {
    # action: (status per role, the roles for whom it happens, how to tell it did)
    add_assertion: (
        (302, 403, 302, 403, 302),
        {R, S},
        lambda w: Assertion.objects.filter(figure="11,000").exists(),
    ),
    change_claim: (
        (302, 403, 302, 403, 302),
        {R, S},
        lambda w: Claim.objects.filter(title="Renamed claim").exists(),
    ),
    delete_assertion: (
        (302, 403, 403, 403, 302),
        {S},
        lambda w: not Assertion.objects.filter(pk=w["assertion"].pk).exists(),
    ),
    retract_assertion: (
        # Editors may read the list, where the action is not offered to them.
        (302, 403, 302, 200, 302),
        {R, S},
        lambda w: Assertion.objects.get(pk=w["assertion"].pk).status == "retracted",
    ),
    add_source: (
        (302, 403, 302, 403, 302),
        {R, S},
        lambda w: Source.objects.filter(slug="efis").exists(),
    ),
    # The upload starts a preview job and goes to its page.
    upload_import: ((302, 403, 302, 403, 302), {R, S}, None),
    judge: (
        (302, 403, 403, 302, 302),
        {E, S},
        lambda w: Discrepancy.objects.filter(
            claim=w["claim"], state="dismissed"
        ).exists(),
    ),
    assign: (
        (302, 403, 403, 302, 302),
        {E, S},
        lambda w: Discrepancy.objects.filter(
            claim=w["claim"], assigned_to__isnull=False
        ).exists(),
    ),
    set_aside: (
        (302, 403, 403, 302, 302),
        {E, S},
        lambda w: Assertion.objects.get(pk=w["assertion"].pk).set_aside_at is not None,
    ),
    restore: (
        (302, 403, 403, 302, 302),
        {E, S},
        lambda w: Assertion.objects.get(pk=w["assertion"].pk).set_aside_at is None,
    ),
    add_user: (
        (302, 403, 403, 403, 302),
        {S},
        lambda w: UserFactory._meta.model.objects.filter(username="mallory").exists(),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", WRITES, ids=lambda action: action.__name__)
def test_each_write_is_allowed_only_to_its_roles(action, role, world):
    codes, allowed, happened = WRITES[action]

    response = action(client_for(role), world)

    assert response.status_code == codes[ROLES.index(role)]
    if happened is not None:
        assert happened(world) == (role in allowed)


# Reverting from the history: reading it needs view permission, reverting needs
# change permission (a discrepancy: the editors' judging permission). Each model's
# row is first edited, then every role posts the revert to its older version.

REVERTED = (302, 403, 302, 403, 302)  # research data: researchers and superusers
REVERTED_BY_EDITORS = (302, 403, 403, 302, 302)  # a judgement: editors and superusers


def _edit_then_oldest(world, model: str):
    """Change the row through its service; return it and its first history record,
    with the field a revert restores and its old value."""
    from claims.pipeline import services
    from claims.review import services as review_services
    from sources import services as source_services

    row = world["rows"][model]
    if model == "claims_discrepancy":
        editor = UserFactory(username="judge", is_staff=True, is_superuser=True)
        review_services.discrepancy_judge(
            discrepancy=row, state="dismissed", note="Different dates.", user=editor
        )
        return row, row.history.earliest("history_date"), "state", "open"
    field = {"claims_assertion": "notes", "claims_claim": "title"}.get(model, "name")
    if model == "sources_document":
        field = "title"
    old = getattr(row, field)
    row.refresh_from_db()
    setattr(row, field, f"{old} (edited)")
    save = {
        "claims_assertion": lambda r: services.assertion_save(assertion=r),
        "claims_claim": lambda r: services.claim_save(claim=r),
        "claims_topic": lambda r: services.topic_save(topic=r),
        "sources_source": lambda r: source_services.source_save(source=r),
        "sources_document": lambda r: source_services.document_save(document=r),
    }[model]
    save(row)
    return row, row.history.earliest("history_date"), field, old


def _revert_form(url: str) -> dict:
    """Return what the revert page's form sends, as a superuser's browser sees it."""
    return admin_form(client_for("superuser").get(url))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("model", "codes"),
    [
        ("claims_assertion", REVERTED),
        ("claims_claim", REVERTED),
        ("claims_topic", REVERTED),
        ("sources_source", REVERTED),
        ("sources_document", REVERTED),
        ("claims_discrepancy", REVERTED_BY_EDITORS),
    ],
)
def test_each_role_may_revert_only_what_it_may_change(model, codes, role, world):
    row, record, field, old = _edit_then_oldest(world, model)
    url = reverse(f"admin:{model}_simple_history", args=[row.pk, record.history_id])
    data = _revert_form(url) if model != "claims_discrepancy" else {}

    response = client_for(role).post(url, data)

    assert response.status_code == codes[ROLES.index(role)]
    row.refresh_from_db()
    reverted = codes[ROLES.index(role)] == 302 and role != "anonymous"
    assert (getattr(row, field) == old) == reverted


@pytest.mark.parametrize("role", ROLES)
def test_the_api_refuses_every_write_method_to_everyone(role, world):
    client = client_for(role)
    claim_url = f"/api/claims/{world['claim'].slug}/"

    responses = [
        client.post("/api/claims/", {"title": "x"}),
        client.put(claim_url, {}),
        client.patch(claim_url, {}),
        client.delete(f"/api/assertions/{world['assertion'].pk}/"),
    ]

    assert [r.status_code for r in responses] == [405, 405, 405, 405]
    assert Assertion.objects.filter(pk=world["assertion"].pk).exists()


@pytest.mark.parametrize("action", WRITES, ids=lambda action: action.__name__)
def test_every_write_needs_the_csrf_token(action, world):
    client = client_for("superuser")
    client.handler.enforce_csrf_checks = True
    _, _, happened = WRITES[action]

    response = action(client, world)

    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    if happened is not None:
        assert not happened(world)


def test_login_and_logout_forms_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)

    login = client.post(reverse("admin:login"), {"username": "root", "password": "x"})
    logged_in = client_for("editor")
    logged_in.handler.enforce_csrf_checks = True
    logout = logged_in.post(reverse("admin:logout"))

    assert (login.status_code, logout.status_code) == (403, 403)
    assert logged_in.get(reverse("admin:index")).status_code == 200


# What readers must never see, whatever the page: draft figures, and the editors' notes
# on a discrepancy they have not judged yet.

SECRETS = ("77,777", "DRAFT-QUOTE-SECRET", "DRAFT-NOTE-SECRET", "PENDING-NOTE-SECRET")


@pytest.fixture
def unpublished(world):
    import datetime

    from claims.pipeline import services

    claim = world["claim"]
    editor = UserFactory(username="eddie-judge", is_superuser=True)
    draft = services.assertion_create(
        claim=claim,
        source=world["assertion"].source,
        stated_on=datetime.date(2024, 11, 3),
        figure="77,777",
        quote="DRAFT-QUOTE-SECRET: 77,777 troops.",
        notes="DRAFT-NOTE-SECRET",
        status=Assertion.Status.DRAFT,
    )
    review_services.discrepancy_judge(
        discrepancy=Discrepancy.objects.live().get(claim=claim),
        state="under_review",
        note="PENDING-NOTE-SECRET",
        user=editor,
    )
    return draft


@pytest.mark.parametrize("role", ["anonymous", "nogroup", "researcher"])
def test_drafts_and_pending_notes_never_reach_reader_pages(role, world, unpublished):
    client = client_for(role)
    leaks = []

    for name, codes in GET_MATRIX.items():
        if codes != PUBLIC:
            continue
        url = url_for(name, world)
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else b""
        body = (body or response.content).decode()
        leaks += [f"{url}: {secret}" for secret in SECRETS if secret in body]

    assert leaks == []
    assert client.get(f"/api/assertions/{unpublished.pk}/").status_code == 404


def test_editors_do_see_the_pending_note_and_researchers_the_draft(world, unpublished):
    discrepancy = Discrepancy.objects.live().get(claim=world["claim"])
    draft_page = reverse("admin:claims_assertion_change", args=[unpublished.pk])

    review = client_for("editor").get(discrepancy.get_absolute_url())
    admin = client_for("researcher").get(draft_page)

    assert "PENDING-NOTE-SECRET" in review.content.decode()
    assert "DRAFT-QUOTE-SECRET" in admin.content.decode()
