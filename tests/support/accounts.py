"""Staff accounts in a role, and what a browser sends back from an admin page."""

from django.contrib.auth.models import Group
from django.test import Client

from tests.factories import UserFactory


def member(username: str, group: str, **fields):
    """Return a staff account in `group` (Researchers, Editors)."""
    user = UserFactory(username=username, is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


def signed_in(user) -> Client:
    """Return a test client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def admin_form(response) -> dict:
    """Return what the browser would send back from an admin form page: the main
    form and every inline's management form and rows, as shown."""
    forms = [response.context["adminform"].form]
    try:
        inlines = response.context["inline_admin_formsets"]
    except KeyError:
        inlines = []
    for inline in inlines:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            data[form.add_prefix(name)] = value.pk if hasattr(value, "pk") else value
    return data
