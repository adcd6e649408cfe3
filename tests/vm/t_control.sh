# SPDX-License-Identifier: GPL-2.0-only
# Control plane: `crosslatctl mark` emits crosslat_mark with the given fields (checked in
# ftrace), counters move by exactly the number of marks, invalid requests get EINVAL and
# unprivileged writers EPERM.
. "$(dirname "$0")/lib.sh"

[ -x "$CROSSLATCTL" ] || fail "crosslatctl not built (make userspace)"
load_engine
T=/sys/kernel/tracing
[ -d $T/events/crosslat/crosslat_mark ] || fail "no crosslat:crosslat_mark in tracefs"
echo > $T/trace
echo 1 > $T/events/crosslat/crosslat_mark/enable

"$CROSSLATCTL" mark 7 first
"$CROSSLATCTL" mark 0x10 "with space"
"$CROSSLATCTL" mark 18446744073709551615
echo 0 > $T/events/crosslat/crosslat_mark/enable

expect_eq "marks counter" "$(proc_stat marks)" 3
got=$(grep -o 'crosslat_mark: .*' $T/trace)
want=$'crosslat_mark: id=7 label=first\ncrosslat_mark: id=16 label=with space\ncrosslat_mark: id=18446744073709551615 label='
[ "$got" = "$want" ] || fail "ftrace saw:\n$got"
say "ok: ftrace recorded the 3 marks with their fields"

# Refused by the CLI before reaching the kernel (usage errors exit 2).
set +e
"$CROSSLATCTL" mark notanumber 2>/dev/null; rc1=$?
"$CROSSLATCTL" mark 1 "$(printf 'x%.0s' $(seq 64))" 2>/dev/null; rc2=$?
# Unprivileged writers are refused by the kernel (GENL_ADMIN_PERM).
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$CROSSLATCTL" mark 5 nobody 2>"$OUT/eperm.txt"; rc3=$?
# Reading stats needs no privilege.
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$CROSSLATCTL" stats >/dev/null; rc4=$?
set -e
expect_eq "bad id exit code" "$rc1" 2
expect_eq "long label exit code" "$rc2" 2
expect_eq "unprivileged mark exit code" "$rc3" 1
grep -qi 'permission denied' "$OUT/eperm.txt" || fail "EPERM not reported: $(cat "$OUT/eperm.txt")"
expect_eq "unprivileged stats exit code" "$rc4" 0
expect_eq "marks counter after refusals" "$(proc_stat marks)" 3
