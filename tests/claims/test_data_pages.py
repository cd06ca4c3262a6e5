"""Downloads, feeds, linked data and the admin's CSV upload."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from claims.interchange import csvformat
from claims.jobs import tasks as jobs
from claims.jobs.models import Job
from claims.models import Assertion, Claim
from tests.factories import ClaimFactory, stated

pytestmark = pytest.mark.django_db

TROOPS = "north-korean-troops-in-russia"
IMPORT_URL = reverse("admin:claims_assertion_import")


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_claim_page_downloads_its_figures_as_csv(client, seeded):
    response = client.get(reverse("claims:export", args=[TROOPS, "csv"]))

    text = body(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="claimtracker-north-korean-troops-in-russia.csv"'
        in (response["Content-Disposition"])
    )
    assert text.splitlines()[0] == ",".join(csvformat.COLUMNS)
    assert len(text.splitlines()) == 12


def test_claim_page_downloads_json(client, seeded):
    rows = json.loads(body(client.get(reverse("claims:export", args=[TROOPS, "json"]))))

    assert len(rows) == 11
    assert rows[0]["figure"] == "several thousand"


def test_list_download_honours_the_filters(client, seeded):
    response = client.get(
        reverse("claims:list-export", args=["csv"]),
        {"topic": "north-korean-armed-forces"},
    )

    claims = {line.split(",")[0] for line in body(response).splitlines()[1:]}
    assert claims == {
        "Length of North Korea's mandatory military service",
        "North Korean active-duty soldiers",
        "North Korean reserve soldiers",
    }


def test_list_download_with_bad_filters_is_a_400(client, seeded):
    response = client.get(
        reverse("claims:list-export", args=["csv"]), {"disagree": "x"}
    )

    assert response.status_code == 400
    assert "disagree" in response.content.decode()


def test_unknown_download_format_is_404(client, seeded):
    assert (
        client.get(reverse("claims:export", args=[TROOPS, "xlsx"])).status_code == 404
    )


def test_downloads_hide_drafts(client):
    claim = ClaimFactory()
    stated(claim, "3,000", 2)
    stated(claim, "4,444", 3, status="draft")

    text = body(client.get(reverse("claims:export", args=[claim.slug, "csv"])))

    assert '"3,000"' in text and "4,444" not in text


def test_atom_feeds_list_new_figures(client, seeded):
    everything = client.get(reverse("feeds:all")).content.decode()
    claim = client.get(reverse("feeds:claim", args=[TROOPS])).content.decode()
    topic = client.get(
        reverse("feeds:topic", args=["north-korean-armed-forces"])
    ).content.decode()

    assert everything.count("<entry>") == 18
    assert claim.count("<entry>") == 11
    assert topic.count("<entry>") == 3
    assert "US Department of Defense (Pentagon): 10,000" in claim
    assert "The Pentagon now believes" in claim


def test_each_feed_lists_the_newest_recorded_figures_first_fifty_at_most(client):
    """A figure recorded last comes first, however old the date it was stated on;
    the site's, a topic's and a claim's feeds alike keep the newest 50."""
    claim = ClaimFactory()
    other = ClaimFactory(topic=claim.topic)
    elsewhere = ClaimFactory()
    for n in range(50):
        stated(claim, f"{1000 + n:,}", 2 + n % 20)
    stated(other, "7,777", 20)
    stated(elsewhere, "8,888", 21)
    stated(claim, "1,111", 1)  # recorded last, stated first

    def figures(name, *args) -> list[str]:
        feed = client.get(reverse(name, args=args)).content.decode()
        return re.findall(r"<title>[^<]*: ([\d,]+) \(", feed)

    site = figures("feeds:all")
    topic = figures("feeds:topic", claim.topic.slug)
    own = figures("feeds:claim", claim.slug)

    assert site[:3] == ["1,111", "8,888", "7,777"] and len(site) == 50
    assert topic[:3] == ["1,111", "7,777", "1,049"] and len(topic) == 50
    assert own[:3] == ["1,111", "1,049", "1,048"] and len(own) == 50
    assert own[-1] == "1,001"


def test_feeds_hide_drafts(client):
    claim = ClaimFactory()
    stated(claim, "3,000", 2)
    stated(claim, "4,444", 3, status="draft")

    feed = client.get(reverse("feeds:claim", args=[claim.slug])).content.decode()

    assert "3,000" in feed and "4,444" not in feed


def linked_data(client, slug):
    page = client.get(reverse("claims:detail", args=[slug])).content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_claim_page_carries_schema_org_linked_data(client, seeded):
    data = linked_data(client, TROOPS)

    assert (data["@type"], data["name"]) == ("Dataset", "North Korean troops in Russia")
    # The lowest estimate, "up to 1,500", has no lower end: an open end is no
    # number. The highest, "closer to 12,000", is read up to 13,200.
    assert "minValue" not in data["variableMeasured"]
    assert data["variableMeasured"]["maxValue"] == 13200
    # The current estimates, one per source; every figure is in the downloads.
    assert len(data["hasPart"]) == 6
    kirby = next(p for p in data["hasPart"] if p["author"]["name"] == "John Kirby")
    assert kirby["@type"] == "Claim"
    assert kirby["author"]["@type"] == "Person"
    assert kirby["about"] == {
        "@type": "QuantitativeValue",
        "description": "at least 3,000",
        "minValue": 3000,
        "unitText": "troops",
    }
    assert kirby["appearance"]["publisher"]["name"] == "Brookings Institution"


