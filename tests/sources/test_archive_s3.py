"""The archive in an S3-compatible bucket (django-storages), against a real S3 server
on loopback: moto in server mode, speaking HTTP like any S3 service."""

import socket
import uuid

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer

from claims.pipeline import services
from sources.models import DocumentFile
from tests.factories import DocumentFactory
from tests.support.documents import SENTENCE, pdf_of

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def bucket(settings, monkeypatch):
    """Return a list of the bucket's keys, the archive storing into it."""
    # moto keeps its buckets for the life of the process: each test has its own.
    name = f"claimtracker-archive-{uuid.uuid4().hex[:12]}"
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }
    yield lambda: [
        item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])
    ]
    server.stop()


def test_a_file_is_archived_once_in_the_bucket_and_served_from_it(
    bucket, researcher_client
):
    document = DocumentFactory(text="")
    data = pdf_of(SENTENCE)

    first = services.document_archive(document=document, data=data)
    second = services.document_archive(document=document, data=data)

    row = DocumentFile.objects.get()
    assert bucket() == [row.storage_name]
    assert (first.archived.stored, second.archived.stored) == (True, False)
    response = researcher_client.get(reverse("sources:file", args=[row.sha256]))
    assert b"".join(response.streaming_content) == data


def test_a_refused_file_adds_nothing_to_the_bucket(bucket):
    before = bucket()

    with pytest.raises(Exception, match="is a program"):
        services.document_archive(
            document=DocumentFactory(), data=b"MZ" + bytes(100), filename="r.pdf"
        )

    assert bucket() == before
