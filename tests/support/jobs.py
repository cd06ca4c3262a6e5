"""Jobs started as the admin's upload starts them, and the files they read."""

from django.core.files.base import ContentFile
from django.urls import reverse

from claims.interchange import csvformat
from claims.jobs import tasks as jobs
from claims.jobs.models import Job, JobKind

GOOD = (
    ",".join(csvformat.REQUIRED)
    + '\nTanks lost,tanks,War,Oryx,osint,2024-10-01,"3,000",Oryx counts 3000.,,,\n'
)
BAD = GOOD + GOOD.splitlines()[1].replace("2024-10-01", "soon") + "\n"
IMPORT_URL = reverse("admin:claims_assertion_import")


def started(text: str, *, kind=JobKind.IMPORT_PREVIEW, user=None) -> Job:
    upload = ContentFile(text.encode(), name="figures.csv")
    return jobs.job_start(kind=kind, user=user, upload=upload)
