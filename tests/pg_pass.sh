#!/usr/bin/env bash
# tests/pg_pass.sh OUTDIR TEST... - runs each TEST on the PostgreSQL engine
# (LK_STORE=pg; every test empties the database it is given first: unit
# tests through tests/unit/demo_store.h, end-to-end scripts through
# tests/e2e/lib.sh): a unit test binary as it is, an end-to-end script
# (*.sh) with bash. tests/run.sh starts this under tests/pg_cluster.sh, so
# one pass shares one throwaway cluster. Each test's output goes to
# OUTDIR/NAME.out and its exit status to OUTDIR/NAME.rc, for tests/run.sh to
# count as it counts every test.
set -u
out=$1; shift
for t in "$@"; do
	n=$(basename "$t" .sh)
	if [[ "$t" == *.sh ]]; then
		LK_STORE=pg bash "$t" >"$out/$n.out" 2>&1
	else
		LK_STORE=pg "$t" >"$out/$n.out" 2>&1
	fi
	echo $? >"$out/$n.rc"
done
