# SPDX-License-Identifier: GPL-2.0-only
# Helpers of the static suites (tracecompass.sh, kubernetes.sh), sourced after setting
# SUITE: result RC NAME and skip NAME print "PASS|FAIL|SKIP: static/$SUITE/NAME" and count
# them in pass, failed, skipped; indent prefixes details.
pass=0 failed=0 skipped=0
result() {
	if [ "$1" = 0 ]; then echo "PASS: static/$SUITE/$2"; pass=$((pass + 1))
	else echo "FAIL: static/$SUITE/$2"; failed=$((failed + 1)); fi
}
skip() { echo "SKIP: static/$SUITE/$1"; skipped=$((skipped + 1)); }
indent() { sed 's/^/    /'; }
