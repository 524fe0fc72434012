"""boto3, a real API client on urllib3 used directly: its calls are answered from the registry,
and an unmatched call or a fault comes out as botocore's own error, as from a real endpoint.

botocore holds urllib3 below 1.27 on Python 3.9, so this module runs where boto3 is installed
(Python 3.10 on; the test extra installs it only there)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.adapters.conftest import fake_aws_environment

import canned
from canned import faults

boto3 = pytest.importorskip("boto3")
botocore_errors = pytest.importorskip("botocore.exceptions")

REFUSED = "Connection refused by Responses - the call doesn't match any registered mock."


S3_URL = "https://s3.amazonaws.com/"
BUCKETS = b"""<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner>
  <Buckets><Bucket><Name>reports</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate></Bucket></Buckets>
</ListAllMyBucketsResult>"""


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    """An S3 client with fake credentials and region, no config files, no instance metadata,
    and one attempt per call; canned answers everything it sends."""
    fake_aws_environment(monkeypatch, tmp_path, attempts=1)
    client = boto3.session.Session().client("s3")
    yield client
    client.close()


@pytest.mark.filterwarnings("ignore::boto3.exceptions.PythonDeprecationWarning")
def test_a_boto3_s3_client_lists_the_buckets_canned_answers(
    mock: canned.RequestsMock, s3: Any
) -> None:
    mock.add(canned.GET, S3_URL, body=BUCKETS, content_type="application/xml")
    buckets = s3.list_buckets()["Buckets"]
    assert [bucket["Name"] for bucket in buckets] == ["reports"]
    assert mock.calls[0].request.headers["Authorization"].startswith("AWS4-HMAC-SHA256")


@pytest.mark.filterwarnings("ignore::boto3.exceptions.PythonDeprecationWarning")
def test_an_unmatched_boto3_call_raises_botocores_endpoint_connection_error(
    mock: canned.RequestsMock, s3: Any
) -> None:
    with pytest.raises(botocore_errors.EndpointConnectionError) as raised:
        s3.list_buckets()
    assert str(raised.value) == f'Could not connect to the endpoint URL: "{S3_URL}"'
    assert REFUSED in str(raised.value.kwargs["error"])
    assert len(mock.calls) == 1


@pytest.mark.filterwarnings("ignore::boto3.exceptions.PythonDeprecationWarning")
@pytest.mark.parametrize(
    ("fault", "translated"),
    [
        (faults.read_timeout(), botocore_errors.ReadTimeoutError),
        (faults.connect_timeout(), botocore_errors.ConnectTimeoutError),
        (faults.connection_refused(), botocore_errors.EndpointConnectionError),
        (faults.dns_failure(), botocore_errors.EndpointConnectionError),
        (faults.connection_reset(), botocore_errors.ConnectionClosedError),
    ],
    ids=["read_timeout", "connect_timeout", "connection_refused", "dns_failure", "reset"],
)
def test_botocore_translates_each_fault_as_it_does_a_real_servers(
    mock: canned.RequestsMock, s3: Any, fault: faults.Fault, translated: type[Exception]
) -> None:
    mock.add(canned.GET, S3_URL, body=fault)
    with pytest.raises(translated) as raised:
        s3.list_buckets()
    assert type(raised.value) is translated
    assert S3_URL in str(raised.value)
