# SPDX-License-Identifier: GPL-2.0-only
# Shared shell helpers for crosslat scripts: cache location, logging, kernel discovery.
# Sourced, never executed.

CROSSLAT_TOP=${CROSSLAT_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# Everything expensive (lttng-modules builds, the debug kernel) lives outside the repository.
CROSSLAT_CACHE=${CROSSLAT_CACHE:-/var/cache/crosslat}

log() { printf '[%s] %s\n' "${0##*/}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The Debian 6.1 kernel that linux-image-amd64 currently points at, e.g. 6.1.0-56-amd64.
stock_kver() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null) || return 1
	dep=${dep%%[ ,]*}
	[ -n "$dep" ] || return 1
	echo "${dep#linux-image-}"
}

# Newest installed Debian 12 6.12 header tree (compile-only target), e.g. 6.12.111+deb12-amd64.
kver_612() {
	local d
	d=$(ls -d /usr/src/linux-headers-6.12.*+deb12-amd64 2>/dev/null | sort -V | tail -n1)
	[ -n "$d" ] || return 1
	echo "${d#/usr/src/linux-headers-}"
}

# Version of lttng-modules shipped by the archive's lttng-modules-dkms package.
lttng_modules_version() {
	local v
	v=$(apt-cache policy lttng-modules-dkms 2>/dev/null | awk '/Candidate:/ {print $2}')
	[ -n "$v" ] && [ "$v" != "(none)" ] || return 1
	echo "$v"
}

# Release string of a kernel build dir, as uname -r will print it.
kdir_release() {
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$1/include/generated/utsrelease.h" 2>/dev/null |
		grep . || return 1
}

# Build directory of lttng-modules compiled against the kernel tree $1 (a "build" dir).
# The key is the kernel's identity plus the lttng version, so a point release rebuilds.
lttng_build_dir() {
	local kdir=$1 lv krel
	lv=$(lttng_modules_version) || return 1
	krel=$(kdir_release "$kdir") || return 1
	local sum
	sum=$(cat "$kdir/.config" "$kdir/Module.symvers" 2>/dev/null | sha256sum | cut -c1-12)
	echo "$CROSSLAT_CACHE/lttng-modules/$krel-$sum-$lv"
}

debug_kernel_dir() {
	echo "$CROSSLAT_CACHE/debug-kernel/$("$CROSSLAT_TOP/scripts/debug-kernel" --key)"
}
