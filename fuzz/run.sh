#!/usr/bin/env bash
# Builds every fuzz/fuzz_*.c as a libFuzzer target and runs each one.
#
#   fuzz/run.sh [--smoke] [target...]
#
# Without --smoke each target runs 60 s; with it, LK_FUZZ_SECONDS (default 10).
# A target names what it links in its first lines (globs allowed):
#   // fuzz-sources: src/core/template.c src/core/tz.c
#   // fuzz-pkgs: jansson yaml-0.1
# Seeds in fuzz/corpus/<target>/ are copied to build/fuzz/corpus-<target>, so
# runs never write into the repository. Prints TAP; exits 1 if a target fails
# to build or finds a crash (the reproducer is build/fuzz/<target>-crash-*).
set -u
cd "$(dirname "$0")/.." || exit 1

seconds=60
targets=()
for arg in "$@"; do
	case $arg in
	--smoke) seconds=${LK_FUZZ_SECONDS:-10} ;;
	-h|--help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) targets+=("${arg%.c}") ;;
	esac
done

CC=${LK_FUZZ_CC:-clang}
# shellcheck disable=SC2054 # the commas belong to -fsanitize=
CFLAGS=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-std=c17 -D_GNU_SOURCE -Isrc)
OUT=build/fuzz
mkdir -p "$OUT"

if [ ${#targets[@]} -eq 0 ]; then
	for f in fuzz/fuzz_*.c; do
		[ -f "$f" ] && targets+=("$(basename "$f" .c)")
	done
fi
if [ ${#targets[@]} -eq 0 ]; then
	echo "1..0 # SKIP no fuzz targets"
	exit 0
fi

# libFuzzer ships with clang's runtime (Debian: libclang-rt-NN-dev).
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	>"$probe/probe.c"
if ! "$CC" -fsanitize=fuzzer -o "$probe/probe" "$probe/probe.c" >"$probe/log" 2>&1; then
	echo "1..0 # SKIP $CC cannot build libFuzzer targets (install clang and libclang-rt-dev)"
	sed 's/^/# /' "$probe/log" | tail -n 5
	exit 0
fi

# Prints the values of every "// fuzz-<key>:" line of file $1.
header() {	# key file
	sed -n "s|^// fuzz-$1:[[:space:]]*||p" "$2" | tr '\n' ' '
}

# Prints a file's last lines as TAP comments.
tail_comments() {	# file lines
	tail -n "$2" "$1" | sed 's/^/# /'
}

build() {	# target
	local t=$1 src=fuzz/$1.c pat f pkgs
	local -a srcs=() pkgflags=()

	[ -f "$src" ] || { echo "no such file: $src" >"$OUT/$t.build.log"; return 1; }
	shopt -s nullglob
	for pat in $(header sources "$src"); do
		for f in $pat; do
			# generated sources (build/gen/...) come from the Makefile
			[[ $f == build/* ]] && make -s "$f" >/dev/null
			srcs+=("$f")
		done
	done
	shopt -u nullglob
	pkgs=$(header pkgs "$src")
	if [ -n "${pkgs// /}" ]; then
		# shellcheck disable=SC2086 # word splitting wanted
		f=$(pkg-config --cflags --libs $pkgs 2>"$OUT/$t.build.log") || return 1
		read -r -a pkgflags <<<"$f"
	fi
	# Build beside the final name, then rename: another run may be using it.
	"$CC" "${CFLAGS[@]}" -o "$OUT/.$t.$$" "$src" "${srcs[@]}" "${pkgflags[@]}" \
		>"$OUT/$t.build.log" 2>&1 && mv -f "$OUT/.$t.$$" "$OUT/$t"
}

run() {	# target -> prints the number of runs
	local t=$1 corpus=$OUT/corpus-$1 log=$OUT/$1.log
	local -a opts=()

	mkdir -p "$corpus"
	if [ -d "fuzz/corpus/$t" ]; then
		cp -n fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null
	fi
	[ -f "fuzz/$t.dict" ] && opts+=("-dict=fuzz/$t.dict")
	# timeout(1) guards against a hang that -max_total_time cannot interrupt
	timeout -k 10 $((seconds + 120)) "$OUT/$t" -max_total_time="$seconds" \
		-timeout=10 -print_final_stats=1 -artifact_prefix="$OUT/$t-" \
		"${opts[@]}" "$corpus" >"$log.$$" 2>&1
	local rc=$?
	mv -f "$log.$$" "$log"
	sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$log" | tail -n 1
	return $rc
}

echo "1..${#targets[@]}"
n=0
failed=0
for t in "${targets[@]}"; do
	n=$((n + 1))
	if ! build "$t"; then
		echo "not ok $n - $t (build failed)"
		tail_comments "$OUT/$t.build.log" 20
		failed=$((failed + 1))
		continue
	fi
	if runs=$(run "$t"); then
		echo "ok $n - $t (runs=${runs:-?}, ${seconds}s)"
	else
		echo "not ok $n - $t"
		tail_comments "$OUT/$t.log" 40
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ]
