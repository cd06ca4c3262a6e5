"""The permission policy (SECURITY.md, "Roles") as tables, and a client signed in
as each role. tests/test_permissions.py checks the site against the tables; other
tests read them to find the public pages or to fetch as a role."""

from django.contrib.auth.models import Group
from django.test import Client

from tests.factories import UserFactory

ROLES = ("anonymous", "nogroup", "researcher", "editor", "superuser")

# Expected status codes, one per role in ROLES' order.
PUBLIC = (200, 200, 200, 200, 200)
STAFF = (302, 200, 200, 200, 200)  # any staff account, e.g. the admin's index
EDITORS = (302, 403, 403, 200, 200)  # the review pages
VIEWERS = (302, 403, 200, 200, 200)  # researchers and editors both read it
RESEARCHERS = (302, 403, 200, 403, 200)  # adding and changing research data
SUPERUSERS = (302, 403, 403, 403, 200)  # deletion, accounts, login records
NOBODY = (302, 403, 403, 403, 403)  # no one adds discrepancies by hand

RESEARCH_MODELS = ("sources_source", "sources_document", "claims_topic", "claims_claim")


def admin_pages(model: str, add, view, delete, record=True) -> dict:
    pages = {
        f"admin:{model}_changelist": view,
        f"admin:{model}_add": add,
        f"admin:{model}_change": view,
        f"admin:{model}_history": view,
        f"admin:{model}_delete": delete,
    }
    if record:  # one row of a django-simple-history history
        pages[f"admin:{model}_simple_history"] = view
    return pages


GET_MATRIX = {
    "home": PUBLIC,
    "methodology": PUBLIC,
    "search": PUBLIC,
    "claims:list": PUBLIC,
    "claims:list-export": PUBLIC,
    "claims:detail": PUBLIC,
    "claims:chart": PUBLIC,
    "claims:export": PUBLIC,
    "sources:list": PUBLIC,
    "sources:detail": PUBLIC,
    # An archived file of a document whose files are not public (copyright): staff
    # with the view permission only. A public document's files: tests/sources.
    "sources:file": VIEWERS,
    "feeds:all": PUBLIC,
    "feeds:claim": PUBLIC,
    "feeds:topic": PUBLIC,
    "api:api-root": PUBLIC,
    "api:schema": PUBLIC,
    "api:docs": PUBLIC,
    "api:claim-list": PUBLIC,
    "api:claim-detail": PUBLIC,
    "api:assertion-list": PUBLIC,
    "api:assertion-detail": PUBLIC,
    "api:source-list": PUBLIC,
    "api:source-detail": PUBLIC,
    "api:discrepancy-list": PUBLIC,
    "api:discrepancy-detail": PUBLIC,
    "review:queue": EDITORS,
    "review:detail": EDITORS,
    "review:assign": (302, 403, 403, 405, 405),  # a form's target, POST only
    "review:figure": EDITORS,
    "admin:login": (200, 302, 302, 302, 302),
    "admin:logout": (302, 405, 405, 405, 405),  # POST only, like every write
    "admin:index": STAFF,
    "admin:password_change": STAFF,
    "admin:password_change_done": STAFF,
    "admin:jsi18n": STAFF,
    "admin:autocomplete": VIEWERS,
    "admin:view_on_site": (302, 302, 302, 302, 302),
    "admin:app_list": (302, 404, 200, 200, 200),  # no app of theirs: no page
    "admin:claims_assertion_import": RESEARCHERS,
    "admin:claims_assertion_import_template": RESEARCHERS,
    "admin:claims_assertion_log": RESEARCHERS,
    "admin:claims_assertion_reading": RESEARCHERS,
    **admin_pages("claims_assertion", RESEARCHERS, VIEWERS, SUPERUSERS),
    **{
        name: codes
        for model in RESEARCH_MODELS
        for name, codes in admin_pages(model, RESEARCHERS, VIEWERS, SUPERUSERS).items()
    },
    # Jobs start from an upload or a button (POST only), never from an add form, and
    # are never deleted: they are the record of what was done.
    **admin_pages("jobs_job", NOBODY, VIEWERS, NOBODY, record=False),
    "admin:jobs_job_import": (302, 405, 405, 405, 405),
    "admin:jobs_job_start": (302, 405, 405, 405, 405),
    "admin:jobs_job_cancel": (302, 405, 405, 405, 405),  # a POST button
    "admin:jobs_job_download": (302, 403, 404, 404, 404),  # not an export job
    # The task queue's own rows (django-tasks-db), tracebacks included: superusers.
    **admin_pages(
        "django_tasks_database_dbtaskresult",
        NOBODY,
        SUPERUSERS,
        NOBODY,
        record=False,
    ),
    # Not even superusers delete a discrepancy: that would hide a judgement.
    **admin_pages("claims_discrepancy", NOBODY, VIEWERS, NOBODY),
    **admin_pages("auth_user", SUPERUSERS, SUPERUSERS, SUPERUSERS, record=False),
    "admin:auth_user_password_change": SUPERUSERS,
    **admin_pages("auth_group", SUPERUSERS, SUPERUSERS, SUPERUSERS, record=False),
    **{
        name: codes
        for model in ("axes_accessattempt", "axes_accesslog", "axes_accessfailurelog")
        for name, codes in admin_pages(
            model, NOBODY, SUPERUSERS, SUPERUSERS, record=False
        ).items()
    },
}


def client_for(role: str) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    if role == "superuser":
        user = UserFactory(username="admin-in-test", is_staff=True, is_superuser=True)
    else:
        user = UserFactory(username=role, is_staff=True)
        group = {"researcher": "Researchers", "editor": "Editors"}.get(role)
        if group:
            user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client
