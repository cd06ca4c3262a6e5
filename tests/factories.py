import datetime

import factory
from django.contrib.auth import get_user_model

from claims.models import Assertion, Claim, Topic
from claims.pipeline import services
from sources import services as source_services
from sources.models import Document, Source, SourceAlias


class ServiceFactory(factory.django.DjangoModelFactory):
    """A factory that creates its rows through the service the app writes with, so a
    test's data has what every real write has: validation, history, derived state."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls.save(model_class(*args, **kwargs))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class SourceFactory(ServiceFactory):
    @staticmethod
    def save(row):
        return source_services.source_save(source=row)

    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Ministry of Defence {n}")
    slug = factory.Sequence(lambda n: f"ministry-of-defence-{n}")
    kind = Source.Kind.GOVERNMENT
    country = "GB"


class SourceAliasFactory(ServiceFactory):
    @staticmethod
    def save(row):
        return source_services.alias_save(alias=row)

    class Meta:
        model = SourceAlias

    source = factory.SubFactory(SourceFactory)
    name = factory.Sequence(lambda n: f"MoD-{n}")


class DocumentFactory(ServiceFactory):
    @staticmethod
    def save(row):
        return source_services.document_save(document=row)

    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Intelligence update {n}")
    publisher = factory.SubFactory(SourceFactory)
    published_on = datetime.date(2024, 10, 30)
    url = factory.Sequence(lambda n: f"https://example.org/updates/{n}")


class TopicFactory(ServiceFactory):
    @staticmethod
    def save(row):
        return services.topic_save(topic=row)

    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ClaimFactory(ServiceFactory):
    @staticmethod
    def save(row):
        return services.claim_save(claim=row)

    class Meta:
        model = Claim

    title = factory.Sequence(lambda n: f"Troops deployed, theatre {n}")
    slug = factory.Sequence(lambda n: f"troops-deployed-{n}")
    topic = factory.SubFactory(TopicFactory)
    unit = "troops"


class AssertionFactory(ServiceFactory):
    """An exact figure; pass `figure` and the bounds follow (Assertion.normalise)."""

    class Meta:
        model = Assertion

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stated_on = datetime.date(2024, 10, 28)
    figure = "3,000"
    quote = factory.LazyAttribute(
        lambda a: f"Officials said {a.figure} troops were there."
    )

    @staticmethod
    def save(row):
        return services.assertion_save(assertion=row)


def stated(claim, figure, day, source=None, **fields):
    """Record `figure` for `claim` on `day` October 2024, through the service."""
    fields.setdefault("quote", f"They said {figure}.")
    return services.assertion_create(
        claim=claim,
        source=source or SourceFactory(),
        stated_on=datetime.date(2024, 10, day),
        figure=figure,
        **fields,
    )


# Markup and script typed into text fields, for the escaping tests.
SCRIPT = '<script>alert("xss")</script>'
TAG = "<img src=x onerror=alert(1)>"
PAYLOAD = f"{SCRIPT}{TAG}&amp; \"quoted\" 'single'"
