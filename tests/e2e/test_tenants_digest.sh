#!/usr/bin/env bash
# The weekly digest with two businesses in one install: each business's
# digest goes to its own people, on its own rules and figures, through its
# own email provider, once per week (a restart sends nothing more).
. "$(dirname "$0")/lib.sh"
. "$LK_ROOT/tests/stubs/stubs.sh"

PORT=$(free_port)
mkdir -p "$LK_FILES"
DIGEST='s/^reports: .*/reports: { average_job_value: 850, close_rate_percent: 30, digest: { to: [manager], day: monday, at: "08:00" } }/'
lk rules show-default | sed "$DIGEST" >"$LK_FILES/rules.yaml"
lk rules show-default | sed -e "$DIGEST" -e 's/name: Northside Home Services/name: Bravo Roofing/' \
	-e 's/maria@northside.example/mara@bravo.example/' >"$T/bravo.yaml"
start_smtp_sink
providers_config
business_config "$T/bravo.yaml" <<EOF2
providers:
  smtp: { url: "smtp://127.0.0.1:$SMTP_PORT/leadkeep.test", from: "Bravo Roofing <leads@bravo.example>" }
EOF2
check "business add bravo" lk business add bravo "$T/bravo.yaml"

# The week of Monday 2026-11-23 08:00 (Chicago): one lead for the install's
# own business, two for bravo.
at() { LEADKEEP_NOW=$1 lk "${@:2}" >/dev/null; }
at 2026-11-24T20:02:00Z lead add --name "Marcus Johnson" --phone 3125550199 --source web_form
at 2026-11-24T20:03:00Z lead add --business bravo --name "Bea One" --phone 3125550198 --source web_form
at 2026-11-25T16:00:00Z lead add --business bravo --name "Ben Two" --phone 3125550197 --source web_form

serve_at() {	# ISO time: serve on that fixed clock, until both digests were checked
	local n
	n=$(grep -c digest_schedule "$T/serve.log" 2>/dev/null)
	LEADKEEP_NOW=$1 "$LK_BIN" serve --listen "127.0.0.1:$PORT" 2>>"$T/serve.log" &
	SERVE_PID=$!
	_pids+=("$SERVE_PID")
	for _i in $(seq 1 200); do
		[ "$(grep -c digest_schedule "$T/serve.log" 2>/dev/null)" -ge "$((${n:-0} + 2))" ] && return 0
		kill -0 "$SERVE_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
digest() {	# RECIPIENT EXPR: python expression over the digest mailed to RECIPIENT
	python3 - "$SMTP_DIR" "$1" "$2" <<'PY'
import email, email.policy, glob, json, sys
for j in sorted(glob.glob(sys.argv[1] + "/*.json")):
    raw = open(j[:-5] + ".eml", "rb").read()
    env = json.load(open(j))
    if b"your week in leads" in raw and sys.argv[2] in env["rcpt_tos"]:
        m = email.message_from_bytes(raw, policy=email.policy.default)
        body = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
        print(eval(sys.argv[3]))
        break
else:
    print("NO DIGEST")
PY
}
mails() { grep -l '^Subject: .*your week in leads' "$SMTP_DIR"/*.eml 2>/dev/null | wc -l; }
wait_mails() { for _i in $(seq 1 100); do [ "$(mails)" -ge "$1" ] && return 0; sleep 0.1; done; return 1; }

# Monday 08:00:30 in Chicago (both businesses' zone).
check "serve on Monday 08:00:30" serve_at 2026-11-30T14:00:30Z
check "two digests arrive" wait_mails 2
stop_serve
expect_eq "exactly two" "$(mails)" 2
expect_eq "bravo's to bravo's manager" "$(digest mara@bravo.example 'm["Subject"]')" \
	"Bravo Roofing: your week in leads, Mon Nov 23 to Mon Nov 30"
expect_eq "through bravo's own email provider" \
	"$(digest mara@bravo.example 'm["From"].addresses[0].addr_spec')" leads@bravo.example
expect_contains "on bravo's figures: its two leads" "$(digest mara@bravo.example body)" \
	"Leads that arrived: 2"
expect_eq "the install's own to its own manager" \
	"$(digest maria@northside.example 'm["Subject"]')" \
	"Northside Home Services: your week in leads, Mon Nov 23 to Mon Nov 30"
expect_contains "on its own figures: its one lead" "$(digest maria@northside.example body)" \
	"Leads that arrived: 1"
expect_eq "each recorded under its business" \
	"$(db "SELECT b.slug || ':' || d.recipient || ':' || d.state FROM digests d JOIN businesses b ON b.id = d.business_id ORDER BY b.slug" | paste -sd ' ' -)" \
	"bravo:mara@bravo.example:sent default:maria@northside.example:sent"

check "a restart the same Monday" serve_at 2026-11-30T15:00:00Z
stop_serve
expect_eq "sends nothing more" "$(mails)" 2
