# disk.sh - the machine and its disk's own limits, measured first so every
# later figure sits beside them (sourced by run.sh; see disk_limits.c).

bench_machine() {
	local dev fs disk
	dev=$(df --output=source "$WORK" | tail -n 1)
	fs=$(df --output=fstype "$WORK" | tail -n 1)
	disk=$(lsblk -dno NAME,SIZE,ROTA "$dev" 2>/dev/null | awk '{ print $1, $2, ($3 ? "rotational" : "ssd") }')
	fig machine null "" "" null "\"cores\":$(nproc),\"kernel\":\"$(uname -r)\",\"cpu\":\"$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)\",\"mem_mib\":$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo),\"data_dev\":\"$dev\",\"fs\":\"$fs\",\"disk\":\"$(echo $disk)\",\"load1\":\"$(cut -d' ' -f1 /proc/loadavg)\""
}

bench_disk() {
	local secs=$1 out
	for mode in fsync naive storage; do
		out=$("$BIN/disk_limits" "$mode" "$WORK" "$secs") || return 1
		case $mode in
		fsync)   FSYNC_LIMIT=$(jget value "$out")
			 fig fsync_limit "$FSYNC_LIMIT" syncs/s "" null "\"seconds\":$secs" ;;
		naive)   NAIVE_RATE=$(jget value "$out")
			 fig naive_insert "$NAIVE_RATE" commits/s "" null \
			     "\"per_fsync_limit\":$(calc "$NAIVE_RATE / $FSYNC_LIMIT")" ;;
		storage) fig storage_limit "$(jget value "$out")" rows/s "" null \
			     "\"rows_per_txn\":100,\"commits_per_s\":$(jget commits_per_s "$out")" ;;
		esac
	done
}
