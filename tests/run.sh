#!/usr/bin/env bash
# Runs every test: cmocka unit tests (TAP output), end-to-end scripts against
# the real binary, and a short run of each fuzz target. Each test prints TAP
# "ok"/"not ok" lines; the last line of this script is "N passed, N failed".
set -u
cd "$(dirname "$0")/.."

export LK_BIN="${LK_BIN:-$PWD/build/asan/leadkeep}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export CMOCKA_MESSAGE_OUTPUT=TAP
filter="${1:-}"

passed=0
failed=0
failed_names=()

run_one() {	# name, command...
	local name=$1; shift
	local out rc ok nok
	out=$("$@" 2>&1); rc=$?
	ok=$(grep -cE '^ok ' <<<"$out")
	nok=$(grep -cE '^not ok ' <<<"$out")
	if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
		nok=1	# crashed or failed outside a test case
	fi
	passed=$((passed + ok))
	failed=$((failed + nok))
	if [ "$nok" -gt 0 ]; then
		failed_names+=("$name")
		# every failed check with its diagnostics, then the end of the output
		printf '%s\n' "--- $name (exit $rc)"
		grep -E -A8 '^not ok ' <<<"$out" | head -n 80
		printf '%s\n' "--- $name: last lines" "$out" | tail -n 30
	fi
	printf '%-40s %4d passed %4d failed\n' "$name" "$ok" "$nok"
}

for t in build/asan/tests/test_*; do
	[ -x "$t" ] || continue
	[ -n "$filter" ] && [[ "$t" != *"$filter"* ]] && continue
	if [[ "$t" == *_pg ]]; then	# the PostgreSQL engine's: on a throwaway cluster
		run_one "unit/$(basename "$t")" tests/pg_cluster.sh "$t"
	else
		run_one "unit/$(basename "$t")" "$t"
	fi
done

# The store and flow tests that also run on the PostgreSQL engine
# (demo_store.h's LK_STORE=pg), each on a throwaway cluster. Not here:
# test_store_web and test_web_auth (users and sessions: the engine's .user
# table), test_store_bus, test_store_writer and test_deliver_outbox (they
# open a SQLite data directory of their own), and the engine's own tests,
# which run on PostgreSQL only (test_*_pg above).
pg_unit=(store_states flow_submit flow_edit engine_pause report sched store)
for n in "${pg_unit[@]}"; do
	t=build/asan/tests/test_$n
	[ -x "$t" ] || continue
	[ -n "$filter" ] && [[ "$t" != *"$filter"* ]] && continue
	run_one "unit/$(basename "$t") (pg)" env LK_STORE=pg tests/pg_cluster.sh "$t"
done

for t in tests/e2e/test_*.sh; do
	[ -f "$t" ] || continue
	[ -n "$filter" ] && [[ "$t" != *"$filter"* ]] && continue
	run_one "e2e/$(basename "$t" .sh)" bash "$t"
done

# The end-to-end tests that also run on the PostgreSQL engine, all on one
# throwaway cluster (tests/e2e_pg.sh; lib.sh empties the database for each;
# LK_SKIP_PG=1 skips them). Not here:
# - test_web_*: they sign in, and users and sessions (the engine's .user
#   table) are not on PostgreSQL yet; test_demo_seed stops before its
#   sign-in there (lib.sh's sqlite_only);
# - test_deliver_poison: it writes rows PostgreSQL refuses by itself (text
#   that is not UTF-8, rows whose lead does not exist);
# - test_scenarios, test_verify: simulate and verify run in a throwaway
#   SQLite sandbox of their own whatever --data says;
# - test_debian, test_systemd, test_man, test_completion, test_api_lint: no
#   database in them.
pg_e2e=(api_contract appointments backup calendar cli config deliver_crash deliver_email
	deliver_lookup deliver_sms deliver_timer deliver_unknown deliver_webhook demo_seed
	flow_errors http_api http_burst http_hardening http_intake http_kill http_limits
	http_public http_text import intake_keep metrics people_away report rules_change serve
	twilio_official)
if [ "${LK_SKIP_PG:-0}" != 1 ]; then
	sel=()
	for n in "${pg_e2e[@]}"; do
		t=tests/e2e/test_$n.sh
		[ -f "$t" ] || continue
		[ -n "$filter" ] && [[ "$t" != *"$filter"* ]] && continue
		sel+=("$t")
	done
	if [ ${#sel[@]} -gt 0 ]; then
		pgout=$(mktemp -d /tmp/lk-e2e-pg.XXXXXX)
		tests/pg_cluster.sh tests/e2e_pg.sh "$pgout" "${sel[@]}" >"$pgout/cluster.log" 2>&1
		for t in "${sel[@]}"; do
			n=$(basename "$t" .sh)
			# no status: the cluster did not start (its log says why)
			run_one "e2e/$n (pg)" bash -c '[ -f "$2" ] || { cat "$3"; exit 1; }; cat "$1"; exit "$(cat "$2")"' \
				_ "$pgout/$n.out" "$pgout/$n.rc" "$pgout/cluster.log"
		done
		rm -rf "$pgout"
	fi
fi

if [ -z "$filter" ] && [ -x bench/smoke.sh ] && [ "${LK_SKIP_BENCH:-0}" != 1 ]; then
	run_one "bench/smoke" bench/smoke.sh	# runs, prints its table; no timing asserted
fi

if [ -z "$filter" ] && [ -x fuzz/run.sh ] && [ "${LK_SKIP_FUZZ:-0}" != 1 ]; then
	run_one "fuzz/smoke" fuzz/run.sh --smoke
fi

[ ${#failed_names[@]} -gt 0 ] && printf 'failed: %s\n' "${failed_names[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
