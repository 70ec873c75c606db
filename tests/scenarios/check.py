#!/usr/bin/env python3
"""Checks `leadkeep simulate` output against a scenario's .expect file.

Each non-comment line of the .expect file is one assertion, printed as a TAP line:
  has   COND...        some output line matches every COND
  none  COND...        no output line matches all CONDs
  count N COND...      exactly N output lines match
COND is key=value (equal), key^=prefix, key~=substring, key!=value. Values may be
quoted with double quotes when they contain spaces. Numbers and booleans
compare as their JSON text (true/false/null).
"""
import json, shlex, sys

def text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    return str(v)

def cond(c):
    for op in ("^=", "~=", "!=", "="):
        if op in c:
            k, v = c.split(op, 1)
            return k, op, v
    raise SystemExit(f"bad condition {c!r}")

def matches(line, conds):
    for k, op, v in conds:
        if k not in line:
            return False
        t = text(line[k])
        if op == "=" and t != v: return False
        if op == "!=" and t == v: return False
        if op == "^=" and not t.startswith(v): return False
        if op == "~=" and v not in t: return False
    return True

def main(expect_path, output_path, name):
    out = [json.loads(l) for l in open(output_path) if l.strip()]
    n = fails = 0
    for raw in open(expect_path):
        raw = raw.strip()
        if not raw or raw.startswith("#"):
            continue
        words = shlex.split(raw)
        verb, rest = words[0], words[1:]
        want = None
        if verb == "count":
            want, rest = int(rest[0]), rest[1:]
        conds = [cond(c) for c in rest]
        got = sum(1 for l in out if matches(l, conds))
        ok = {"has": got > 0, "none": got == 0, "count": got == want}[verb]
        n += 1
        print(f"{'ok' if ok else 'not ok'} {n} - {name}: {raw}")
        if not ok:
            fails += 1
            print(f"#   matched {got} lines")
    return fails

if __name__ == "__main__":
    sys.exit(1 if main(*sys.argv[1:4]) else 0)
