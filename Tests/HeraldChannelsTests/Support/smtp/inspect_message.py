"""Decodes a received message with Python's email package (an independent MIME parser) and, given
a base64 SubjectPublicKeyInfo, verifies its DKIM signature with dkimpy. Prints one JSON object."""
import email
import email.policy
import json
import sys

raw = open(sys.argv[1], "rb").read()
message = email.message_from_bytes(raw, policy=email.policy.default)
parts = []
for part in message.walk():
    if part.is_multipart():
        continue
    parts.append({"content_type": part.get_content_type(), "charset": part.get_content_charset(),
                  "content": part.get_content()})
result = {
    "subject": str(message["Subject"]),
    "from_display_name": message["From"].addresses[0].display_name,
    "from_address": message["From"].addresses[0].addr_spec,
    "to": str(message["To"]),
    "content_type": message.get_content_type(),
    "message_id": str(message["Message-ID"]),
    "list_unsubscribe": str(message["List-Unsubscribe"]) if message["List-Unsubscribe"] else None,
    "list_unsubscribe_post": str(message["List-Unsubscribe-Post"]) if message["List-Unsubscribe-Post"] else None,
    "parts": parts,
    "defects": [str(d) for d in message.defects],
    "dkim": None,
}
if len(sys.argv) > 2:
    import dkim

    record = b"v=DKIM1; k=rsa; p=" + sys.argv[2].encode()
    result["dkim"] = bool(dkim.verify(raw, dnsfunc=lambda name, timeout=5: record))
print(json.dumps(result))
