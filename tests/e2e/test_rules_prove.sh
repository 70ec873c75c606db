#!/usr/bin/env bash
# `rules check` proves the rules (issue 13, "the rules prover"): beyond the
# file's syntax, a synthetic lead of every source, kind, contact channels and
# arrival time runs through the real engine in a throwaway database to the end
# of its plan, and each gap is printed with its smallest example. The demo
# rules are clean; four planted gaps are found - (a) weekend phone leads with
# no owner, (b) an email-only lead nothing reaches, (c) a task due in a closed
# minute, (d) a text in quiet hours. The clock is injected (LEADKEEP_NOW).
. "$(dirname "$0")/lib.sh"

export LEADKEEP_NOW=2026-11-30T18:00:00Z	# Mon 12:00 in Chicago
mkdir -p "$LEADKEEP_DATA"
lk rules show-default > "$T/demo.yaml"

# The demo rules: no gap, exit 0, in a second or two even under ASan.
start=$(date +%s%N)
out=$(lk rules check 2>&1); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "the default rules prove clean: exit 0" "$rc" 0
expect_contains "it says what it proved" "$out" "<default rules>: proved 180 lead classes to the end of their plans in"
expect_contains "and found nothing" "$out" ": no gaps"
echo "# the default rules proved in ${ms} ms (ASan build)"
if [ "$ms" -lt 10000 ]; then ok "proving the default rules takes seconds ($ms ms)"; else
	not_ok "proving the default rules takes seconds ($ms ms)"; fi
out=$(lk rules check "$T/demo.yaml" 2>&1); rc=$?
expect_eq "the demo rules file (show-default) proves clean" "$rc" 0

# (a) Weekdays around the clock, and phone calls routed in business hours
# only: a weekend phone lead has no owner. The loader already refuses such
# routing (exit 3); the prover shows the leads it leaves without an owner.
cat > "$T/a.yaml" <<'YAML'
business:
  name: Round The Clock Repairs
  timezone: America/Chicago
  hours: { mon-fri: "00:00-24:00" }     # an answering service, weekdays around the clock
  quiet_hours: "21:00-08:00"
people:
  - { id: alice, name: Alice Moreno, role: office, email: alice@acme.example }
  - { id: bob,   name: Bob Tran,     role: manager, email: bob@acme.example }
routing:
  - { when: { after_hours: false }, owner: { round_robin: [alice, bob] } }
  - { when: { source: web_form },   owner: bob }
  - { when: { source: email },      owner: bob }
  - { when: { source: sms },        owner: bob }
  - { when: { source: api },        owner: bob }
sequences:
  new_inquiry:
    - { at: 0m, task: call, within: 30m }
    - { at: 3d, send: [sms, email], template: checkin, unless: [replied, touched], then: cold }
escalation:
  - { task_overdue: 1h, notify: manager }
cold: { status: lost, reason: no_response }
templates:
  checkin: "Hi {{first_name|there}}, do you still need help? Reply here."
YAML
out=$(lk rules check "$T/a.yaml" 2>&1); rc=$?
expect_eq "(a) routing with a gap still exits 3" "$rc" 3
expect_contains "(a) weekend phone leads have no owner, with the example" "$out" \
	"$T/a.yaml: gap: no_owner: a phone_call lead of kind new_inquiry (phone only) arriving Sat 2026-12-05 10:30 (weekend): no routing rule takes it"
j=$(lk rules check --json "$T/a.yaml" 2>/dev/null)
expect_eq "(a) --json names the finding" "$(json_get "$j" '[g["finding"] for g in d["gaps"]]')" "['no_owner']"
expect_eq "(a) --json gives the example's class" "$(json_get "$j" 'd["gaps"][0]["arrival_class"]')" weekend
expect_eq "(a) ... and every class it was found in: never a weekday" \
	"$(json_get "$j" 'd["gaps"][0]["arrival_classes"]')" \
	"['weekend', 'before a daylight-saving change', 'after a daylight-saving change']"

