#!/usr/bin/env bash
# tests/pg_cluster.sh CMD [ARG...] - runs CMD with a throwaway PostgreSQL
# cluster of its own: Debian's postgresql-15 (initdb, pg_ctl) in a temporary
# directory, listening only on a unix socket there (no TCP port to collide
# with), database "leadkeep". CMD finds it in LK_PG_URL (a postgres:// URI)
# and LK_PG_DIR (the cluster's directory). The cluster is stopped and removed
# when CMD ends, whatever its result; CMD's exit status is this script's.
#
# PostgreSQL refuses to run as root: as root the server runs as the postgres
# user (runuser), which owns the directory; the socket accepts everyone
# (trust, it is reachable only through the private directory).
set -u

PG_BIN="${LK_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$PG_BIN/initdb" ]; then
	echo "pg_cluster: $PG_BIN/initdb not found: install postgresql-15 (make deps)" >&2
	exit 2
fi
if [ $# -eq 0 ]; then
	echo "usage: tests/pg_cluster.sh CMD [ARG...]" >&2
	exit 2
fi

dir=$(mktemp -d /tmp/lk-pg.XXXXXX) || exit 2
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
	chown postgres:postgres "$dir"
	as_pg=(runuser -u postgres --)
fi
chmod 0755 "$dir"

stop() {
	"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

if ! "${as_pg[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
	--no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
	echo "pg_cluster: initdb failed:" >&2
	cat "$dir/initdb.log" >&2
	exit 2
fi
# fsync off: a throwaway cluster need not survive a power cut. LK_PG_DURABLE=1
# keeps PostgreSQL's defaults (the benchmarks that set a durable SQLite beside it).
durability="-c fsync=off -c full_page_writes=off"
[ "${LK_PG_DURABLE:-0}" = 1 ] && durability=""
if ! "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
	-o "-c listen_addresses='' -k $dir $durability" \
	start >/dev/null 2>&1; then
	echo "pg_cluster: the server did not start:" >&2
	cat "$dir/server.log" >&2
	exit 2
fi
if ! "${as_pg[@]}" "$PG_BIN/createdb" -h "$dir" -U postgres leadkeep >"$dir/createdb.log" 2>&1; then
	echo "pg_cluster: creating the database failed" >&2
	exit 2
fi

export LK_PG_DIR="$dir"
export LK_PG_URL="postgres:///leadkeep?host=$dir&user=postgres"
"$@"
