import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def permissions(group_name):
    return set(
        Group.objects.get(name=group_name).permissions.values_list(
            "codename", flat=True
        )
    )


def test_researchers_log_and_retract_but_never_delete():
    granted = permissions("Researchers")

    assert {
        "add_assertion",
        "change_assertion",
        "retract_assertion",
        "add_source",
        "add_document",
        "add_claim",
        "add_topic",
    } <= granted
    assert not {codename for codename in granted if codename.startswith("delete_")}


def test_editors_read_everything_and_judge_discrepancies_only():
    granted = permissions("Editors")

    assert {"view_assertion", "view_claim", "view_source", "view_document"} <= granted
    writes = {codename for codename in granted if not codename.startswith("view_")}
    assert writes == {"change_discrepancy", "judge_discrepancy"}


def test_researchers_read_discrepancies_but_cannot_judge():
    granted = permissions("Researchers")

    assert "view_discrepancy" in granted
    assert not {"change_discrepancy", "judge_discrepancy"} & granted


def test_researcher_sees_admin_but_not_users(researcher_client):
    assert researcher_client.get("/admin/").status_code == 200
    assert researcher_client.get("/admin/auth/user/").status_code == 403
