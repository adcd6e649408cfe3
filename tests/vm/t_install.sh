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
# the tracker pulls in the engine by its dependency
modprobe -r crosslat
modprobe crosslat_rtt || fail "modprobe crosslat_rtt"
lsmod | grep -q '^crosslat ' || fail "modprobe crosslat_rtt did not load the engine"
crosslatctl flows >/dev/null || fail "crosslatctl flows from PATH"
if [ -f "$KMOD_OUT/kmod/lttng/lttng-probe-crosslat.ko" ]; then
	for p in lttng-probe-crosslat lttng-probe-crosslat-rtt; do
		modprobe $p || fail "modprobe $p"
		modprobe -r $p
	done
fi
modprobe -r crosslat_rtt crosslat
say "make install + modprobe by name work"
