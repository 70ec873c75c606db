#!/usr/bin/env bash
# `leadkeep verify` through the real binary: the default rules pass every test
# for every source and kind; rules broken on purpose fail the right test with
# the right reason; a form of the business file's sources is checked as its
# own source; bad rules exit 3 and bad usage 2.
. "$(dirname "$0")/lib.sh"

# Tuesday 2026-11-24, 9:00 AM in Chicago: the leads arrive an hour after it opens.
export LEADKEEP_NOW=2026-11-24T15:00:00Z
lk rules show-default >"$T/default.yaml"

# row TABLE SOURCE KIND TEST: "RESULT: REASON" of that row of the table.
row() {
	awk -v s="$2" -v k="$3" -v t="$4" '$1 == s && $2 == k && $3 == t {
		r = $4; for (i = 0; i < 4; i++) sub(/^[^ ]+ +/, ""); print r ": " $0 }' <<<"$1"
}

out=$(lk verify 2>&1); rc=$?
expect_eq "default rules: exit 0" "$rc" 0
expect_contains "default rules: every test passed" "$out" "50 passed, 0 failed"
for s in web_form phone_call sms email api; do
	expect_eq "default rules: $s checked for both kinds, five tests each" \
		"$(grep -c "^$s " <<<"$out")" 10
done
expect_eq "ownership: a phone lead goes to alice" "$(row "$out" phone_call new_inquiry ownership)" \
	"pass: owner alice"
expect_eq "ownership: an estimate goes to bob" "$(row "$out" web_form estimate ownership)" \
	"pass: owner bob"
expect_eq "next step: a call five minutes after arrival" \
	"$(row "$out" web_form new_inquiry next_step)" "pass: call task for alice, due 2026-11-24 10:05"
expect_eq "next step: an email-only lead gets an email task" "$(row "$out" email new_inquiry next_step)" \
	"pass: email task for alice, due 2026-11-24 10:05"
expect_eq "stale: cold after the 7-day step, back 90 days on" "$(row "$out" sms estimate stale)" \
	"pass: went cold 2026-12-01 10:00 (lost), came back 2027-03-01 10:00"

j=$(lk verify --json)
expect_eq "json: all pass" "$(json_get "$j" '[d["pass"], d["passed"], d["failed"]]')" \
	"[True, 50, 0]"
expect_eq "json: one row per source, kind and test" \
	"$(json_get "$j" 'sorted({r["test"] for r in d["results"]})')" \
	"['next_step', 'ownership', 'pipeline', 'reminder', 'stale']"

# A sequence with no follow-up step and no escalation: nothing fires after the
# first task, and nothing leads to the cold path.
python3 - "$T/default.yaml" "$T/nofollow.yaml" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
seq = s.index("  new_inquiry:\n")
end = s.index("  quote_sent:\n")
block = "".join(l + "\n" for l in s[seq:end].splitlines() if "at: 0m" in l or "new_inquiry:" in l)
s = s[:seq] + block + s[end:]
s = re.sub(r"\nescalation:\n(  - .*\n)+", "\n", s)
open(sys.argv[2], "w").write(s)
PY
out=$(lk verify --rules "$T/nofollow.yaml" 2>&1); rc=$?
expect_eq "no follow-up: exit 1" "$rc" 1
expect_eq "no follow-up: the reminder test fails naming the source" "$(row "$out" web_form new_inquiry reminder)" \
	"FAIL: nothing fired after the first action: sequence new_inquiry has no follow-up step and no escalation reached the lead"
expect_contains "no follow-up: for the texts too" "$(row "$out" sms estimate reminder)" "FAIL: "
expect_eq "no follow-up: ownership still passes" "$(row "$out" web_form new_inquiry ownership)" \
	"pass: owner alice"

# The cold path removed: the last step no longer says then: cold.
sed 's/template: final,   unless: \[replied, touched\], then: cold }/template: final,   unless: [replied, touched] }/' \
	"$T/default.yaml" >"$T/nocold.yaml"
out=$(lk verify --rules "$T/nocold.yaml" 2>&1); rc=$?
expect_eq "no cold path: exit 1" "$rc" 1
expect_eq "no cold path: the stale test fails with why" "$(row "$out" api new_inquiry stale)" \
	"FAIL: never went cold: sequence new_inquiry has no step with \`then: cold\`"
expect_eq "no cold path: follow-ups still fire" "$(row "$out" api new_inquiry reminder)" \
	"pass: 8 follow-ups fired with nobody acting"
expect_eq "no cold path: only the stale tests fail" "$(grep -c FAIL <<<"$out")" 10

# A first stage that asks for a quote amount: every new lead contradicts it.
sed 's/- { name: new,       sequence: new_inquiry/- { name: new,       requires: [amount], sequence: new_inquiry/' \
	"$T/default.yaml" >"$T/amount.yaml"
out=$(lk verify --rules "$T/amount.yaml" 2>&1)
expect_eq "stage contradiction: the pipeline test fails with the report's reason" "$(row "$out" email estimate pipeline)" \
	"FAIL: stage new, but no quote amount on the timeline"

# A form of the business file's sources, with its own source name and kind.
business_config "$T/sources.yaml" <<'YAML'
sources:
  forms:
    quote:
      kind: estimate
      source: website_quote
YAML
out=$(lk verify --rules "$T/sources.yaml" 2>&1); rc=$?
expect_eq "sources: exit 0" "$rc" 0
expect_eq "sources: the form is checked as its own source and kind" "$(row "$out" website_quote estimate ownership)" \
	"pass: owner bob"

# Bad rules and bad usage.
printf 'business:\n  name: x\n  bogus: 1\n' >"$T/bad.yaml"
out=$(lk verify --rules "$T/bad.yaml" 2>&1); rc=$?
expect_eq "bad rules: exit 3, as every command" "$rc" 3
expect_contains "bad rules: FILE:LINE:COL" "$out" "$T/bad.yaml:3:3: error: unknown key \"bogus\""
out=$(lk verify --bogus 2>&1); rc=$?
expect_eq "bad option: exit 2" "$rc" 2
out=$(lk verify extra 2>&1); rc=$?
expect_eq "stray argument: exit 2" "$rc" 2
expect_contains "stray argument: named" "$out" "unexpected argument \"extra\""
