"""A recording SMTP server for Herald's SMTP driver tests.

Listens on a free port on 127.0.0.1 (optionally with STARTTLS or implicit TLS, and SMTPUTF8) and prints that port on stdout. Requires AUTH (user `herald`,
password `secret`). Recipients whose local part starts with `unknown` get 550, with `busy` get 451.
Each accepted message is written to DIR/msg-N.eml (raw bytes) and DIR/msg-N.json (envelope and
session facts: connection number, TLS, AUTH). Exits when stdin closes, so it never outlives the test.
"""
import argparse
import asyncio
import datetime
import itertools
import json
import os
import ssl
import sys
import threading

try:
    from aiosmtpd.smtp import SMTP, AuthResult
except ImportError:
    print("aiosmtpd is not installed (pip install aiosmtpd)", file=sys.stderr)
    sys.exit(3)

USER, PASSWORD = b"herald", b"secret"
connection_numbers = itertools.count(1)


class CountingSMTP(SMTP):
    def connection_made(self, transport):
        # aiosmtpd calls this again after STARTTLS on the same protocol object: count the first only.
        if not hasattr(self, "connection_number"):
            self.connection_number = next(connection_numbers)
        super().connection_made(transport)


class Recorder:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("unknown"):
            return "550 5.1.1 No such user here"
        if local.startswith("busy"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, f"msg-{self.count}")
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        facts = {
            "mail_from": envelope.mail_from,
            "mail_options": envelope.mail_options,
            "rcpt_tos": envelope.rcpt_tos,
            "connection": server.connection_number,
            # session.ssl is set by STARTTLS; implicit TLS (smtps) shows on the transport.
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": bool(session.authenticated),
            "auth_mechanism": getattr(session, "herald_mechanism", None),
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(facts, f)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 2.0.0 Queued"


def authenticator(server, session, envelope, mechanism, auth_data):
    session.herald_mechanism = mechanism
    return AuthResult(success=auth_data.login == USER and auth_data.password == PASSWORD)


def self_signed_context(directory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--starttls", action="store_true")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (smtps)")
    parser.add_argument("--smtputf8", action="store_true", help="offer SMTPUTF8 (RFC 6531)")
    parser.add_argument("--idle-timeout", type=float, default=300, help="seconds before an idle session is closed")
    args = parser.parse_args()

    context = self_signed_context(args.directory) if args.starttls else None
    implicit = self_signed_context(args.directory) if args.implicit_tls else None
    handler = Recorder(args.directory)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory():
        return CountingSMTP(
            handler, hostname="herald-test", tls_context=context, require_starttls=context is not None,
            auth_required=True, auth_require_tls=context is not None, authenticator=authenticator,
            timeout=args.idle_timeout, enable_SMTPUTF8=args.smtputf8)

    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0, ssl=implicit))
    print(server.sockets[0].getsockname()[1], flush=True)

    def exit_when_stdin_closes():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    loop.run_forever()


if __name__ == "__main__":
    main()