def test_linked_data_cannot_break_out_of_its_script(client):
    claim = ClaimFactory(title="</script><script>alert(1)</script>")
    stated(claim, "3,000", 2)

    page = client.get(claim.get_absolute_url()).content.decode()

    assert "</script><script>alert(1)" not in page
    assert linked_data(client, claim.slug)["name"] == claim.title


# The admin's upload


def upload(text: str, name="figures.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


GOOD = (
    ",".join(csvformat.REQUIRED)
    + '\nTanks lost,tanks,War,Oryx,osint,2024-10-01,"3,000",Oryx counts 3000.,,,\n'
)


def test_an_upload_becomes_a_preview_job_then_an_import_job(
    researcher_client, researcher
):
    """The upload's preview and its import run as jobs (claims/jobs/tasks.py, run here
    directly; tests/test_jobs_worker.py runs a real worker)."""
    preview = researcher_client.post(IMPORT_URL, {"file": upload(GOOD)})
    job = Job.objects.get()
    jobs.job_execute(job_id=job.pk)

    page = researcher_client.get(preview.url).content.decode()
    assert "Preview: nothing has been written yet" in page
    assert "assertions: would create 1" in page
    assert not Assertion.objects.exists()

    started = researcher_client.post(reverse("admin:jobs_job_import", args=[job.pk]))
    jobs.job_execute(job_id=Job.objects.get(kind="import").pk)
    done = researcher_client.get(started.url)

    assertion = Assertion.objects.get()
    assert (assertion.claim.title, assertion.created_by) == ("Tanks lost", researcher)
    assert "Imported" in done.content.decode()


def test_a_bad_upload_lists_every_problem_and_writes_nothing(researcher_client):
    bad = GOOD.replace('"3,000"', "lots") + GOOD.splitlines()[1].replace(
        "2024-10-01", "soon"
    )

    response = researcher_client.post(IMPORT_URL, {"file": upload(bad)})
    jobs.job_execute(job_id=Job.objects.get().pk)

    page = researcher_client.get(response.url).content.decode()
    assert "The file was refused: 2 problem(s)" in page
    assert "no recognisable figure" in page and "“soon” is not" in page
    assert not Claim.objects.exists()


def test_a_forged_confirmation_without_a_file_imports_nothing(researcher_client):
    # Imports are confirmed on the preview job's page now; the upload page takes
    # only files.
    response = researcher_client.post(IMPORT_URL, {"confirm": "1", "token": "forged"})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Assertion.objects.exists()


def test_only_researchers_may_import(editor_client):
    assert Client().get(IMPORT_URL).status_code == 302
    assert editor_client.get(IMPORT_URL).status_code == 403
    assert editor_client.post(IMPORT_URL, {"file": upload(GOOD)}).status_code == 403
    assert not Assertion.objects.exists()


def test_the_assertion_list_offers_the_import(researcher_client):
    page = researcher_client.get(reverse("admin:claims_assertion_changelist"))

    assert IMPORT_URL in page.content.decode()


def test_an_upload_over_the_size_limit_is_refused_clearly(researcher_client, settings):
    settings.CLAIMTRACKER_IMPORT_MAX_MB = 1
    big = GOOD + GOOD.splitlines()[1].replace("Oryx counts", "x" * 2000) * 600

    response = researcher_client.post(IMPORT_URL, {"file": upload(big)})

    assert "an import takes at most 1 MB" in response.content.decode()
    assert not Assertion.objects.exists()
    assert "claims:import-preview" not in researcher_client.session


def test_feeds_carry_no_live_markup_and_show_direction_overrides(client):
    """Issue 28: a quote's markup reached feed readers as HTML, and a raw U+202E as
    itself. Titles are plain text; the summary is HTML built by escaping."""
    from xml.etree import ElementTree

    from tests.factories import PAYLOAD, TAG, SourceFactory

    claim = ClaimFactory(title=f"Troops {TAG}")
    stated(
        claim,
        "3,000",
        2,
        source=SourceFactory(name=f"Office {TAG}"),
        quote=f"They said 3,000. {PAYLOAD} \u202egnp.exe",
    )

    feed = client.get(reverse("feeds:claim", args=[claim.slug])).content.decode()

    atom = "{http://www.w3.org/2005/Atom}"
    entry = ElementTree.fromstring(feed).find(f"{atom}entry")
    title, summary = entry.findtext(f"{atom}title"), entry.findtext(f"{atom}summary")
    # What a feed reader renders as HTML holds no tag of the payload, only its text.
    assert "<script" not in summary and "<img" not in summary
    assert "&lt;script&gt;" in summary and "&lt;img src=x" in summary
    assert "\u202e" not in feed and "[U+202E]" in summary
    assert TAG in title  # plain text: shown as typed, never rendered


def test_a_download_past_the_row_limit_is_refused_whole_not_cut(client, settings):
    """Issue 28: /claims/export.csv streamed 103.8 MB until the worker was killed
    mid-row. Past the limit the answer is a message, and under it the whole file."""
    claim = ClaimFactory()
    for day in (1, 2, 3):
        stated(claim, f"{day},000", day)
    settings.CLAIMTRACKER_EXPORT_MAX_ROWS = 2

    for url in (
        reverse("claims:list-export", args=["csv"]),
        reverse("claims:export", args=[claim.slug, "json"]),
    ):
        refused = client.get(url)
        assert refused.status_code == 413 and not refused.streaming
        assert "more than 2 figures" in refused.content.decode()

    settings.CLAIMTRACKER_EXPORT_MAX_ROWS = 3
    whole = body(client.get(reverse("claims:list-export", args=["csv"])))
    assert all(f'"{day},000"' in whole for day in (1, 2, 3))
