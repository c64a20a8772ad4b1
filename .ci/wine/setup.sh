#!/usr/bin/env bash
# setup.sh prepares Wine to run this module's Windows tests:
#
#	.ci/wine/setup.sh && PATH=$PWD/.ci/wine:$PATH GOOS=windows go test ./...
#
# It installs Wine and mingw-w64 from Debian if they are missing, makes a
# headless 64-bit prefix, gives it the bcryptprimitives.dll that Go
# programs need and Wine 8.0 lacks, and starts a persistent wineserver.
# It is idempotent: when everything is in place it only checks, in about
# a second.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"

log() { printf 'wine setup: %s\n' "$*"; }

if [ ! -x "$WINE" ] || ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
	log "installing wine64 and gcc-mingw-w64-x86-64"
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends wine64 gcc-mingw-w64-x86-64 >/dev/null
fi

# Wine refuses a prefix that is not owned by the user running it.
mkdir -p "$(dirname "$WINEPREFIX")"
stamp="$WINEPREFIX/.shm-setup"
want="$("$WINE" --version) $(sha256sum "$here/bcryptprimitives.c" | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	if [ ! -f "$WINEPREFIX/system.reg" ]; then
		log "making the prefix $WINEPREFIX"
		# Every Wine process here runs with its output on /dev/null: the
		# first one starts the wineserver, which would otherwise keep the
		# caller's pipes open (and `go test` waiting on them) for as long
		# as it lives.
		"$WINE" wineboot -i </dev/null >/dev/null 2>&1
		"$WINESERVER" -w
	fi
	log "building bcryptprimitives.dll"
	tmp=$(mktemp -d)
	x86_64-w64-mingw32-gcc -O2 -Wall -shared -s -o "$tmp/bcryptprimitives.dll" \
		"$here/bcryptprimitives.c" -ladvapi32
	cp "$tmp/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
	rm -rf "$tmp"
	echo "$want" >"$stamp"
fi

# A persistent wineserver (-p) with its output on /dev/null, then one
# program to start Wine's services, so that no test process ever becomes
# the one that starts them. Starting a second server for the same prefix
# fails harmlessly.
"$WINESERVER" -p </dev/null >/dev/null 2>&1 || true
"$WINE" cmd /c exit </dev/null >/dev/null 2>&1
log "ready ($WINEPREFIX)"
