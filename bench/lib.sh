# lib.sh - what the benchmark pieces share: starting and stopping the real
# `leadkeep serve`, reading its memory, judging a figure against its target
# and printing it as one JSON line, and the start and the end of a load
# bench script. Sourced by bench/run.sh, fairness.sh and scale_many.sh;
# needs $LK (the
# binary), $WORK (scratch dir) and $RESULTS (the JSON lines file).

now_ns() { date +%s%N; }

# Floating-point comparison in awk: le 1.5 2 -> true.
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

# jget KEY JSON: a scalar field of one of our own flat JSON lines.
jget() { sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p" <<<"$2" | head -1; }

# fig NAME VALUE UNIT TARGET MET [EXTRA_JSON_FIELDS]
# MET is true, false or null (no target, or not measurable). Prints the line
# and appends it to $RESULTS; the table is drawn from that file at the end.
fig() {
	local line
	line=$(printf '{"figure":"%s","value":%s,"unit":"%s","target":"%s","met":%s%s}' \
		"$1" "${2:-null}" "$3" "$4" "$5" "${6:+,$6}")
	echo "$line" >>"$RESULTS"
	echo "$line"
}

# A figure that could not be taken, and why (shown in the table's notes).
missing() { fig "$1" null "" "$2" null "\"note\":\"$3\""; }

# serve_start NAME DATA [serve options...]: starts serve on a free loopback
# port with its log in $WORK/NAME.log; sets SERVE_PID, SERVE_URL and
# SERVE_READY_MS (from exec to the first 200 from /readyz). Returns 1 when
# it does not get ready within 120 s. SERVE_ENV (an array of NAME=VALUE) is
# added to its environment; SERVE_CONF, when set, is its --config file.
serve_start() {
	local name=$1 data=$2 t0 port="" i
	shift 2
	SERVE_LOG=$WORK/$name.log
	t0=$(now_ns)
	env ${SERVE_ENV[@]+"${SERVE_ENV[@]}"} "$LK" serve --data "$data" --listen 127.0.0.1:0 \
		${SERVE_CONF:+--config "$SERVE_CONF"} "$@" 2>"$SERVE_LOG" &
	SERVE_PID=$!
	for ((i = 0; i < 12000; i++)); do
		[ -z "$port" ] && port=$(sed -n 's/.*msg=listening .* port=\([0-9]*\).*/\1/p' \
			"$SERVE_LOG" | head -1)
		if [ -n "$port" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' \
			"http://127.0.0.1:$port/readyz")" = 200 ]; then
			SERVE_URL=http://127.0.0.1:$port
			SERVE_READY_MS=$((($(now_ns) - t0) / 1000000))
			return 0
		fi
		if ! kill -0 "$SERVE_PID" 2>/dev/null; then
			echo "bench: serve exited: $(tail -n 3 "$SERVE_LOG")" >&2
			return 1
		fi
		sleep 0.01
	done
	echo "bench: serve not ready after 120 s" >&2
	serve_stop
	return 1
}

serve_stop() {
	[ -n "${SERVE_PID:-}" ] || return 0
	kill -TERM "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID" 2>/dev/null
	SERVE_PID=
}

# cpu_ticks PID: user + system CPU time of all PID's threads, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# rss_kb PID FIELD: VmRSS or VmHWM (peak) in KiB.
rss_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# fsync_count PID SECONDS: fsync + fdatasync calls made by PID's threads over
# the next SECONDS, through perf's syscall tracepoints; empty when perf
# cannot (then leads per fsync is reported as unknown).
fsync_count() {
	command -v perf >/dev/null || return 0
	perf stat -x, -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync \
		-p "$1" -- sleep "$2" 2>&1 | awk -F, '$3 ~ /sys_enter_f/ && $1 ~ /^[0-9]+$/ { n += $1; ok = 1 }
		END { if (ok) print n }'
}

# The project's token command, for a data dir: prints a new token of ROLE.
# twilio_business OUT SMS_RATE [RULES]: the business's file OUT - RULES (or
# the built-in demo's) with a providers section that texts through the
# stand-in at $STUB_URL at SMS_RATE per second (0 = unlimited); the token is
# read from $BENCH_TW_TOKEN, which SERVE_ENV sets.
twilio_business() {
	if [ -n "${3:-}" ]; then cat "$3"; else "$LK" rules show-default; fi >"$1"
	cat >>"$1" <<YAML
providers:
  twilio: { account_sid: AC00000000000000000000000000000000, auth_token: env:BENCH_TW_TOKEN,
            from: "+13125550100", base_url: "$STUB_URL" }
  delivery: { sms_rate: $2 }
YAML
}

token_for() { "$LK" token create --data "$1" ${3:+--rules "$3"} --name bench --role "$2" 2>/dev/null; }

# Whether serve (the binary under test) answers a route: 404 means "not yet".
has_route() { # URL METHOD PATH
	local code
	code=$(curl -s -o /dev/null -w '%{http_code}' -X "$2" "$1$3")
	[ "$code" != 404 ] && [ "$code" != 000 ]
}

# --- what a load bench script starts with (fairness.sh, scale_many.sh) ------

# bench_begin STUB: the EXIT trap (bench_cleanup), a fresh $WORK with an
# empty $RESULTS, bench/loadgen.c built into $BIN (once), and the stand-in SMS
# API started as STUB (speed_to_lead.sh's stub_start: the script sources it).
# Needs LK, BIN, WORK, RESULTS; SERVE_PID and STUB_PID set (empty) first.
bench_begin() {
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	rm -rf "$WORK"
	mkdir -p "$BIN" "$WORK"
	: >"$RESULTS"
	[ -x "$BIN/loadgen" ] || cc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra $(pkg-config --cflags libcurl) \
		-o "$BIN/loadgen" bench/loadgen.c $(pkg-config --libs libcurl) || exit 1
	stub_start "$1"
}

# The EXIT trap: BENCH_STOP first when set (a function stopping what the
# script started itself, as scale_many's nodes), then serve, the stand-in and
# any background job; $WORK is removed unless LK_BENCH_KEEP=1.
bench_cleanup() {
	[ -n "${BENCH_STOP:-}" ] && "$BENCH_STOP"
	serve_stop
	[ -n "${STUB_PID:-}" ] && stub_stop
	jobs -p | xargs -r kill 2>/dev/null
	[ "${LK_BENCH_KEEP:-0}" = 1 ] || rm -rf "$WORK"
}

# The 1-minute load average, beside each figure.
load() { awk '{ print $1 }' /proc/loadavg; }

# open_business_file OUT FROM [NAME]: a business file OUT - the demo's rules
# (named NAME, when given), open every minute of every day with no holidays
# or quiet hours (as tests/e2e/lib.sh's open_around_the_clock: a figure must
# not depend on the hour it runs), texting through the stand-in at $STUB_URL
# from FROM with no send-rate cap (the stand-in has none); the token is read
# from $BENCH_TW_TOKEN, which SERVE_ENV sets.
open_business_file() {
	local rename=()
	[ -n "${3:-}" ] && rename=(-e "s/name: Northside Home Services/name: $3/")
	"$LK" rules show-default | sed ${rename[@]+"${rename[@]}"} \
		-e 's/^    mon-fri: "08:00-17:00"$/    mon-sun: "00:00-24:00"/' \
		-e '/^    sat: "09:00-12:00"$/d' -e 's/^  holidays: .*/  holidays: []/' \
		-e '/^  quiet_hours:/d' >"$1"
	cat >>"$1" <<YAML
providers:
  twilio: { account_sid: AC00000000000000000000000000000000, auth_token: env:BENCH_TW_TOKEN,
            from: "$2", base_url: "$STUB_URL" }
  delivery: { sms_rate: 0 }
YAML
}

# business_files DIR N RULES: DIR/b1.yaml .. DIR/bN.yaml, each RULES (made
# by open_business_file with +13125550100) with a Twilio number of its own:
# a number names one business, so serve hosts no second business with it.
business_files() {
	mkdir -p "$1"
	awk -v biz="$2" -v dir="$1" '{ line[NR] = $0 } END {
		for (b = 1; b <= biz; b++) {
			f = dir "/b" b ".yaml"
			for (i = 1; i <= NR; i++) {
				l = line[i]
				sub(/from: "\+13125550100"/, sprintf("from: \"+1%.0f\"", 3125600000 + b), l)
				print l > f
			}
			close(f)
		}
	}' "$3"
}
