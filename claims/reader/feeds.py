"""Atom feeds of newly recorded published assertions: all, per claim, per topic.

A retracted figure stays in the feed, titled as retracted, with its reason and date:
readers who saw it should learn it was withdrawn. A figure the editors set aside for
its claim is titled so, with their reason and date: it is not a current estimate.

Everything in a feed is text a researcher typed or quoted, so none of it may act in a
feed reader: titles and names are plain text, and the summary (`type="html"`) is HTML
built by escaping every character, with control and direction-override characters
shown as marks (“[U+202E]”), as the pages show them.
"""

from contextlib import nullcontext

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from claims.domain import wording
from claims.models import Assertion, Claim, Topic
from claims.reader import search, selectors
from claims.reader.templatetags import (
    interval,
    plain_controls,
    stated,
    visible_controls,
)

ITEMS = 50


class LatestAssertionsFeed(Feed):
    feed_type = Atom1Feed
    title = "Claimtracker: new figures"
    subtitle = "Every figure newly recorded, with its source, date and quote."

    def link(self):
        return reverse("claims:list")

    # How the newest figures are found. The site's are read newest first from their
    # index (assertion_recorded_idx). A claim's or a topic's are read by their
    # claims and sorted: walking that index for them, the planner expects them
    # spread evenly over time, and reads past every newer figure when they are not
    # (a topic's: 111 ms at 351,629 figures, behind a newer import; sorted, 14 ms).
    sorted_by_claims = False

    def assertions(self, obj):
        return Assertion.objects.on_record()

    def items(self, obj=None):
        newest = (
            self.assertions(obj)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[:ITEMS]
        )
        planned = (
            search.planned_without("enable_indexscan", "enable_indexonlyscan")
            if self.sorted_by_claims
            else nullcontext()
        )
        with planned:
            ids = list(newest)
        return selectors.assertions_shown(ids)

    def item_title(self, item: Assertion) -> str:
        title = plain_controls(f"{item.source}: {item.figure} ({item.claim.title})")
        if _is_retracted(item):
            return f"Retracted: {title}"
        return f"Set aside: {title}" if item.set_aside_at else title

    def item_description(self, item: Assertion) -> str:
        # HTML built by escaping: each part escaped, the quote's controls as marks.
        text = (
            f"{escape(item.source)}, {escape(stated(item))}: "
            f"“{visible_controls(item.quote)}” Read as "
            f"{escape(interval(item))} {escape(item.claim.unit)}."
        )
        if _is_retracted(item):
            day = timezone.localdate(item.retracted_at) if item.retracted_at else None
            when = f" on {day.day} {day:%b %Y}" if day else ""
            reason = wording.as_sentence(item.retraction_reason)
            text = f"Retracted{when}: {escape(reason)} {text}"
        elif item.set_aside_at:
            day = timezone.localdate(item.set_aside_at)  # the site's day
            reason = wording.as_sentence(item.set_aside_reason)
            text = (
                f"Set aside by the editors for this claim on {day.day} {day:%b %Y}: "
                f"{escape(reason)} It is not compared with the other figures. {text}"
            )
        return text

    def item_categories(self, item: Assertion) -> tuple[str, ...]:
        """The figure's status: published or retracted, and "set-aside" when the
        editors set it aside for its claim."""
        return (item.status, "set-aside") if item.set_aside_at else (item.status,)

    def item_link(self, item: Assertion) -> str:
        return f"{item.claim.get_absolute_url()}#assertion-{item.pk}"

    def item_guid(self, item: Assertion) -> str:
        return f"claimtracker-assertion-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Assertion):
        return item.created_at

    def item_updateddate(self, item: Assertion):
        return item.updated_at

    def item_author_name(self, item: Assertion) -> str:
        return plain_controls(item.source.name)


class ClaimFeed(LatestAssertionsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Claim.objects.openable(), slug=slug)

    def title(self, obj):
        return plain_controls(f"Claimtracker: new figures for {obj.title}")

    def link(self, obj):
        return obj.get_absolute_url()

    sorted_by_claims = True

    def assertions(self, obj):
        return Assertion.objects.on_record().filter(claim=obj)


class TopicFeed(LatestAssertionsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, obj):
        return plain_controls(f"Claimtracker: new figures on {obj.name}")

    def link(self, obj):
        return obj.get_absolute_url()

    sorted_by_claims = True

    def assertions(self, obj):
        # Its claims' keys first: read by a join, the planner could not use each
        # claim's index of figures (sorted_by_claims).
        claims = list(Claim.objects.filter(topic=obj).values_list("pk", flat=True))
        return Assertion.objects.on_record().filter(claim__in=claims)


def _is_retracted(item: Assertion) -> bool:
    return item.status == Assertion.Status.RETRACTED
