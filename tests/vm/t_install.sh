# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (the install path does not depend on the sanitizers; it is slow under KASAN)
# The README's real-host path: `make install` puts the modules under updates/crosslat and the
# tools in /usr/local (on this guest's throw-away overlay), then modprobe finds both modules
# by name and LTTng sees the probe.
. "$(dirname "$0")/lib.sh"

make --no-print-directory -C "$CROSSLAT_TOP" install KDIR="/lib/modules/$KREL/build" \
	>"$OUT/install.log" 2>&1 || { tail -n 20 "$OUT/install.log"; fail "make install failed"; }
[ -f "/lib/modules/$KREL/updates/crosslat/kmod/engine/crosslat.ko" ] ||
	fail "crosslat.ko not installed under updates/crosslat"
modprobe crosslat || fail "modprobe crosslat"
expect_eq "installed crosslatctl" "$(command -v crosslatctl)" /usr/local/sbin/crosslatctl
crosslatctl stats | grep -q '^version' || fail "crosslatctl stats from PATH"
if [ -f "$KMOD_OUT/kmod/lttng/lttng-probe-crosslat.ko" ]; then
	modprobe lttng-probe-crosslat || fail "modprobe lttng-probe-crosslat"
	modprobe -r lttng-probe-crosslat
fi
modprobe -r crosslat
say "make install + modprobe by name work"
