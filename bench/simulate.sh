# simulate.sh - `leadkeep simulate` on a month of LEADS leads with replies,
# calls, visits and won jobs (gen_month.awk): wall time to replay it on the
# virtual clock, every timer fired on the way (sourced by run.sh).

bench_simulate() {
	local leads=$1 in=$WORK/month.jsonl t0 secs lines errs
	awk -v LEADS="$leads" -f bench/gen_month.awk >"$in"
	t0=$(now_ns)
	if ! "$LK" simulate --events "$in" --until "2027-04-01 00:00" >"$WORK/month.out" 2>"$WORK/month.err"; then
		echo "bench: simulate failed: $(tail -n 3 "$WORK/month.err")" >&2
		return 1
	fi
	secs=$(calc "($(now_ns) - $t0) / 1e9" 2)
	lines=$(wc -l <"$WORK/month.out")
	errs=$(grep -c '"do":"error"' "$WORK/month.out")
	fig simulate_month "$secs" s "<= 5 (10,000 leads)" \
		"$( [ "$leads" -ge 10000 ] && { le "$secs" 5 && echo true || echo false; } || echo null)" \
		"\"leads\":$leads,\"input_events\":$(wc -l <"$in"),\"actions_out\":$lines,\"input_errors\":$errs"
}
