import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_create_account_makes_a_staff_member_of_the_role(monkeypatch, client):
    monkeypatch.setenv("DJANGO_ACCOUNT_PASSWORD", "a long passphrase for rita")

    call_command("create_account", "rita", "--role", "researcher", verbosity=0)

    user = get_user_model().objects.get(username="rita")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Researchers"]
    response = client.post(
        reverse("admin:login"),
        {"username": "rita", "password": "a long passphrase for rita"},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_create_account_refuses_a_weak_password_and_creates_nothing(monkeypatch):
    monkeypatch.setenv("DJANGO_ACCOUNT_PASSWORD", "123")

    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_account", "eddie", "--role", "editor")

    assert not get_user_model().objects.filter(username="eddie").exists()


def test_create_account_refuses_an_existing_name(monkeypatch, researcher):
    monkeypatch.setenv("DJANGO_ACCOUNT_PASSWORD", "a long passphrase for rita")

    with pytest.raises(CommandError, match="already exists"):
        call_command("create_account", researcher.username, "--role", "editor")


def test_create_account_without_a_terminal_or_password_says_how(monkeypatch):
    monkeypatch.delenv("DJANGO_ACCOUNT_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    with pytest.raises(CommandError, match="set DJANGO_ACCOUNT_PASSWORD"):
        call_command("create_account", "nina", "--role", "editor")

    assert not get_user_model().objects.filter(username="nina").exists()


def test_reparse_figures_lists_a_changed_reading_and_dry_run_writes_nothing():
    from io import StringIO

    from claims.models import Assertion
    from tests.factories import ClaimFactory, stated

    assertion = stated(ClaimFactory(), "nearly 3,000", 20)
    # As the old parser stored it: 3,000 ± 10 %.
    Assertion.objects.filter(pk=assertion.pk).update(low=2700, high=3300)
    out = StringIO()

    call_command("reparse_figures", "--dry-run", stdout=out)

    assert "“nearly 3,000”" in out.getvalue()
    assert "1 reading(s) would change" in out.getvalue()
    assertion.refresh_from_db()
    assert assertion.high == 3300


def test_reparse_figures_applies_through_the_services_and_leaves_hand_set_alone():
    from io import StringIO

    from claims.models import Assertion
    from tests.factories import ClaimFactory, stated

    claim = ClaimFactory()
    nearly = stated(claim, "nearly 3,000", 20)
    by_hand = stated(
        claim, "several thousand", 21, is_overridden=True, kind="range",
        low=4000, high=5000,
    )  # fmt: skip
    Assertion.objects.filter(pk=nearly.pk).update(low=2700, high=3300)

    call_command("reparse_figures", stdout=StringIO())

    nearly.refresh_from_db()
    by_hand.refresh_from_db()
    assert (nearly.low, nearly.high) == (2700, 3000)
    assert (by_hand.low, by_hand.high) == (4000, 5000)
    assert nearly.history.filter(
        history_change_reason__startswith="Figure read"
    ).exists()
    assert nearly.attention.startswith("Read again")  # to check against its quote


def test_reparse_figures_flags_a_figure_it_now_refuses_and_saving_clears_it(
    researcher_client,
):
    from io import StringIO

    from claims.models import Assertion
    from claims.pipeline import services
    from tests.factories import ClaimFactory, stated

    assertion = stated(ClaimFactory(), "3,000", 20)
    Assertion.objects.filter(pk=assertion.pk).update(figure="40%")  # an old reading
    out = StringIO()

    call_command("reparse_figures", stdout=out)

    assertion.refresh_from_db()
    assert "Refused, left unchanged" in out.getvalue()
    assert (assertion.figure, assertion.low) == ("40%", 3000)
    assert assertion.attention.startswith("The current parser refuses this figure")
    flagged = researcher_client.get(
        reverse("admin:claims_assertion_changelist"), {"attention": "yes"}
    )
    assert "40%" in flagged.content.decode()

    assertion.figure = "3,000"
    services.assertion_save(assertion=assertion)
    assertion.refresh_from_db()
    assert assertion.attention == ""


def test_reparse_figures_flags_a_figure_its_quote_does_not_state_once():
    from io import StringIO

    from claims.models import Assertion
    from tests.factories import ClaimFactory, stated

    assertion = stated(
        ClaimFactory(), "around 11,000", 20, quote="around 11,000 were in Kursk"
    )
    Assertion.objects.filter(pk=assertion.pk).update(figure="5,000")  # saved before
    out = StringIO()

    call_command("reparse_figures", stdout=out)
    call_command("reparse_figures", stdout=StringIO())

    assertion.refresh_from_db()
    assert "the figure says 5,000; the quote says around 11,000" in (
        assertion.attention
    )
    assert (
        assertion.history.filter(
            history_change_reason__startswith="Needs attention"
        ).count()
        == 1
    )
