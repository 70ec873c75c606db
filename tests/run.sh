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

# pg_pass KIND NAME...: runs the tests (unit binaries or e2e scripts) a
# second time on the PostgreSQL engine, all on one throwaway cluster
# (tests/pg_pass.sh; each test empties the database first), and counts each
# as run_one does. Its status missing: the cluster did not start (its log
# says why).
pg_pass() {
	local kind=$1 t n out; shift
	local sel=()
	for t in "$@"; do
		[ -e "$t" ] || continue
		[ -n "$filter" ] && [[ "$t" != *"$filter"* ]] && continue
		sel+=("$t")
	done
	[ ${#sel[@]} -gt 0 ] || return 0
	out=$(mktemp -d /tmp/lk-pg-pass.XXXXXX)
	tests/pg_cluster.sh tests/pg_pass.sh "$out" "${sel[@]}" >"$out/cluster.log" 2>&1
	for t in "${sel[@]}"; do
		n=$(basename "$t" .sh)
		run_one "$kind/$n (pg)" bash -c '[ -f "$2" ] || { cat "$3"; exit 1; }; cat "$1"; exit "$(cat "$2")"' \
			_ "$out/$n.out" "$out/$n.rc" "$out/cluster.log"
	done
	rm -rf "$out"
}

# The store and flow tests that also run on the PostgreSQL engine
# (demo_store.h's LK_STORE=pg; LK_SKIP_PG=1 skips every PostgreSQL pass).
# Not here: test_store_bus, test_store_writer and
# test_deliver_outbox (they open a SQLite data directory of their own), and
# the engine's own tests, which run on PostgreSQL only (test_*_pg above).
pg_unit=(store_states deliver_batch flow_submit flow_edit engine_pause report sched store web_auth store_web store_business
	web_reports_warm)
if [ "${LK_SKIP_PG:-0}" != 1 ]; then
	pg_pass unit "${pg_unit[@]/#/build/asan/tests/test_}"
fi

for t in tests/e2e/test_*.sh; do
	[ -f "$t" ] || continue
	[ -n "$filter" ] && [[ "$t" != *"$filter"* ]] && continue
	if grep -q '^# tests/run.sh: on a throwaway PostgreSQL cluster' "$t"; then
		run_one "e2e/$(basename "$t" .sh) (pg)" tests/pg_cluster.sh bash "$t"
	else
		run_one "e2e/$(basename "$t" .sh)" bash "$t"
	fi
done

# The end-to-end tests that also run on the PostgreSQL engine, all on one
# throwaway cluster (lib.sh empties the database for each). Not here:
# - test_web_browser: it passes on PostgreSQL (by hand: tests/pg_cluster.sh
#   env LK_STORE=pg bash tests/e2e/test_web_browser.sh) but takes a minute;
#   the server paths it drives run here in test_web_*, and what it adds
#   (layout, axe-core, screenshots) is the same on either engine;
# - test_deliver_poison: it writes rows PostgreSQL refuses by itself (text
#   that is not UTF-8, rows whose lead does not exist);
# - test_scenarios, test_verify: simulate and verify run in a throwaway
#   SQLite sandbox of their own whatever --data says;
# - test_rules_prove: the prover runs in a throwaway SQLite sandbox too;
# - test_debian, test_systemd, test_man, test_completion, test_api_lint,
#   test_web_html_literals: no database in them.
pg_e2e=(api_contract appointments backup calendar cli config deliver_crash deliver_email
	deliver_lookup deliver_sms deliver_timer deliver_unknown deliver_webhook demo_seed digest
	flow_errors health http_api http_burst http_hardening http_intake http_kill http_limits
	http_public http_text import intake_keep metrics people_away replay report rules_change serve
	tenants tenants_delivery tenants_digest tenants_doors tenants_health tenants_sighup
	twilio_official web_app web_appointments web_lead web_live web_pages web_reports
	web_tenants web_today web_walk)
if [ "${LK_SKIP_PG:-0}" != 1 ]; then
	pg_pass e2e $(printf "tests/e2e/test_%s.sh " "${pg_e2e[@]}")
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
