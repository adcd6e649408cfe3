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

# pod_up: this guest's pod, as a CNI with a VXLAN overlay would make it: network namespace
# "pod" with eth0 at POD_IP (10.244.1.2 on A, 10.244.2.2 on B; PEER_POD_IP the other's),
# its host end vpod0, and a VXLAN device (VNI 42, UDP 4789) over the link carrying the
# traffic to the other guest's pod subnet.
pod_up() {
	local n=1 m=2
	[ "$CROSSLAT_PAIR_ROLE" = a ] || { n=2; m=1; }
	POD_IP=10.244.$n.2 PEER_POD_IP=10.244.$m.2
	sysctl -qw net.ipv4.ip_forward=1 || fail "ip_forward"
	ip netns add pod &&
		ip link add vpod0 type veth peer name eth0 netns pod &&
		ip addr add "10.244.$n.1/24" dev vpod0 && ip link set vpod0 up &&
		ip -n pod link set lo up &&
		ip -n pod addr add "$POD_IP/24" dev eth0 &&
		ip -n pod link set eth0 mtu 1450 up &&
		ip -n pod route add default via "10.244.$n.1" &&
		ip link add vxlan42 type vxlan id 42 dstport 4789 local "$CROSSLAT_PAIR_ADDR" \
			remote "$CROSSLAT_PAIR_PEER" dev "$CROSSLAT_PAIR_NIC" &&
		ip addr add "10.245.0.$n/24" dev vxlan42 && ip link set vxlan42 up &&
		ip route add "10.244.$m.0/24" via "10.245.0.$m" ||
		fail "pod and overlay set-up"
}
