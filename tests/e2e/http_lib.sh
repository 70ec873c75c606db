# Helpers for the HTTP end-to-end tests (sourced after lib.sh): start and
# stop the real server on a free port, and small curl wrappers that print
# "STATUS BODY".

# start_server [serve args...]: sets PORT, BASE, SRV_PID; logs to $T/serve.log.
start_server() {
	PORT=$(free_port)
	BASE="http://127.0.0.1:$PORT"
	"$LK_BIN" serve --listen "127.0.0.1:$PORT" "$@" >>"$T/serve.log" 2>&1 &
	SRV_PID=$!
	_pids+=("$SRV_PID")
	wait_http "$BASE/readyz" 100	# ready: the dispatcher has settled what a crash left
}

# stop_server: SIGTERM and wait; returns the server's exit status.
stop_server() {
	kill -TERM "$SRV_PID" 2>/dev/null
	wait "$SRV_PID"
}

# req METHOD PATH [curl args...]: prints "STATUS<newline>BODY".
req() {
	local m=$1 p=$2; shift 2
	curl -s -o "$T/body" -w '%{http_code}\n' -X "$m" "$BASE$p" "$@"
	cat "$T/body"
}

# api METHOD PATH [JSON] [extra curl args...]: with the bearer token $TOKEN.
api() {
	local m=$1 p=$2 d=${3:-}; shift 3 2>/dev/null || shift $#
	if [ -n "$d" ]; then
		req "$m" "$p" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
			--data-binary "$d" "$@"
	else
		req "$m" "$p" -H "Authorization: Bearer $TOKEN" "$@"
	fi
}

# status_of OUTPUT: the first line; body_of OUTPUT: the rest.
status_of() { head -n 1 <<<"$1"; }
body_of() { tail -n +2 <<<"$1"; }

# sql QUERY: runs against the test's database.
sql() { db_sql "$1"; }
