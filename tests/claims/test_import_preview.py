"""The import preview's reading (claims/interchange/preview.py, shown on the preview
job's page): rows as read, new names with suggestions, and the template file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.interchange import csvformat, imports
from claims.models import Assertion
from sources.models import Document

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:claims_assertion_import")
TEMPLATE_URL = reverse("admin:claims_assertion_import_template")


def preview_page(client, *rows: str):
    """Upload `rows`, run the preview job its page waits for (a worker's part, run
    here), and return the job's page as the researcher then sees it."""
    from claims.jobs import tasks as jobs
    from claims.jobs.models import Job

    started = client.post(IMPORT_URL, {"file": upload(*rows)})
    assert started.status_code == 302
    job = Job.objects.latest("pk")
    jobs.job_execute(job_id=job.pk)
    return client.get(started["Location"])


def upload(*rows: str):
    text = ",".join(csvformat.REQUIRED) + "\n" + "\n".join(rows) + "\n"
    return SimpleUploadedFile("figures.csv", text.encode(), content_type="text/csv")


def test_the_preview_shows_each_rows_figure_as_read(researcher_client):
    response = preview_page(
        researcher_client,
        'Tanks lost,tanks,War,Oryx,osint,2024-10-01,"at least 3,000",At least 3000.,,,',
        "Tanks lost,tanks,War,Oryx,osint,2024-10-08,3000-3500,3000-3500.,,,",
    )

    page = response.content.decode()
    assert "At least: at least 3,000" in page
    assert "Range: 3,000 to 3,500" in page
    assert "2024-10-01" in page


def test_a_misspelt_source_gets_a_did_you_mean(researcher_client, seeded):
    response = preview_page(
        researcher_client,
        "North Korean troops in Russia,troops,War,"
        "Ukranian military inteligence,intelligence,2024-10-01,"
        "12000,Said 12000.,,,",
    )

    new = response.context["job"].result["new_names"]["sources"]
    assert [(n["name"], n["suggestions"]) for n in new] == [
        (
            "Ukranian military inteligence",
            ["Ukrainian military intelligence (HUR)"],
        )
    ]
    assert "did you mean “Ukrainian military intelligence (HUR)”?" in (
        response.content.decode()
    )


def test_a_misspelt_claim_gets_a_did_you_mean(researcher_client, seeded):
    response = preview_page(
        researcher_client,
        "North Korean troops in Rusia,troops,War,Pentagon,military,"
        "2024-10-01,12000,Said 12000.,,,",
    )

    [new] = response.context["job"].result["new_names"]["claims"]
    assert new["suggestions"] == ["North Korean troops in Russia"]


def test_the_template_csv_has_one_example_per_kind_and_imports_cleanly(
    researcher_client,
):
    response = researcher_client.get(TEMPLATE_URL)

    text = response.content.decode()
    summary = imports.assertions_import(data=text, dry_run=True)
    assert "attachment" in response["Content-Disposition"]
    assert text.splitlines()[0] == ",".join(csvformat.COLUMNS)
    assert sorted(row.figure.kind for row in summary.readings) == sorted(
        ["exact", "approximate", "at_least", "at_most", "range", "qualitative"]
    )
    assert not Assertion.objects.exists()


def test_the_import_page_links_the_template(researcher_client):
    page = researcher_client.get(IMPORT_URL).content.decode()

    assert f'href="{TEMPLATE_URL}"' in page


def test_an_imported_quote_differing_in_typography_keeps_the_documents_text(seeded):
    document = Document.objects.get(title__startswith="What do North Korean")
    text = (
        ",".join(csvformat.REQUIRED)
        + "\nNorth Korean troops in Russia,troops,War,NIS,intelligence,2024-10-21,"
        + '"1,500","South Korea\'s National Intelligence Service (NIS) later '
        + "corroborated Ukraine's assertions, sharing satellite images of Russian "
        + 'vessels transporting the first batch of 1,500",'
        + f'"{document.title}",{document.url},\n'
    )

    imports.assertions_import(data=text)

    assertion = Assertion.objects.get(stated_on="2024-10-21")
    assert assertion.quote.startswith(
        "South Korea’s National Intelligence Service (NIS) later corroborated "
        "Ukraine’s assertions"
    )
