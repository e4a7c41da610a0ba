"""Strategies for the string formats Herald's OpenAPI document names but JSON Schema cannot spell out.

`format: iana-time-zone`, `e164`, `suppression-address`, `suppression-cursor` and `past-date-time` say
what the server checks beyond a pattern (a zone in the tz database, a number with a real country code and
length, a time not in the future). Schemathesis would otherwise generate any string for them, and every
"valid" request it made would be a false alarm; these generate real values of each kind. NDJSON bodies are
described as the array of their lines. Loaded by scripts/fuzz-api.sh through SCHEMATHESIS_HOOKS.
(Named functions, not lambdas: hypothesis describes strategies by parsing a lambda's source.)
"""
import base64
import json
from datetime import datetime, timedelta, timezone

import schemathesis
from hypothesis import strategies as st

ZONES = ["UTC", "Asia/Tehran", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata"]
PHONES = ["+989121234567", "+14155552671", "+447911123456", "+4915123456789", "+33612345678"]


def whatsapp_address(phone):
    return "whatsapp:" + phone


def cursor_for(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def seconds_ago(seconds):
    # Up to thirty days back; the server allows five minutes of clock skew ahead, never more.
    return (datetime.now(timezone.utc) - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


phones = st.sampled_from(PHONES)
addresses = st.one_of(
    st.from_regex(r"\A[a-z0-9]{1,20}@example\.(com|org)\Z"),
    phones,
    st.from_regex(r"\A(fcm|apns):[A-Za-z0-9_-]{1,64}\Z"),
    st.from_regex(r"\Atelegram:[0-9]{1,15}\Z"),
    phones.map(whatsapp_address),
)
texts = st.text(st.characters(blacklist_categories=["Cc", "Cs"]), min_size=1, max_size=40)

schemathesis.openapi.format("iana-time-zone", st.sampled_from(ZONES))
schemathesis.openapi.format("e164", phones)
schemathesis.openapi.format("suppression-address", addresses)
schemathesis.openapi.format("suppression-cursor", texts.map(cursor_for))
schemathesis.openapi.format("past-date-time", st.integers(min_value=60, max_value=30 * 86400).map(seconds_ago))


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    """One JSON value per line for an array; anything else (a negative case) as one JSON value."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, list):
        return "\n".join(json.dumps(item, ensure_ascii=False) for item in value).encode()
    return json.dumps(value, ensure_ascii=False).encode()
