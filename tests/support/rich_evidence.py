"""A claim with real evidence, as the demo data lacks it (issue 25): an archived file
with its SHA-256, quotes in Ukrainian with translations, long source names and 20
figures. The browser tests check that every public page fits a phone with it."""

import datetime

from claims.models import Translation
from claims.pipeline import services
from tests.factories import ClaimFactory, DocumentFactory, SourceFactory, TopicFactory

SLUG = "north-korean-troops-rich"
LONG_NAMES = [
    "Main Intelligence Directorate of the Ministry of Defence of Ukraine (HUR)",
    "National Intelligence Service of the Republic of Korea (Gukga Jeongbowon)",
    "United States Department of Defense, Office of the Press Secretary",
    "International Institute for Strategic Studies, Military Balance team",
]
QUOTE_UK = (
    "За даними розвідки, {n} північнокорейських військових уже в Курській області."
)
QUOTE_EN = "Officials estimated that {n} North Korean soldiers were in Kursk."


def figures() -> list[tuple[str, str]]:
    """Return the 20 figures as phrased, with their quote."""
    rows = []
    for n in range(20):
        number = f"{1_500 + n * 550:,}"
        quote = (QUOTE_UK if n % 2 else QUOTE_EN).format(n=number)
        rows.append((number, quote))
    return rows


def build(slug: str = SLUG):
    """Create the claim, its sources, its archived document and its figures."""
    sources = [SourceFactory(name=name) for name in LONG_NAMES]
    rows = figures()
    text = "\n\n".join(quote for _, quote in rows)
    document = DocumentFactory(
        title="Combined intelligence assessments of North Korean deployments to "
        "the Kursk oblast, October–November 2024, with translations",
        text="",
        files_public=True,
        published_on=datetime.date(2024, 11, 30),
    )
    services.document_archive(
        document=document, data=text.encode(), filename="assessments.txt"
    )
    claim = ClaimFactory(
        title="North Korean troops deployed to the Kursk oblast of Russia, "
        "according to intelligence services",
        slug=slug,
        topic=TopicFactory(name="North Korean troops in Russia, 2024–2025"),
    )
    for n, (figure, quote) in enumerate(rows):
        assertion = services.assertion_create(
            claim=claim,
            source=sources[n % len(sources)],
            stated_on=datetime.date(2024, 10, 1) + datetime.timedelta(days=3 * n),
            figure=figure,
            quote=quote,
            quote_language="uk" if n % 2 else "en",
            document=document,
        )
        if n % 2:
            services.translation_save(
                translation=Translation(
                    assertion=assertion,
                    language="en",
                    text=QUOTE_EN.format(n=figure),
                    method="person",
                    translated_by="A volunteer translator with a long name",
                )
            )
    return claim, sources, document
