# import.sh - `leadkeep import` of a spreadsheet of ROWS leads (a CRM's
# export: names, phones, emails, a stage, an owner, two custom columns; one
# row in 50 repeats an earlier phone and is merged) into a fresh data
# directory with the default: nothing sent (sourced by run.sh).

bench_import() {
	local rows=$1 csv=$WORK/import.csv data=$WORK/import-data t0 secs out
	awk -v ROWS="$rows" 'BEGIN {
		print "Full Name,Mobile,Email,Status,Assigned To,Zip,Notes"
		split("New,Contacted,Quoted,Won,Lost,new", st, ",")
		for (i = 1; i <= ROWS; i++) {
			p = (i % 50 == 0) ? i - 5 : i	# one in 50: an earlier (open) lead again
			printf "Lead %d,(312) 5%02d-%04d,lead%d@example.com,%s,%s,606%02d,\"imported, row %d\"\n",
				i, int(p / 10000) % 100, p % 10000, p, st[i % 5 + 1],
				(i % 3 ? "alice" : "Bob Tran"), i % 100, i
		}
	}' >"$csv"
	rm -rf "$data"
	t0=$(now_ns)
	out=$(LEADKEEP_NOW=2026-11-24T20:02:00Z "$LK" import "$csv" --data "$data" \
		--json 2>"$WORK/import.err")
	if [ $? -ne 0 ]; then
		echo "bench: import failed: $(tail -n 3 "$WORK/import.err")" >&2
		return 1
	fi
	secs=$(calc "($(now_ns) - $t0) / 1e9" 2)
	fig import_100k "$secs" s "< 30 (100,000 rows)" \
		"$( [ "$rows" -ge 100000 ] && { le "$secs" 30 && echo true || echo false; } || echo null)" \
		"\"rows\":$rows,\"imported\":$(jget imported "$out" | tr -d " "),\"merged\":$(jget merged "$out" | tr -d " "),\"rows_per_s\":$(calc "$rows / $secs" 0),\"db_mb\":$(calc "$(stat -c %s "$data/leadkeep.db") / 1048576" 1)"
}
