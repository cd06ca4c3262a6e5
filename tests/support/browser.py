"""What the browser tests do on the admin screens, as a researcher would: sign in, and
choose in a searchable box. The password is tests/factories.py's UserFactory's."""

PASSWORD = "correct horse battery staple"


def sign_in(page, username):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def choose(page, name, label, *, typed=None):
    """Choose `label` in the searchable box (the admin's autocomplete) of the select
    named `name`, typing `typed` (by default the label's first word)."""
    page.locator(f'select[name="{name}"] + .select2 .select2-selection').click()
    page.locator(".select2-container--open .select2-search__field").fill(
        typed or label.split()[0]
    )
    page.locator(".select2-results__option", has_text=label).first.click()
