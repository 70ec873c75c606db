#!/usr/bin/env python3
"""A stand-in for Twilio's Messages API, for the delivery tests.

Speaks the documented wire format (docs: the shared reference wire-formats.md
section 4): POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded,
HTTP basic auth AccountSid:AuthToken; 201 with the Message JSON (sid "SM...");
errors as {"code","message","more_info","status"}; then status callbacks
(form POST with MessageSid, MessageStatus, ...) to the StatusCallback URL,
signed with X-Twilio-Signature.

Every request is appended to --record as one JSON line, flushed and fsynced
*before* the answer is sent (and before --delay), so a test that kills the
client mid-request still sees what the provider "accepted".

Behaviour per recipient (--behaviour FILE, JSON, re-read at every request):
  {"+13125550999": "21610"}           400 unsubscribed recipient
  {"+13125550998": "21211"}           400 invalid 'To' number
  {"+13125550997": "429:2"}           429 the first 2 times, then accept
  {"+13125550996": "500:1"}           500 the first time, then accept
  {"+13125550995": "undelivered"}     accept, then callback undelivered 30003
  {"+13125550993": "undelivered:30006"} accept, then callback undelivered 30006 (a landline)
  {"+13125550992": "21614"}           400 'To' is not a mobile number
  {"+13125550994": "silent"}          accept, send no status callback
  {"*": "delay:1500"}                 accept after 1.5 s (also per number)
  {"lookup:+13125550990": "landline"} Lookup v2 line type of that number
                                      (default "mobile"; "404" answers 20404)

Also a stand-in for Lookup v2 (there is no Lookup capture in the shared
reference; this follows Twilio's documented v2 response shape,
https://www.twilio.com/docs/lookup/v2-api and .../line-type-intelligence):
GET /v2/PhoneNumbers/{E.164}?Fields=line_type_intelligence, basic auth,
200 with {"phone_number", "valid", "line_type_intelligence": {"type",
"carrier_name", "mobile_country_code", "mobile_network_code", "error_code"},
...}; a line type is only given when Fields asks for it.
Usage: twilio_stub.py --port-file F --record F --sid AC.. --token T [--delay MS]
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
import urllib.parse
import urllib.request
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
LOCK = threading.Lock()
COUNTS = {}


def behaviour_for(to):
    if not ARGS.behaviour or not os.path.exists(ARGS.behaviour):
        return ""
    with open(ARGS.behaviour) as f:
        table = json.load(f)
    return table.get(to, table.get("*", ""))


def record(entry):
    line = json.dumps(entry, sort_keys=True) + "\n"
    with LOCK:
        with open(ARGS.record, "a") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())


def signature(url, params):
    """X-Twilio-Signature: base64(HMAC-SHA1(token, url + sorted name+value))."""
    s = url + "".join(k + params[k] for k in sorted(params))
    mac = hmac.new(ARGS.token.encode(), s.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


def callbacks(url, params, statuses):
    for status, code in statuses:
        time.sleep(ARGS.callback_delay / 1000.0)
        form = dict(params, MessageStatus=status, SmsStatus=status)
        if code:
            form["ErrorCode"] = str(code)
        body = urllib.parse.urlencode(form).encode()
        req = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature(url, form)})
        for attempt in range(ARGS.callback_tries):
            try:
                with urllib.request.urlopen(req, timeout=5) as r:
                    record({"callback": url, "status": status, "answer": r.status})
                break
            except Exception as e:  # serve may be down: Twilio retries too
                record({"callback": url, "status": status, "error": str(e)[:200]})
                time.sleep(0.5)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the second waits
    # for the client's delayed ACK: ~40 ms per message, 160 msgs/s at most.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, obj, extra=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, message, extra=None):
        self.reply(status, {"code": code, "message": message,
                            "more_info": "https://www.twilio.com/docs/errors/%d" % code,
                            "status": status}, extra)
        return status

    def do_GET(self):
        if self.path == "/_stub/health":
            return self.reply(200, {"ok": True})
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith("/v2/PhoneNumbers/"):
            return self.lookup(urllib.parse.unquote(url.path[len("/v2/PhoneNumbers/"):]),
                               urllib.parse.parse_qs(url.query))
        return self.error(404, 20404, "The requested resource was not found")

    def lookup(self, number, query):
        auth = self.headers.get("Authorization", "")
        good = "Basic " + base64.b64encode(("%s:%s" % (ARGS.sid, ARGS.token)).encode()).decode()
        fields = ",".join(query.get("Fields", [])).split(",")
        entry = {"ts": time.time(), "lookup": number, "fields": fields, "auth_ok": auth == good}
        beh = behaviour_for("lookup:" + number) or "mobile"
        if auth != good:
            entry["answer"] = self.error(401, 20003, "Authenticate")
        elif beh == "404":
            entry["answer"] = self.error(404, 20404, "The requested resource /PhoneNumbers/%s was not found" % number)
        else:
            entry["answer"] = 200
            lti = None
            if "line_type_intelligence" in fields:
                lti = {"error_code": None, "mobile_country_code": "310",
                       "mobile_network_code": "456", "carrier_name": "Stub Carrier", "type": beh}
            self.reply(200, {
                "calling_country_code": "1", "country_code": "US", "phone_number": number,
                "national_format": number, "valid": True, "validation_errors": [],
                "caller_name": None, "sim_swap": None, "call_forwarding": None,
                "line_status": None, "line_type_intelligence": lti, "identity_match": None,
                "reassigned_number": None, "sms_pumping_risk": None,
                "phone_number_quality_score": None, "pre_fill": None,
                "url": "https://lookups.twilio.com/v2/PhoneNumbers/%s" % number})
        record(entry)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode("utf-8", "replace")
        path = urllib.parse.urlsplit(self.path).path
        want = "/2010-04-01/Accounts/%s/Messages.json" % ARGS.sid
        auth = self.headers.get("Authorization", "")
        good = "Basic " + base64.b64encode(("%s:%s" % (ARGS.sid, ARGS.token)).encode()).decode()
        form = {k: v[0] for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}
        entry = {"ts": time.time(), "path": path, "form": form, "auth_ok": auth == good,
                 "content_type": self.headers.get("Content-Type", "")}
        to = form.get("To", "")
        beh = behaviour_for(to)
        if path != want:
            entry["answer"] = self.error(404, 20404, "The requested resource %s was not found" % path)
        elif auth != good:
            entry["answer"] = self.error(401, 20003, "Authenticate")
        elif not entry["content_type"].startswith("application/x-www-form-urlencoded"):
            entry["answer"] = self.error(400, 21602, "Message body is required.")
        elif not to:
            entry["answer"] = self.error(400, 21604, "A 'To' phone number is required.")
        elif not form.get("From") and not form.get("MessagingServiceSid"):
            entry["answer"] = self.error(400, 21603, "A 'From' phone number is required.")
        elif not form.get("Body"):
            entry["answer"] = self.error(400, 21602, "Message body is required.")
        elif len(form["Body"]) > 1600:
            entry["answer"] = self.error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        elif beh == "21610":
            entry["answer"] = self.error(400, 21610, "Attempt to send to unsubscribed recipient")
        elif beh == "21211":
            entry["answer"] = self.error(400, 21211, "The 'To' number %s is not a valid phone number." % to)
        elif beh == "21614":
            entry["answer"] = self.error(400, 21614, "'To' number is not a valid mobile number")
        elif beh.split(":")[0] in ("429", "500") and self.count(to) <= int(beh.split(":")[1]):
            code = int(beh.split(":")[0])
            if code == 429:
                entry["answer"] = self.error(429, 20429, "Too Many Requests", {"Retry-After": "1"})
            else:
                entry["answer"] = self.error(500, 20500, "Internal Server Error")
        else:
            entry["answer"] = 201
            entry["sid"] = "SM" + secrets.token_hex(16)
        if entry["answer"] != 201:
            record(entry)
            return
        # Accepted: durable here, whatever happens to the client next.
        record(entry)
        delay = ARGS.delay
        if beh.startswith("delay:"):
            delay = int(beh.split(":")[1])
        time.sleep(delay / 1000.0)
        now = formatdate(usegmt=False).replace("-0000", "+0000")
        sid = entry["sid"]
        try:
            self.reply(201, {
                "sid": sid, "date_created": now, "date_updated": now, "date_sent": None,
                "account_sid": ARGS.sid, "to": to, "from": form.get("From"),
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "body": form["Body"], "status": "queued", "num_segments": "1", "num_media": "0",
                "direction": "outbound-api", "api_version": "2010-04-01", "price": None,
                "price_unit": None, "error_code": None, "error_message": None,
                "uri": "/2010-04-01/Accounts/%s/Messages/%s.json" % (ARGS.sid, sid),
                "subresource_uris": {"media": "/2010-04-01/Accounts/%s/Messages/%s/Media.json"
                                     % (ARGS.sid, sid)}})
        except OSError:
            pass  # the client went away: the message is still "sent"
        cb = form.get("StatusCallback")
        if cb and not ARGS.no_callbacks and beh != "silent":
            params = {"MessageSid": sid, "SmsSid": sid, "AccountSid": ARGS.sid, "To": to,
                      "From": form.get("From", ""), "ApiVersion": "2010-04-01"}
            statuses = [("sent", 0), ("delivered", 0)]
            if beh.split(":")[0] == "undelivered":
                code = int(beh.split(":")[1]) if ":" in beh else 30003
                statuses = [("sent", 0), ("undelivered", code)]
            threading.Thread(target=callbacks, args=(cb, params, statuses), daemon=True).start()

    def count(self, to):
        with LOCK:
            COUNTS[to] = COUNTS.get(to, 0) + 1
            return COUNTS[to]


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", required=True)
    p.add_argument("--record", required=True)
    p.add_argument("--sid", default="AC00000000000000000000000000000000")
    p.add_argument("--token", default="test_auth_token")
    p.add_argument("--behaviour", default="")
    p.add_argument("--delay", type=int, default=0, help="ms before answering an accepted message")
    p.add_argument("--callback-delay", type=int, default=50)
    p.add_argument("--callback-tries", type=int, default=3)
    p.add_argument("--no-callbacks", action="store_true")
    ARGS = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    srv.daemon_threads = True
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
