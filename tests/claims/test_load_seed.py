"""The demo data set's loader (manage.py load_seed). Most tests read the data the
session loaded once (`seeded`); the last three run the loader themselves, on purpose:
again over the loaded data, and on an empty database (`db`), where what it writes or
refuses is the behaviour under test."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.interchange import seed
from claims.models import Assertion, Claim
from sources.models import Document, Source

pytestmark = pytest.mark.django_db

SEED_DIR = Path(seed.DEMO_DATA).parent
TROOPS = "north-korean-troops-in-russia"


def counts():
    return [model.objects.count() for model in (Assertion, Claim, Document, Source)] + [
        Assertion.history.count()
    ]


def test_troop_claim_holds_the_seven_figures_of_the_seed_documents(seeded):
    figures = set(
        Claim.objects.get(slug=TROOPS).assertions.values_list("figure", flat=True)
    )

    assert figures == {
        "several thousand",
        "first batch of 1,500",
        "at least 3,000",
        "3,000",
        "up to 1,500",
        "10,000",
        "closer to 12,000",
    }


@pytest.mark.parametrize(
    ("figure", "source", "stated_on", "precision"),
    [
        (
            "several thousand",
            "ukrainian-military-intelligence-hur",
            "2024-10-01",
            "month",
        ),
        ("first batch of 1,500", "south-korea-nis", "2024-10-18", "day"),
        ("at least 3,000", "john-kirby", "2024-10-23", "day"),
        (
            "closer to 12,000",
            "ukrainian-military-intelligence-hur",
            "2024-10-28",
            "day",
        ),
        ("10,000", "us-department-of-defense", "2024-10-29", "day"),
    ],
)
def test_troop_figures_have_their_source_and_date(
    seeded, figure, source, stated_on, precision
):
    assertion = Assertion.objects.get(
        claim__slug=TROOPS, figure=figure, source__slug=source
    )

    assert assertion.stated_on == datetime.date.fromisoformat(stated_on)
    assert assertion.date_precision == precision


def test_a_figure_named_for_several_sources_is_one_assertion_per_source(seeded):
    up_to = Assertion.objects.filter(claim__slug=TROOPS, figure="up to 1,500")
    three = Assertion.objects.filter(claim__slug=TROOPS, figure="3,000")

    assert sorted(up_to.values_list("source__slug", flat=True)) == [
        "dutch-intelligence-services",
        "south-korea-nis",
        "ukrainian-military-intelligence-hur",
        "us-intelligence-community",
    ]
    assert sorted(three.values_list("source__slug", flat=True)) == [
        "south-korea-nis",
        "us-intelligence-community",
    ]


def test_every_quote_occurs_verbatim_in_its_seed_document(seeded):
    texts = {
        row["title"]: (SEED_DIR / row["text_file"]).read_text(encoding="utf-8")
        for row in json.loads(seed.DEMO_DATA.read_text(encoding="utf-8"))["documents"]
    }

    assertions = Assertion.objects.select_related("document")
    assert assertions.count() == 18
    for assertion in assertions:
        assert assertion.quote in texts[assertion.document.title], assertion
        assert assertion.figure in assertion.quote, assertion


@pytest.mark.parametrize(
    ("claim", "figure", "low", "high"),
    [
        ("north-korean-deserters-near-ukraine-border", "18", 18, 18),
        (
            "north-korean-arms-sales-revenue-russia",
            "approximately $540 million",
            486_000_000,
            594_000_000,
        ),
        ("north-korean-active-soldiers", "1.3 million", 1_300_000, 1_300_000),
        ("north-korean-reserve-soldiers", "7.5 million", 7_500_000, 7_500_000),
        ("russian-troops-killed-or-wounded", "an estimated 600,000", 540_000, 660_000),
        ("north-korean-shipping-containers-to-russia", "13,000", 13_000, 13_000),
    ],
)
def test_other_seed_figures_are_loaded_and_read(seeded, claim, figure, low, high):
    assertion = Assertion.objects.get(claim__slug=claim)

    assert assertion.figure == figure
    assert (assertion.low, assertion.high) == (Decimal(low), Decimal(high))


# Through the services on purpose: a second load must find every row and add none.
def test_loading_twice_changes_nothing(seeded, capsys):
    before = counts()

    call_command("load_seed")

    assert counts() == before
    assert "Created 0 rows." in capsys.readouterr().out


def test_dry_run_writes_nothing(db, capsys):
    call_command("load_seed", "--dry-run")

    assert counts() == [0, 0, 0, 0, 0]
    assert "Would create 58 rows." in capsys.readouterr().out


def test_bad_row_loads_nothing_and_is_named(db, tmp_path):
    data = json.loads(seed.DEMO_DATA.read_text(encoding="utf-8"))
    data["assertions"][2]["quote"] = "Kirby said something else entirely."
    for row in data["documents"]:
        (tmp_path / row["text_file"]).write_text(
            (SEED_DIR / row["text_file"]).read_text(encoding="utf-8"), encoding="utf-8"
        )
    broken = tmp_path / "demo.json"
    broken.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        call_command("load_seed", "--file", str(broken))

    assert "assertions row 3" in str(raised.value)
    assert "quote" in str(raised.value)
    assert counts() == [0, 0, 0, 0, 0]


SMALL = {
    "about": "",
    "topics": [{"slug": "t-x", "name": "T X"}],
    "sources": [],
    "documents": [],
    "claims": [{"slug": "c-x", "title": "C X", "topic": "t-x", "unit": "troops"}],
    "assertions": [],
}


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('{"topics": [', "the file is not JSON (line 1, column 13"),
        ("[]", "the file is not a data set"),
        (json.dumps({**SMALL, "claims": [{**SMALL["claims"][0], "topic": "nope"}]}),
         "a row names 'nope', which no row before it defines"),
        (json.dumps({**SMALL, "documents": [{"key": "d", "title": "Doc", "authors": "",
                                             "published_on": "2024-13-01"}]}),
         "month must be in 1..12"),
    ],
)  # fmt: skip
def test_a_file_that_is_no_data_set_is_refused_in_words(db, tmp_path, content, said):
    path = tmp_path / "data.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        call_command("load_seed", "--file", str(path))

    assert str(raised.value).startswith("Nothing was loaded: ")
    assert said in str(raised.value)
    assert counts() == [0, 0, 0, 0, 0]


def test_a_file_that_is_not_utf8_is_refused_in_words(db, tmp_path):
    path = tmp_path / "data.json"
    path.write_bytes(json.dumps(SMALL).replace("T X", "T\xe9").encode("latin-1"))

    with pytest.raises(CommandError, match="Nothing was loaded: the file is not UTF-8"):
        call_command("load_seed", "--file", str(path))


def test_a_missing_text_file_is_named(db, tmp_path):
    data = {**SMALL, "documents": [{"key": "d", "title": "Doc", "authors": "",
            "published_on": "2024-10-01", "text_file": "gone.txt"}]}  # fmt: skip
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError, match="Nothing was loaded: cannot read .*gone"):
        call_command("load_seed", "--file", str(path))
    assert counts() == [0, 0, 0, 0, 0]
