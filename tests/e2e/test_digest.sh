#!/usr/bin/env bash
# The weekly digest end to end: rules with `reports: digest: {to: [manager],
# day: monday, at: "08:00"}`, a week of leads on a fixed timeline, serve on an
# injected clock (LEADKEEP_NOW, fixed for each start: nothing sleeps for the
# digest) and a real SMTP server (aiosmtpd on loopback). Monday 08:00 in
# Chicago passes -> exactly one mail to the manager with the week's figures
# computed by hand and links into the web app; a restart the same week sends
# nothing more; the next Monday sends again.
. "$(dirname "$0")/lib.sh"
. "$LK_ROOT/tests/stubs/stubs.sh"

PORT=$(free_port)
mkdir -p "$LK_FILES"
lk rules show-default | sed 's/^reports: .*/reports: { average_job_value: 850, close_rate_percent: 30, digest: { to: [manager], day: monday, at: "08:00" } }/' \
	>"$LK_FILES/rules.yaml"
check "the rules with a digest are valid" lk rules check
server_config <<'YAML'
public_url: https://crm.northside.example
YAML
start_smtp_sink
providers_config

# The week of Monday 2026-11-23 08:00 to Monday 2026-11-30 08:00 (Chicago):
# Marcus arrives Tue 14:02 and is reached by a call 3 min later; Xena at
# 14:03, nobody acts; Wendy Wed 10:00, reached at 10:10, won at 10:20; Larry
# Wed 11:00, reached at 11:30, lost (price) at 11:31.
at() { LEADKEEP_NOW=$1 lk "${@:2}" >/dev/null; }
at 2026-11-24T20:02:00Z lead add --name "Marcus Johnson" --phone 3125550199 --source web_form --owner alice
at 2026-11-24T20:03:00Z lead add --name "Xena Warrior" --phone 3125550198 --source phone_call --owner bob
at 2026-11-24T20:05:00Z lead log 1 call --outcome reached --by alice
at 2026-11-25T16:00:00Z lead add --name "Wendy Winner" --phone 3125550197 --source web_form --owner alice
at 2026-11-25T16:10:00Z lead log 3 call --outcome reached --by alice
at 2026-11-25T16:20:00Z lead stage 3 won --amount 1200
at 2026-11-25T17:00:00Z lead add --name "Larry Loser" --phone 3125550196 --source web_form --owner bob
at 2026-11-25T17:30:00Z lead log 4 call --outcome reached --by bob
at 2026-11-25T17:31:00Z lead stage 4 lost --reason price

