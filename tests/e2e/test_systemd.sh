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
# make install with PREFIX and DESTDIR (the sanitizer build stands in for the release one).
if make -s -C "$LK_ROOT" install PREFIX=/usr DESTDIR="$T/root" INSTALL_BIN="$LK_BIN" >"$T/install.out" 2>&1; then
	ok "make install PREFIX=/usr DESTDIR=..."
else
	not_ok "make install PREFIX=/usr DESTDIR=..."; sed 's/^/#   /' "$T/install.out" | head -n 10
fi
for f in usr/bin/leadkeep lib/systemd/system/leadkeep.service etc/leadkeep/rules.yaml \
	etc/leadkeep/serve.conf usr/share/doc/leadkeep/operations.md; do
	check "installs /$f" test -e "$T/root/$f"
done
check "the installed unit runs the installed binary" grep -q "^ExecStart=/usr/bin/leadkeep serve" \
	"$T/root/lib/systemd/system/leadkeep.service"
echo "keep me" >>"$T/root/etc/leadkeep/rules.yaml"
make -s -C "$LK_ROOT" install PREFIX=/usr DESTDIR="$T/root" INSTALL_BIN="$LK_BIN" >/dev/null 2>&1
check "a second install keeps the rules the owner edited" grep -q "keep me" "$T/root/etc/leadkeep/rules.yaml"
echo "1..$_n"