# (b) A kind whose sequence only texts: an email-only estimate lead gets
# nothing on arrival (a person is handed it two days later).
sed '/^  quote_sent:$/i\  estimate:\n    - { at: 0m,  send: sms, template: checkin }\n    - { at: 2d,  send: sms, template: second }' \
	"$T/demo.yaml" > "$T/b.yaml"
out=$(lk rules check "$T/b.yaml" 2>&1); rc=$?
expect_eq "(b) a gap exits 4" "$rc" 4
expect_contains "(b) the email-only estimate lead, with the example" "$out" \
	"$T/b.yaml: gap: no_next_action: a web_form lead of kind estimate (email only) arriving Tue 2026-12-01 09:00 (business hours): nothing reached it on arrival: no message could go to a lead with email only and no person got a task until Thu 2026-12-03 09:00"
if [[ "$out" == *"estimate (phone only)"* ]]; then not_ok "(b) leads with a phone are reached"; else ok "(b) leads with a phone are reached"; fi

# (c) A call within 5 minutes of the clock, not of business hours: a lead
# that comes just before closing gets a task due after it.
sed 's/    - { at: 0m,  task: call, within: 5m, business_hours: true }/    - { at: 0m,  task: call, within: 10m, business_hours: false }/' \
	"$T/demo.yaml" > "$T/c.yaml"
out=$(lk rules check "$T/c.yaml" 2>&1); rc=$?
expect_eq "(c) a gap exits 4" "$rc" 4
expect_contains "(c) the task due in a closed minute, with the example" "$out" \
	"$T/c.yaml: gap: closed_minute: a web_form lead of kind new_inquiry (phone only) arriving Tue 2026-12-01 16:55 (just before closing): a call task for "
expect_contains "(c) ... due after closing" "$out" "is due Tue 2026-12-01 17:05, outside business hours"
out=$(lk rules check --syntax "$T/c.yaml" 2>&1); rc=$?
expect_eq "(c) --syntax checks the file only: exit 0" "$rc" 0
if [[ "$out" == *"proved"* ]]; then not_ok "(c) --syntax runs no prover"; else ok "(c) --syntax runs no prover"; fi

# (d) A second text at 0m is taken for an acknowledgment, which ack_any_hour
# lets go at night: a lead that comes after hours gets a text in quiet hours.
sed 's/^    - { at: 0m,  send: email, template: ack_email }$/&\n    - { at: 0m,  send: sms, template: checkin, id: promo }/' \
	"$T/demo.yaml" > "$T/d.yaml"
out=$(lk rules check "$T/d.yaml" 2>&1); rc=$?
expect_eq "(d) a gap exits 4" "$rc" 4
expect_contains "(d) the text in quiet hours, with the example" "$out" \
	"$T/d.yaml: gap: quiet_text: a web_form lead of kind new_inquiry (phone only) arriving Tue 2026-12-01 21:30 (after hours): a second immediate text goes Tue 2026-12-01 21:30 (America/Chicago), in its quiet hours"
j=$(lk rules check --json "$T/d.yaml" 2>/dev/null)
expect_eq "(d) --json: only quiet_text gaps" "$(json_get "$j" 'sorted(set(g["finding"] for g in d["gaps"]))')" "['quiet_text']"
expect_eq "(d) --json: ok is false" "$(json_get "$j" 'd["ok"]')" False

# A broken file is still exit 3 and proves nothing.
printf 'business: { name: X, timezone: Mars/Base }\n' > "$T/bad.yaml"
out=$(lk rules check "$T/bad.yaml" 2>&1); rc=$?
expect_eq "a broken file exits 3" "$rc" 3
if [[ "$out" == *"proved"* ]]; then not_ok "and is not proved"; else ok "and is not proved"; fi
expect_eq "the sandbox leaves nothing behind" "$(ls -d /tmp/leadkeep-prove.* 2>/dev/null | wc -l)" 0

