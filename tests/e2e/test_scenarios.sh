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
out=$(lk rules check "$S/too-many-touches.yaml")
expect_contains "rules check warns about the touch limit" "$out" "warning: sequence \"new_inquiry\" would send 6 automated messages within 10d"
