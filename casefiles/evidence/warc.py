"""The WARC record of a capture (ISO 28500, written with warcio): a warcinfo record, then a request and a response
record for every hop of the redirect chain, the last response holding the captured bytes exactly as received."""

from __future__ import annotations

import io
from datetime import datetime

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from casefiles.evidence.fetcher import Fetched


def _warc_date(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def build_warc(fetched: Fetched, captured_at: datetime, software: str = "Casefiles evidence capture") -> bytes:
    """The capture as one gzip-compressed WARC file."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
    date = _warc_date(captured_at)
    info = writer.create_warcinfo_record(
        "capture.warc.gz",
        {"software": software, "format": "WARC File Format 1.1", "requested-url": fetched.requested_url},
    )
    info.rec_headers.replace_header("WARC-Date", date)
    writer.write_record(info)
    for hop in fetched.hops:
        # The body is stored de-chunked: the original framing is named, not claimed.
        headers = [("X-Archive-Orig-" + k if k.lower() == "transfer-encoding" else k, v) for k, v in hop.headers]
        split = hop.url.split("/", 3)
        path = "/" + (split[3] if len(split) > 3 else "")
        request = writer.create_warc_record(
            hop.url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(f"GET {path} HTTP/1.1", hop.request_headers, is_http_request=True),
            warc_headers_dict={"WARC-Date": date, "WARC-IP-Address": hop.address},
        )
        response = writer.create_warc_record(
            hop.url,
            "response",
            payload=io.BytesIO(hop.body),
            length=len(hop.body),
            http_headers=StatusAndHeaders(f"{hop.status} {hop.reason}", headers, protocol=hop.http_version),
            warc_headers_dict={"WARC-Date": date, "WARC-IP-Address": hop.address},
        )
        request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        writer.write_record(request)
        writer.write_record(response)
    return out.getvalue()
