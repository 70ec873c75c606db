#!/usr/bin/python3
"""A real SMTP server for the delivery tests (aiosmtpd, Debian python3-aiosmtpd).

Stores every accepted message as DIR/N.eml (the bytes received) with
DIR/N.json (envelope, whether the session used TLS, who authenticated),
written and fsynced *before* the final 250, so a test that kills the client
mid-send still sees what the server got.

Recipients decide the answer: an address containing "bounce" is refused at
RCPT with 550 5.1.1, "tempfail" with 451, "reject" after DATA with 554;
"slow" delays the final reply by --slow-ms.

  smtp_sink.py --port-file F --dir DIR [--auth USER:PASS] [--tls CERT KEY]
"""
import argparse
import asyncio
import json
import random
import os
import socket
import ssl
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

ARGS = None
LOCK = threading.Lock()


def free_port():
    """A port free now, below the kernel's ephemeral range (as lib.sh's
    free_port): no client's source port lands on it before the bind."""
    lo = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    for _ in range(500):
        p = random.randint(lo // 2, lo - 1)
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", p))
        except OSError:
            continue
        finally:
            s.close()
        return p
    raise SystemExit("smtp_sink: no free port")


def store(envelope, session):
    with LOCK:
        n = len([f for f in os.listdir(ARGS.dir) if f.endswith(".eml")]) + 1
        base = os.path.join(ARGS.dir, "%04d" % n)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
            f.flush()
            os.fsync(f.fileno())
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "tls": session.ssl is not None,
                       "auth": session.auth_data.login.decode() if session.auth_data else None,
                       "ts": time.time()}, f)
            f.flush()
            os.fsync(f.fileno())


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "bounce" in address:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if "tempfail" in address:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any("reject" in r for r in envelope.rcpt_tos):
            return "554 5.7.1 Message rejected"
        store(envelope, session)
        if any("slow" in r for r in envelope.rcpt_tos):
            await asyncio.sleep(ARGS.slow_ms / 1000.0)
        return "250 2.0.0 Ok: queued"


def authenticator(server, session, envelope, mechanism, auth_data):
    want_user, want_pass = ARGS.auth.split(":", 1)
    ok = (auth_data.login.decode() == want_user and auth_data.password.decode() == want_pass)
    # handled=False: aiosmtpd itself answers 535 to a refused login.
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--auth", default="")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--slow-ms", type=int, default=3000)
    ARGS = p.parse_args()
    kw = {}
    if ARGS.auth:
        kw.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(ARGS.tls))
    if ARGS.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(*ARGS.tls)
        kw.update(tls_context=ctx, require_starttls=True)
    port = free_port()
    c = Controller(Handler(), hostname="127.0.0.1", port=port, **kw)
    c.start()
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    threading.Event().wait()


if __name__ == "__main__":
    main()
