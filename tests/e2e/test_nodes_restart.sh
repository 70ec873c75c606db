#!/usr/bin/env bash
# A node restarted under its own name (LEADKEEP_NODE) on PostgreSQL
# (docs/scaling.md, "Several nodes"): after a clean stop (SIGTERM) it is
# ready again at once; while its name is still held by a session that has
# not ended yet (a stop or crash the database has not seen, held here by
# psql), it waits up to a lease (LEADKEEP_LEASE) for the name and then
# joins; a name held for longer than a lease is another living process's:
# serve refuses to start, naming it.
# tests/run.sh: on a throwaway PostgreSQL cluster
. "$(dirname "$0")/lib.sh"
if [ -z "${LK_PG_URL:-}" ]; then
	exec "$LK_ROOT/tests/pg_cluster.sh" bash "$0" "$@"
fi

PSQL=${LK_PG_BIN:-/usr/lib/postgresql/15/bin}/psql
export LEADKEEP_DATA="$LK_PG_URL" LEADKEEP_LEASE=3 LEADKEEP_LINK_SECRET=nodes-restart-secret
export LEADKEEP_FILES="$T/files"
mkdir -p "$LEADKEEP_FILES"
RULES=$T/rules.yaml
lk rules show-default >"$RULES"
PORT=$(free_port)
PID=

start() {	# starts serve as node "same"
	env LEADKEEP_NODE=same "$LK_BIN" serve --rules "$RULES" --listen "127.0.0.1:$PORT" \
		2>>"$T/serve.log" &
	PID=$!
	_pids+=("$PID")
}
# ready_within SECONDS: /readyz answers 200 before SECONDS have passed.
ready_within() {
	local i
	for i in $(seq 1 $(($1 * 10))); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")" = 200 ] &&
			return 0
		kill -0 "$PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
stop() { kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }
# hold SECONDS: another session holds node "same"'s name for SECONDS (the
# lock serve's dispatcher takes: class 2, the name's hash).
hold() {
	"$PSQL" "$LK_PG_URL" -Atq -c "SELECT pg_advisory_lock(2, hashtext('same'))" \
		-c "SELECT pg_sleep($1)" >/dev/null 2>&1 &
	HOLDER=$!
	_pids+=("$HOLDER")
	for _ in $(seq 1 50); do
		[ "$("$PSQL" "$LK_PG_URL" -Atq -c "SELECT count(*) FROM pg_locks WHERE
			locktype = 'advisory' AND classid = 2 AND granted")" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}

start
ready_within 60
expect_eq "the first start is ready" $? 0
stop
start
ready_within 10
expect_eq "stopped and started again under the same name: ready within 10 s" $? 0
stop

hold 1.5
expect_eq "another session holds the name" $? 0
start
ready_within 10
expect_eq "the name held for less than a lease: serve waits for it and is ready" $? 0
expect_contains "it said it waited for its name" "$(cat "$T/serve.log")" "msg=node_waiting"
wait "$HOLDER" 2>/dev/null
stop

hold 30
expect_eq "another session holds the name again" $? 0
start
wait "$PID"
rc=$?
[ "$rc" -ne 0 ]
expect_eq "held for longer than a lease (3 s): serve refuses to start (exit $rc)" $? 0
expect_contains "the refusal names the node" "$(tail -n 5 "$T/serve.log")" \
	'already delivering as node "same"'
kill "$HOLDER" 2>/dev/null
