# SPDX-License-Identifier: GPL-2.0-only
# Helpers of the two-guest scenarios, sourced after tests/vm/lib.sh in each guest
# (scripts/vm-pair sets CROSSLAT_PAIR_*): the rendezvous directory both guests see, the
# other guest's role, waiting for its files.
sync_dir=${CROSSLAT_PAIR_DIR:?run through scripts/vm-pair}
peer=$([ "$CROSSLAT_PAIR_ROLE" = a ] && echo b || echo a)

# await NAME SECONDS: wait for the other guest's rendezvous file (scripts/vm-pair writes
# PEER.exit when that guest has ended).
await() {
	for _ in $(seq $(($2 * 5))); do
		[ -e "$sync_dir/$1" ] && return 0
		[ -e "$sync_dir/$peer.exit" ] && fail "guest $peer ended (vm-run status $(cat "$sync_dir/$peer.exit"))"
		sleep 0.2
	done
	fail "no $1 from the other guest after $2 s"
}

indent() { sed "s/^/    /"; }