serve_at() {	# ISO time: serve on that fixed clock, until its digest thread has checked
	local n
	n=$(grep -c digest_schedule "$T/serve.log" 2>/dev/null)
	LEADKEEP_NOW=$1 "$LK_BIN" serve --listen "127.0.0.1:$PORT" --config "$T/server.yaml" \
		2>>"$T/serve.log" &
	SERVE_PID=$!
	_pids+=("$SERVE_PID")
	for _i in $(seq 1 200); do
		[ "$(grep -c digest_schedule "$T/serve.log" 2>/dev/null)" -gt "${n:-0}" ] && return 0
		kill -0 "$SERVE_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
# The digests among the mails (staff notifications go to the sink too).
mails() { grep -l '^Subject: .*your week in leads' "$SMTP_DIR"/*.eml 2>/dev/null | wc -l; }
mail() {	# N EXPR: python expression over the Nth digest (m: parsed, env, body)
	python3 - "$SMTP_DIR" "$1" "$2" <<'PY'
import email, email.policy, glob, json, sys
js = [j for j in sorted(glob.glob(sys.argv[1] + "/*.json"))
      if b"your week in leads" in open(j[:-5] + ".eml", "rb").read()]
j = js[int(sys.argv[2]) - 1]
env = json.load(open(j))
m = email.message_from_bytes(open(j[:-5] + ".eml", "rb").read(), policy=email.policy.default)
body = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
print(eval(sys.argv[3]))
PY
}
wait_mails() { for _i in $(seq 1 100); do [ "$(mails)" -ge "$1" ] && return 0; sleep 0.1; done; return 1; }

# Sunday evening: last Monday's digest is days late (skipped), and every
# timer due by then fires, so nothing fires between this and Monday 08:00.
check "serve on Sunday 20:00" serve_at 2026-11-30T02:00:00Z
check "the timers due by Sunday fired" wait_sql \
	"SELECT count(*) FROM timers WHERE state = 'pending' AND due_at <= $(date -ud 2026-11-30T02:00:00Z +%s)" 0
stop_serve
expect_eq "no digest on Sunday" "$(mails)" 0
expect_eq "no timer comes due before the digest is read" \
	"$(db "SELECT count(*) FROM timers WHERE state = 'pending' AND due_at <= $(date -ud 2026-11-30T14:00:30Z +%s)")" 0

# Monday 08:00:30 in Chicago.
check "serve on Monday 08:00:30" serve_at 2026-11-30T14:00:30Z
check "a mail arrives" wait_mails 1
stop_serve
expect_eq "exactly one" "$(mails)" 1
expect_eq "to the manager" "$(mail 1 'env["rcpt_tos"]')" "['maria@northside.example']"
expect_eq "the subject names the week" "$(mail 1 'm["Subject"]')" \
	"Northside Home Services: your week in leads, Mon Nov 23 to Mon Nov 30"
B=$(mail 1 body)
expect_contains "4 leads arrived" "$B" "Leads that arrived: 4"
expect_contains "speed to lead: median of 3, 10 and 30 min" "$B" \
	"1. Speed to lead (median time to a person's first attempt): 10 min"
expect_contains "unworked: Xena" "$B" "2. Leads nobody has worked yet: 1"
expect_contains "won / lost" "$B" "4. Won / lost (of the week's leads): 1 / 1"
# Xena (unworked, and idle in stage new past its 2 days) and Marcus (a call
# is no stage change: idle in new too): 2 x $850 x 30%.
expect_contains "the missed-lead cost" "$B" "\$510.00 (2 leads)"
expect_contains "Xena listed first" "$B" "Nobody has worked these yet (1):
- Xena Warrior (#2, owner "
expect_contains "waiting since Tuesday 14:03" "$B" ", waiting 5 d 17 h)"
expect_contains "with a link to her page" "$B" "  https://crm.northside.example/app/leads/2"
expect_contains "Marcus gone stale" "$B" "- Marcus Johnson (#1, owner "
expect_contains "the full report's link" "$B" "https://crm.northside.example/app/reports"
expect_eq "the overdue tasks are the report's" \
	"$(grep -o '3. Overdue tasks now: [0-9]*' <<<"$B" | grep -o '[0-9]*$')" \
	"$(LEADKEEP_NOW=2026-11-30T14:00:30Z lk report --since 2026-11-23 --until '2026-11-30 08:00' --json | json_get "$(cat)" "d['response_windows']['overdue_now']")"
expect_eq "recorded as sent" "$(db "SELECT week, recipient, state, attempts FROM digests")" \
	"2026-11-30|maria@northside.example|sent|1"
expect_eq "no lead's timeline mentions it" "$(db "SELECT count(*) FROM events WHERE type LIKE '%digest%'")" 0
expect_eq "not in the outbox" "$(db "SELECT count(*) FROM outbox WHERE purpose = 'digest'")" 0

check "a restart the same Monday" serve_at 2026-11-30T15:00:00Z
stop_serve
expect_eq "sends nothing more" "$(mails)" 1

check "serve the next Monday 08:01" serve_at 2026-12-07T14:01:00Z
check "the next week's mail arrives" wait_mails 2
stop_serve
expect_eq "two in all" "$(mails)" 2
expect_eq "the next week's subject" "$(mail 2 'm["Subject"]')" \
	"Northside Home Services: your week in leads, Mon Nov 30 to Mon Dec 7"
expect_eq "both weeks recorded" "$(db "SELECT week || ':' || state FROM digests ORDER BY week" | paste -sd ' ' -)" \
	"2026-11-30:sent 2026-12-07:sent"
check "no sanitizer report in the server log" bash -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/serve.log'"
echo "1..$_n"
