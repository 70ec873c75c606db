#!/usr/bin/env bash
# docs/openapi.yaml linted by an independent tool, @redocly/cli, with its
# recommended rules (redocly.yaml says what is configured, and
# .redocly.lint-ignore.yaml what is ignored and why).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/node_lib.sh"
need_node_tools
cd "$LK_ROOT" || exit 1

# lint FILE: prints "ERRORS WARNINGS", the problems on stderr.
lint() {
	"$NODE_BIN/redocly" lint "$1" --format=json 2>/dev/null >"$T/lint.json"
	python3 - "$T/lint.json" <<'PY'
import json, sys
s = open(sys.argv[1]).read()
d = json.loads(s[s.index('{'):s.rindex('}') + 1])
for p in d["problems"]:
    loc = p["location"][0]["pointer"] if p.get("location") else ""
    print("#   %s %s: %s %s" % (p["severity"], p["ruleId"], p["message"], loc), file=sys.stderr)
print(d["totals"]["errors"], d["totals"]["warnings"])
PY
}

read -r errors warnings < <(lint docs/openapi.yaml)
expect_eq "redocly lint docs/openapi.yaml: no errors" "$errors" 0
expect_eq "redocly lint docs/openapi.yaml: no warnings" "$warnings" 0

# The linter sees what a line-based reading does not: a flow mapping whose
# unquoted description has commas in it becomes extra keys.
sed 's/description: "text in name, phone, email or service"/description: text in name, phone, email or service/' \
	docs/openapi.yaml >"$T/openapi.yaml"
check "the test changed the document" bash -c "! cmp -s docs/openapi.yaml '$T/openapi.yaml'"
read -r errors warnings < <(lint "$T/openapi.yaml" 2>/dev/null)
expect_eq "redocly lint: a description split by commas is two errors" "$errors" 2
