#!/usr/bin/env bash
# debian/: every Build-Depends is a Debian package apt can install; the
# package builds (make deb: dpkg-buildpackage -us -uc -b on a copy of the
# tree, ~30 s; LK_SKIP_DEB=1 skips it), lintian reports no error, and the
# packaged binary runs with the packaged paths.
. "$(dirname "$0")/lib.sh"

ctl=$LK_ROOT/debian/control
deps=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$ctl" | sed '$d' | sed 's/^Build-Depends://' |
	tr ',' '\n' | sed 's/(.*)//; s/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v '^$')
[ -n "$deps" ] && ok "debian/control has Build-Depends" || not_ok "debian/control has Build-Depends"
missing=""
for d in $deps; do
	[ "$d" = debhelper-compat ] && d=debhelper
	pol=$(apt-cache policy "$d" 2>/dev/null)
	grep -qE 'Candidate: [0-9]|Installed: [0-9]' <<<"$pol" || missing="$missing $d"
done
expect_eq "every Build-Depends is installable (apt-cache policy)" "$missing" ""
check "debhelper compat 13" grep -q 'debhelper-compat (= 13)' "$ctl"

if [ "${LK_SKIP_DEB:-0}" = 1 ]; then
	echo "1..$_n"; exit 0
fi
if make -s -C "$LK_ROOT" deb >"$T/deb.out" 2>&1; then
	ok "make deb (dpkg-buildpackage -us -uc -b, lintian)"
else
	not_ok "make deb (dpkg-buildpackage -us -uc -b, lintian)"; tail -n 20 "$T/deb.out" | sed 's/^/#   /'
fi
deb=$(ls "$LK_ROOT"/build/deb/leadkeep_*_*.deb 2>/dev/null | head -n 1)
check "it makes leadkeep_*.deb" test -f "$deb"
errs=$(lintian "$LK_ROOT"/build/deb/leadkeep_*.changes 2>/dev/null | grep '^E:')
expect_eq "lintian reports no error" "$errs" ""
dpkg-deb -c "$deb" | awk '{print $6}' >"$T/files"
for f in ./usr/bin/leadkeep ./lib/systemd/system/leadkeep.service ./etc/leadkeep/rules.yaml \
	./etc/leadkeep/server.yaml ./usr/share/man/man1/leadkeep.1.gz ./usr/share/man/man5/leadkeep-server.yaml.5.gz \
	./usr/share/man/man5/leadkeep-rules.5.gz ./usr/share/bash-completion/completions/leadkeep \
	./usr/share/doc/leadkeep/operations.md; do
	check "the package has $f" grep -qx "$f" "$T/files"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$T/conffiles" 2>/dev/null
check "/etc/leadkeep/rules.yaml is a conffile" grep -qx /etc/leadkeep/rules.yaml "$T/conffiles"
check "/etc/leadkeep/server.yaml is a conffile" grep -qx /etc/leadkeep/server.yaml "$T/conffiles"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst >"$T/postinst" 2>/dev/null
check "the postinst enables the unit" grep -q "deb-systemd-helper enable 'leadkeep.service'" "$T/postinst"
dpkg-deb -x "$deb" "$T/root"
check "the packaged unit is Type=notify and runs /usr/bin/leadkeep" \
	grep -q "^ExecStart=/usr/bin/leadkeep serve" "$T/root/lib/systemd/system/leadkeep.service"
out=$("$T/root/usr/bin/leadkeep" rules check "$T/root/etc/leadkeep/rules.yaml" 2>&1)
expect_contains "the packaged binary checks the packaged rules" "$out" ": ok"
echo "1..$_n"
