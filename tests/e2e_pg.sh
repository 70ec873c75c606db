#!/usr/bin/env bash
# tests/e2e_pg.sh OUTDIR TEST... - runs each end-to-end TEST on the
# PostgreSQL engine (lib.sh's LK_STORE=pg; each test empties the database
# first), for tests/run.sh, which starts this under tests/pg_cluster.sh so
# the whole pass shares one throwaway cluster. Each test's output goes to
# OUTDIR/NAME.out and its exit status to OUTDIR/NAME.rc, for tests/run.sh to
# count as it counts every test.
set -u
out=$1; shift
for t in "$@"; do
	n=$(basename "$t" .sh)
	LK_STORE=pg bash "$t" >"$out/$n.out" 2>&1
	echo $? >"$out/$n.rc"
done
