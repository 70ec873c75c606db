#!/usr/bin/env bash
# The engine's acceptance scenarios, each a declarative pair under
# tests/scenarios/: NAME.jsonl (outside events for `leadkeep simulate`) and
# NAME.expect (assertions on what the system did). A scenario may name its own
# rules file on its first line: "# rules: FILE.yaml" (relative to the folder),
# and its end time: "# until: TIME".
. "$(dirname "$0")/lib.sh"
S="$LK_ROOT/tests/scenarios"
export SCENARIO_N=0

for ev in "$S"/*.jsonl; do
	name=$(basename "$ev" .jsonl)
	args=(--events "$ev")
	r=$(sed -n 's/^# rules: *//p' "$S/$name.expect")
	u=$(sed -n 's/^# until: *//p' "$S/$name.expect")
	[ -n "$r" ] && args+=(--rules "$S/$r")
	[ -n "$u" ] && args+=(--until "$u")
	if ! lk simulate "${args[@]}" > "$T/$name.out" 2> "$T/$name.err"; then
		not_ok "$name: simulate failed"; sed 's/^/#   /' "$T/$name.err"; continue
	fi
	python3 "$S/check.py" "$S/$name.expect" "$T/$name.out" "$name"
done

# Scenario 9's rules: `rules check` warns that the cap will cut the sequence.
out=$(lk rules check --syntax "$S/too-many-touches.yaml")
expect_contains "rules check warns about the touch limit" "$out" "warning: sequence \"new_inquiry\" would send 6 automated messages within 10d"

# Scenario 25's companion: `rules check` warns on an optional field printed bare, at the field,
# and says nothing of fields with a fallback, inside their own section, or always set.
out=$(lk rules check --syntax "$S/optional-fields.yaml")
expect_contains "rules check warns on {{first_name}} without a fallback" "$out" \
	"optional-fields.yaml:15:16: warning: template \"hello\" uses {{first_name}} without a fallback"
expect_contains "... and on {{business_phone}} when the rules give no business phone" "$out" \
	"optional-fields.yaml:15:78: warning: template \"hello\" uses {{business_phone}} without a fallback"
expect_eq "... and on nothing else" "$(grep -c warning: <<<"$out")" 2
