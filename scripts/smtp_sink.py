#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) for the Mail integration tests.

Listens on 127.0.0.1 on a free port, writes that port to --ready-file once it accepts
connections, and stores every accepted message as <n>.json in --mail-dir: envelope, TLS and
AUTH state, and the message as Python's email parser decodes it (subject, bodies, headers).

  python3 smtp_sink.py --mail-dir DIR --ready-file FILE
      [--user NAME --password PW]   enable AUTH with these credentials (AUTH then required)
      [--mechanisms PLAIN,LOGIN]    AUTH mechanisms to offer (default: both)
      [--tls]                       offer STARTTLS with a self-signed cert made by openssl
      [--implicit-tls]              TLS from the first byte instead (smtps), same kind of cert
      [--auth-require-tls]          offer AUTH only after STARTTLS
      [--reject ADDRESS ...]        answer RCPT TO for these addresses with 550
      [--no-ehlo]                   answer EHLO with 502, as a pre-ESMTP server would

It exits when its standard input closes, so a test run that dies leaves no server behind.
"""
import argparse
import asyncio
import email
import email.policy
import json
import logging
import os
import signal
import ssl
import subprocess
import sys
import threading
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, mail_dir, reject, no_ehlo):
        self.mail_dir = mail_dir
        self.reject = {address.lower() for address in reject}
        self.no_ehlo = no_ehlo
        self.count = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        if self.no_ehlo:
            return ["502 5.5.1 EHLO not implemented"]
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        auth = session.auth_data
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "esmtp": session.extended_smtp,
            "auth_user": auth.login.decode() if isinstance(auth, LoginPassword) else None,
            "subject": str(message["subject"]),
            "from": str(message["from"]),
            "to": str(message["to"]),
            "message_id": str(message["message-id"]),
            "date": str(message["date"]),
            "content_type": message.get_content_type(),
            "headers": {key: str(value) for key, value in message.items()},
            "defects": [repr(defect) for defect in message.defects],
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None and html is not text else None,
            "raw": envelope.content.decode("utf-8", "replace"),
        }
        self.count += 1
        path = os.path.join(self.mail_dir, f"{self.count}.json")
        with open(path + ".tmp", "w") as file:
            json.dump(record, file)
        os.replace(path + ".tmp", path)
        return "250 Message accepted for delivery"


def self_signed_context(directory):
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
        check=True, capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def exit_when_stdin_closes():
    def watch():
        while sys.stdin.buffer.read(4096):
            pass
        os._exit(0)
    threading.Thread(target=watch, daemon=True).start()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mail-dir", required=True)
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--mechanisms", default="PLAIN,LOGIN")
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth-require-tls", action="store_true")
    parser.add_argument("--reject", nargs="*", default=[])
    parser.add_argument("--no-ehlo", action="store_true")
    args = parser.parse_args()
    # The parent may run with signals blocked (the Swift test runner does); we inherit that mask.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, signal.valid_signals())
    exit_when_stdin_closes()
    # AUTH without TLS is deliberate here (loopback tests); keep aiosmtpd's warnings quiet.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    os.makedirs(args.mail_dir, exist_ok=True)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login.decode() == args.user
              and auth_data.password.decode() == args.password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    offered = {m.strip().upper() for m in args.mechanisms.split(",") if m.strip()}
    tls_context = self_signed_context(args.mail_dir) if args.tls or args.implicit_tls else None
    handler = Sink(args.mail_dir, args.reject, args.no_ehlo)
    loop = asyncio.get_running_loop()

    def factory():
        return SMTP(
            handler,
            hostname="sink.test",
            tls_context=None if args.implicit_tls else tls_context,
            authenticator=authenticator if args.user else None,
            auth_required=bool(args.user),
            auth_require_tls=args.auth_require_tls,
            auth_exclude_mechanism=[m for m in ("PLAIN", "LOGIN") if m not in offered],
            loop=loop,
        )

    server = await loop.create_server(
        factory, host="127.0.0.1", port=0, ssl=tls_context if args.implicit_tls else None)
    port = server.sockets[0].getsockname()[1]
    with open(args.ready_file + ".tmp", "w") as file:
        file.write(str(port))
    os.replace(args.ready_file + ".tmp", args.ready_file)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
