# Helpers for the delivery tests (source after tests/e2e/lib.sh): start the
# stand-in providers and serve, read the database, wait for the outbox.

# start_twilio_stub [ARGS...]: the stand-in Twilio API; sets TW_PORT, TW_REC,
# TW_BEH (behaviour file, JSON) and exports TW_AUTH_TOKEN (the providers
# section reads it as env:TW_AUTH_TOKEN).
start_twilio_stub() {
	TW_REC="$T/twilio.jsonl"
	TW_BEH="$T/twilio.json"
	[ -f "$TW_BEH" ] || echo '{}' >"$TW_BEH"
	rm -f "$T/twilio.port"
	python3 "$LK_ROOT/tests/stubs/twilio_stub.py" --port-file "$T/twilio.port" \
		--record "$TW_REC" --behaviour "$TW_BEH" "$@" 2>>"$T/twilio.err" &
	TW_PID=$!
	_pids+=("$TW_PID")
	for _i in $(seq 1 200); do [ -s "$T/twilio.port" ] && break; sleep 0.05; done
	TW_PORT=$(cat "$T/twilio.port")
	export TW_AUTH_TOKEN=test_auth_token
}

# start_smtp_sink [ARGS...]: a real SMTP server (aiosmtpd) on loopback that
# stores each message in $SMTP_DIR; sets SMTP_PORT.
start_smtp_sink() {
	SMTP_DIR="$T/mail"
	mkdir -p "$SMTP_DIR"
	rm -f "$T/smtp.port"
	"${LK_PY_AIOSMTPD:-/usr/bin/python3}" "$LK_ROOT/tests/stubs/smtp_sink.py" \
		--port-file "$T/smtp.port" --dir "$SMTP_DIR" "$@" 2>>"$T/smtp.err" &
	SMTP_PID=$!
	_pids+=("$SMTP_PID")
	for _i in $(seq 1 200); do [ -s "$T/smtp.port" ] && break; sleep 0.05; done
	SMTP_PORT=$(cat "$T/smtp.port")
}

# providers_config: the business file's providers section for the stand-ins
# started, with the keys of $TWILIO_MORE (twilio), $SMTP_MORE (smtp), $WEBHOOKS
# (webhooks) and $DELIVERY (delivery: the dispatcher's pace), each "key: value, ...".
providers_config() {
	{
		echo "providers:"
		[ -z "${TW_PORT:-}" ] || printf '  twilio: { account_sid: AC00000000000000000000000000000000, auth_token: env:TW_AUTH_TOKEN, from: "+13125550100", base_url: "http://127.0.0.1:%s"%s }\n' "$TW_PORT" "${TWILIO_MORE:+, $TWILIO_MORE}"
		[ -z "${SMTP_PORT:-}" ] || printf '  smtp: { url: "smtp://127.0.0.1:%s/leadkeep.test", from: "Northside Home Services <leads@northside.example>"%s }\n' "$SMTP_PORT" "${SMTP_MORE:+, $SMTP_MORE}"
		[ -z "${WEBHOOKS:-}" ] || printf '  webhooks: { %s }\n' "$WEBHOOKS"
		[ -z "${DELIVERY:-}" ] || printf '  delivery: { %s }\n' "$DELIVERY"
	} | business_config
}

# start_serve: the providers section as set now, then serve on $PORT; sets
# SERVE_PID.
start_serve() {
	providers_config
	"$LK_BIN" serve --listen "127.0.0.1:$PORT" 2>>"$T/serve.log" &
	SERVE_PID=$!
	_pids+=("$SERVE_PID")
	for _i in $(seq 1 100); do	# until it is ready (the dispatcher has settled what a
				# crash left), or died (an injected fault)
		curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0
		kill -0 "$SERVE_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

stop_serve() {
	kill -TERM "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID" 2>/dev/null
}

db() { db_sql "$1"; }	# lib.sh: either engine

# wait_sql SQL EXPECTED [SECONDS]: polls until the query prints EXPECTED.
wait_sql() {
	local i
	for i in $(seq 1 $((${3:-20} * 10))); do
		[ "$(db "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# wait_settled [SECONDS]: until no message is queued or being sent.
wait_settled() {
	wait_sql "SELECT count(*) FROM outbox WHERE state IN ('queued','sending')" 0 "${1:-20}"
}
