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
for key in Type=notify DynamicUser=yes ProtectSystem=strict ReadWritePaths=/var/lib/leadkeep \
	NoNewPrivileges=yes PrivateTmp=yes Restart=on-failure; do
	check "the unit sets $key" grep -qx "$key" "$unit"
done
# The unit's command line, with the paths moved into the test's directory.
mkdir -p "$T/etc"
lk rules show-default >"$T/etc/rules.yaml"
# the packaged server.yaml, its paths moved too
sed "s|^listen:.*|listen: 127.0.0.1:0|; s|/var/lib/leadkeep|$T/var|; s|/etc/leadkeep|$T/etc|g" \
	"$LK_ROOT/packaging/server.yaml" | server_config "$T/etc/server.yaml"
cmd=$(sed -n 's/^ExecStart=//p' "$unit" | sed "s|/etc/leadkeep|$T/etc|g")
$cmd >"$T/serve.log" 2>&1 &
pid=$!; _pids+=("$pid")
for i in $(seq 1 100); do grep -q "msg=listening" "$T/serve.log" && break; sleep 0.1; done
check "the unit's command line starts serve" grep -q "msg=listening" "$T/serve.log"
check "on the packaged server.yaml's data directory" grep -q "data=$T/var " "$T/serve.log"
check "the unit reloads with SIGHUP" grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$unit"
kill -TERM "$pid"; wait "$pid"; rc=$?
expect_eq "and SIGTERM (KillSignal) stops it cleanly" "$rc" 0
# sd_notify: READY=1 once serving, STOPPING=1 on SIGTERM, STATUS= lines, to
# the datagram socket NOTIFY_SOCKET names (here one python3 listens on).
cat >"$T/notify.py" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
with open(sys.argv[2], "a") as out:
    open(sys.argv[1] + ".up", "w").close()
    try:
        while True:
            msg = s.recv(4096).decode()
            out.write(msg.replace("\n", "|") + "\n"); out.flush()
            if "STOPPING=1" in msg:
                break
    except socket.timeout:
        pass
PY
python3 "$T/notify.py" "$T/notify.sock" "$T/notify.log" &
npid=$!; _pids+=("$npid")
for i in $(seq 1 50); do [ -e "$T/notify.sock.up" ] && break; sleep 0.1; done
NOTIFY_SOCKET="$T/notify.sock" $cmd >"$T/serve2.log" 2>&1 &
pid=$!; _pids+=("$pid")
for i in $(seq 1 100); do grep -q "READY=1" "$T/notify.log" 2>/dev/null && break; sleep 0.1; done
check "serve sends READY=1 to NOTIFY_SOCKET" grep -q "READY=1" "$T/notify.log"
check "READY=1 comes after it listens" grep -q "msg=listening" "$T/serve2.log"
check "with a STATUS= line" grep -q "STATUS=listening" "$T/notify.log"
port=$(sed -n 's/.*msg=listening.* port=\([0-9]*\).*/\1/p' "$T/serve2.log")
check "and /readyz answers 200 by then" curl -fs "http://127.0.0.1:$port/readyz"
kill -TERM "$pid"; wait "$pid"; rc=$?
wait "$npid"
expect_eq "serve under NOTIFY_SOCKET stops cleanly" "$rc" 0
expect_eq "it sends READY=1, then STOPPING=1" \
	"$(grep -o 'READY=1\|STOPPING=1' "$T/notify.log" | tr '\n' ' ')" "READY=1 STOPPING=1 "
# make install with PREFIX and DESTDIR (the sanitizer build stands in for the release one).
if make -s -C "$LK_ROOT" install PREFIX=/usr DESTDIR="$T/root" INSTALL_BIN="$LK_BIN" >"$T/install.out" 2>&1; then
	ok "make install PREFIX=/usr DESTDIR=..."
else
	not_ok "make install PREFIX=/usr DESTDIR=..."; sed 's/^/#   /' "$T/install.out" | head -n 10
fi
for f in usr/bin/leadkeep lib/systemd/system/leadkeep.service etc/leadkeep/rules.yaml \
	etc/leadkeep/server.yaml usr/share/doc/leadkeep/operations.md \
	usr/share/man/man1/leadkeep.1 usr/share/man/man5/leadkeep-rules.5 \
	usr/share/man/man5/leadkeep-server.yaml.5 usr/share/bash-completion/completions/leadkeep; do
	check "installs /$f" test -e "$T/root/$f"
done
check "the installed unit runs the installed binary" grep -q "^ExecStart=/usr/bin/leadkeep serve" \
	"$T/root/lib/systemd/system/leadkeep.service"
echo "keep me" >>"$T/root/etc/leadkeep/rules.yaml"
make -s -C "$LK_ROOT" install PREFIX=/usr DESTDIR="$T/root" INSTALL_BIN="$LK_BIN" >/dev/null 2>&1
check "a second install keeps the rules the owner edited" grep -q "keep me" "$T/root/etc/leadkeep/rules.yaml"
echo "1..$_n"
