#!/bin/sh
# Installs the Debian packages leadkeep needs to build and test, if missing.
# Safe to run again: it only calls apt-get when something is absent.
set -eu

PKGS="build-essential pkg-config clang libclang-rt-14-dev git curl sqlite3 tzdata
libsqlite3-dev libmicrohttpd-dev libjansson-dev libcurl4-openssl-dev libyaml-dev
libsodium-dev libcmocka-dev libcsv-dev libsystemd-dev python3 python3-aiosmtpd
python3-icalendar prometheus chromium systemd debhelper dpkg-dev fakeroot lintian
groff-base man-db libpq-dev postgresql-15"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
		|| missing="$missing $p"
done
# chromium: Debian's browser, which the browser tests (tests/browser/) drive with
# playwright-core; no test tool downloads a browser of its own.
# Node.js and npm for the test tools of package.json (scripts/npm-deps.sh):
# any install will do (NodeSource's nodejs carries its own npm), so Debian's
# packages only when the commands are absent.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0

echo "leadkeep: installing Debian packages:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends $missing >/dev/null 2>&1 || {
	$SUDO apt-get update -qq
	$SUDO apt-get install -y --no-install-recommends $missing
}
