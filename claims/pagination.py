"""A paginator for lists whose filters make a full count costly (issue 28).

Counting every claim a filter matches costs a probe per claim (a source kind, say,
is an EXISTS over the claim's figures): 300 ms at 48,000 claims. The page itself
needs only its twenty rows. So the count stops at CAP: up to it the list says how
many claims match, past it that there are more than CAP, and the pages go on, each
knowing whether another follows by reading one row more than it shows. CAP is
CLAIMTRACKER_LIST_COUNT_CAP, 1,000."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import HttpResponseRedirect, QueryDict
from django.utils.functional import cached_property


class CappedPage(Page):
    """A page of a list counted past CAP: it knows whether another page follows."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1


class CappedPaginator(Paginator):
    """Count at most CAP rows (CLAIMTRACKER_LIST_COUNT_CAP); past that, page on
    without a count."""

    @cached_property
    def cap(self) -> int:
        return settings.CLAIMTRACKER_LIST_COUNT_CAP

    @cached_property
    def count(self) -> int:
        """Return how many rows there are, or CAP + 1 when there are more than
        CAP: the count reads CAP + 1 rows at most, in no particular order."""
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    @property
    def cap_label(self) -> str:
        return f"{self.cap:,}"

    @cached_property
    def num_pages(self) -> int | None:
        """Return the number of pages; None past CAP, where it is not counted."""
        return None if self.is_capped else super().num_pages

    def validate_number(self, number) -> int:
        """Return `number` as a page number; past CAP any number from 1 (a page
        past the end is found empty when read)."""
        if not self.is_capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number) -> Page:
        if not self.is_capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(
            rows[: self.per_page], number, self, more=len(rows) > self.per_page
        )


# Digits past which a page number is past any list's last page: int() refuses
# strings of more than 4,300 digits, and no list has a billion billion pages.
LONGEST_PAGE_NUMBER = 18


def page_number(value) -> int | None:
    """Return the page number `value` (a query parameter) names, or None when it
    names none: not written in digits 0-9 (spaces around them aside), or 0. A
    number of more than LONGEST_PAGE_NUMBER digits names a page past the last."""
    if isinstance(value, int):
        return value or None
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        return None
    if len(value.lstrip("0")) > LONGEST_PAGE_NUMBER:
        return 10**LONGEST_PAGE_NUMBER
    return int(value) or None


def off_page(query: QueryDict, shown: dict[str, Page | None]) -> str | None:
    """Return the query string of the pages a detail page shows (`shown`: each
    page-number parameter's page, None where the page has no such list) when
    `query` asked for them another way: "007", "abc", "0", a page past the last
    (get_page shows the nearest) or a list the page does not have. None when it
    asked for what it shows. The view redirects there, so that each page of a
    claim's or a source's figures has one address and one copy in the page
    cache, however a visitor spells page numbers (issue 28)."""
    fixed = query.copy()
    for name, page in shown.items():
        asked = query.get(name)
        if asked is None:
            continue
        if page is None or not asked.strip():
            del fixed[name]
        elif asked != str(page.number):
            fixed[name] = str(page.number)
    if fixed == query:
        return None
    return fixed.urlencode()


class PageNumbersMixin:
    """A detail page with lists paged by query parameters (`page_params`): a
    request for a page by another spelling is redirected to the page it shows
    (off_page). The view counts requests naming a page against the client's limit
    (its limit_applies): each page not in the cache costs a render."""

    page_params: tuple[str, ...] = ()

    def shown_pages(self, context) -> dict[str, Page | None]:
        """Return the page each of `page_params` showed, from the context."""
        raise NotImplementedError

    def names_a_page(self, request) -> bool:
        """Return whether `request` names a page of a list (a blank value names
        none: the page cache drops it)."""
        return any(request.GET.get(name, "").strip() for name in self.page_params)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        context = getattr(response, "context_data", None)
        if context is None or not self.names_a_page(request):
            return response
        fixed = off_page(request.GET, self.shown_pages(context))
        if fixed is None:
            return response
        return HttpResponseRedirect(
            f"{request.path}?{fixed}" if fixed else request.path
        )
