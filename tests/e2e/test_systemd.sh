#!/usr/bin/env bash
# The systemd unit (packaging/leadkeep.service) verifies with
# systemd-analyze, is hardened as docs/operations.md says, and the command
# line it runs is one leadkeep accepts.
. "$(dirname "$0")/lib.sh"

unit=$T/leadkeep.service
sed "s|@BINDIR@|$(dirname "$LK_BIN")|" "$LK_ROOT/packaging/leadkeep.service" >"$unit"
if command -v systemd-analyze >/dev/null; then
	if systemd-analyze verify "$unit" >"$T/verify.out" 2>&1 && ! grep -qi "leadkeep.service:" "$T/verify.out"; then
		ok "systemd-analyze verify passes"
	else
		not_ok "systemd-analyze verify passes"; sed 's/^/#   /' "$T/verify.out" | head -n 20
	fi
else
	not_ok "systemd-analyze is installed (scripts/deps.sh: systemd)"
fi
for key in DynamicUser=yes ProtectSystem=strict ReadWritePaths=/var/lib/leadkeep \
	NoNewPrivileges=yes PrivateTmp=yes Restart=on-failure; do
	check "the unit sets $key" grep -qx "$key" "$unit"
done
# The unit's command line, with the paths moved into the test's directory.
mkdir -p "$T/etc"
lk rules show-default >"$T/etc/rules.yaml"
printf 'listen = 127.0.0.1:0\n' >"$T/etc/serve.conf"
cmd=$(sed -n 's/^ExecStart=//p' "$unit" | sed "s|/var/lib/leadkeep|$T/var|; s|/etc/leadkeep|$T/etc|g")
$cmd >"$T/serve.log" 2>&1 &
pid=$!; _pids+=("$pid")
for i in $(seq 1 100); do grep -q "msg=listening" "$T/serve.log" && break; sleep 0.1; done
check "the unit's command line starts serve" grep -q "msg=listening" "$T/serve.log"
kill -TERM "$pid"; wait "$pid"; rc=$?
expect_eq "and SIGTERM (KillSignal) stops it cleanly" "$rc" 0
echo "1..$_n"
