# table.awk - the readable table of a benchmark run, from its JSON lines
# (one flat object per figure, as bench/lib.sh's fig() writes them).
#   awk -f bench/table.awk build/bench/results.jsonl

# Splits one flat JSON object into kv[key] = value (strings unquoted) and
# keys[1..n] in order. Commas inside strings do not split.
function parse(line,   i, c, instr, tok, n, k, v, p) {
	delete kv; nk = 0
	sub(/^[ \t]*\{/, "", line); sub(/\}[ \t]*$/, "", line)
	instr = 0; tok = ""
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (c == "\"" && substr(line, i - 1, 1) != "\\") instr = !instr
		if (c == "," && !instr) { field(tok); tok = ""; continue }
		tok = tok c
	}
	if (tok != "") field(tok)
}
function field(tok,   p, k, v) {
	p = index(tok, "\":")
	k = substr(tok, 2, p - 2); v = substr(tok, p + 2)
	gsub(/^"|"$/, "", v)
	kv[k] = v; keys[++nk] = k
}
function notes(   i, s, k) {
	s = ""
	for (i = 1; i <= nk; i++) {
		k = keys[i]
		if (k ~ /^(figure|value|unit|target|met)$/) continue
		s = s (s == "" ? "" : " ") k "=" kv[k]
	}
	return length(s) > 110 ? substr(s, 1, 107) "..." : s
}
{
	parse($0)
	if (kv["figure"] == "machine") {
		printf "machine: %s cores (%s), %s MiB, kernel %s, data on %s (%s, %s), load %s\n\n",
			kv["cores"], kv["cpu"], kv["mem_mib"], kv["kernel"], kv["data_dev"], kv["fs"],
			kv["disk"], kv["load1"]
		printf "%-22s %12s %-10s %-34s %-5s %s\n", "figure", "value", "unit", "target", "met", "notes"
		printf "%-22s %12s %-10s %-34s %-5s %s\n", "------", "-----", "----", "------", "---", "-----"
		next
	}
	met = kv["met"] == "true" ? "yes" : kv["met"] == "false" ? "NO" : "-"
	printf "%-22s %12s %-10s %-34s %-5s %s\n", kv["figure"], kv["value"] == "null" ? "n/a" : kv["value"],
		kv["unit"], kv["target"], met, notes()
}
