#!/usr/bin/env bash
# pg_claim.sh - outbox claim latency on PostgreSQL (several nodes, docs/
# scaling.md): p50/p99 of one claim - the dispatcher's own store calls, one
# short transaction each (bench/pg_claim.c) - on a quiet database, then while
# another session keeps a transaction open for OPEN seconds (5 minutes in the
# full run), on a throwaway cluster of its own (tests/pg_cluster.sh).
#
#   bench/pg_claim.sh           the full run: 60 s quiet, 300 s beside the open
#                               transaction (docs/benchmarks.md)
#   bench/pg_claim.sh --smoke   2 s and 3 s: proves it runs (bench/run.sh --smoke)
#
# Prints one JSON line per figure (as bench/lib.sh's fig) and nothing is
# asserted. LK_BENCH_DIR (default build/bench) holds the tool; the release
# objects are linked when there are (make build), else the sanitizer ones.
set -u
cd "$(dirname "$0")/.."
if [ "${1:-}" = --smoke ]; then
	ROWS=20000 QUIET=2 OPEN=3
else
	ROWS=${LK_CLAIM_ROWS:-1500000} QUIET=${LK_CLAIM_QUIET:-60} OPEN=${LK_CLAIM_OPEN:-300}
fi
BIN=${LK_BENCH_DIR:-$PWD/build/bench}/bin
mkdir -p "$BIN"
OBJ=build/rel SAN=
if [ ! -f build/rel/src/store/store_pg.o ] && [ -f build/asan/src/store/store_pg.o ]; then
	OBJ=build/asan SAN="-fsanitize=address,undefined"
fi
cc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra $SAN -Isrc $(pkg-config --cflags libpq sqlite3 jansson) \
	-o "$BIN/pg_claim" bench/pg_claim.c $OBJ/src/store/*.o $OBJ/src/read/*.o $OBJ/src/core/*.o \
	$OBJ/src/util/*.o $(pkg-config --libs libpq sqlite3 jansson libsodium) -lm || exit 1

out=$(tests/pg_cluster.sh sh -c "\"$BIN/pg_claim\" \"\$LK_PG_URL\" $ROWS $QUIET $OPEN") || {
	echo "pg_claim: the run failed" >&2
	exit 1
}
# "PHASE claims=N p50_ms=X p99_ms=Y max_ms=Z" -> one JSON line per figure
awk -v open="$OPEN" '{
	for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	name = $1 == "quiet" ? "pg_claim" : "pg_claim_open_tx"
	note = $1 == "quiet" ? "no other transaction" : "beside a transaction open for " open " s"
	printf "{\"figure\":\"%s\",\"value\":%s,\"unit\":\"ms p50\",\"target\":\"\",\"met\":null,\"p99\":%s,\"max\":%s,\"claims\":%s,\"note\":\"%s\"}\n",
		name, v["p50_ms"], v["p99_ms"], v["max_ms"], v["claims"], note
}' <<<"$out"
