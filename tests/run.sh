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
# (demo_store.h's LK_STORE=pg), each on a throwaway cluster. More join as the
# engine grows.
for t in build/asan/tests/test_store_states build/asan/tests/test_flow_submit \
	 build/asan/tests/test_store_business; do
	[ -x "$t" ] || continue
	[ -n "$filter" ] && [[ "$t" != *"$filter"* ]] && continue
	run_one "unit/$(basename "$t") (pg)" env LK_STORE=pg tests/pg_cluster.sh "$t"
done

for t in tests/e2e/test_*.sh; do
	[ -f "$t" ] || continue
	[ -n "$filter" ] && [[ "$t" != *"$filter"* ]] && continue
	run_one "e2e/$(basename "$t" .sh)" bash "$t"
done

if [ -z "$filter" ] && [ -x bench/smoke.sh ] && [ "${LK_SKIP_BENCH:-0}" != 1 ]; then
	run_one "bench/smoke" bench/smoke.sh	# runs, prints its table; no timing asserted
fi

if [ -z "$filter" ] && [ -x fuzz/run.sh ] && [ "${LK_SKIP_FUZZ:-0}" != 1 ]; then
	run_one "fuzz/smoke" fuzz/run.sh --smoke
fi

[ ${#failed_names[@]} -gt 0 ] && printf 'failed: %s\n' "${failed_names[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
