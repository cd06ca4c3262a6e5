"""Where people land in the admin: editors go to their review queue after signing in,
unless the sign-in was on the way to a particular page."""

from functools import wraps

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse


def is_editor(user) -> bool:
    """Return whether `user` judges discrepancies and does not add research data."""
    return user.has_perm("claims.judge_discrepancy") and not user.has_perm(
        "claims.add_assertion"
    )


def queue_after_login(login):
    """Wrap the admin's login view: a successful editor's sign-in with no page to go
    back to (or only the admin's index) ends on the review queue."""

    @wraps(login)
    def view(request, extra_context=None):
        response = login(request, extra_context)
        signed_in = request.method == "POST" and response.status_code == 302
        if signed_in and is_editor(request.user):
            wanted = request.POST.get("next") or request.GET.get("next") or ""
            if wanted in ("", reverse("admin:index")):
                return redirect("review:queue")
        return response

    return view


admin.site.login = queue_after_login(admin.site.login)

# The lists and the figure-logging screen need the width at 1,280 px: the app list
# stays on the index and in the breadcrumbs, not in a sidebar on every page.
admin.site.enable_nav_sidebar = False
