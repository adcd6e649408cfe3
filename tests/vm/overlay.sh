# SPDX-License-Identifier: GPL-2.0-only
# Overlay testbed for guest scenarios: two hosts with pods, a vxlan|ipip|geneve overlay, a VIP.
#
#  pod 1.1 (olp11)    pod 1.2 (olp12)              pod 2.1 (olp21)    pod 2.2 (olp22)
#  eth0 10.244.1.11   eth0 10.244.1.12             eth0 10.244.2.11   eth0 10.244.2.12
#    |                  |                          (:8080 backend)      |
#  veth11             veth12                       veth21             veth22
#    +---- br0 10.244.1.1/24 ----+                   +---- br0 10.244.2.1/24 ----+
#  host 1 (olh1)                                   host 2 (olh2)
#    ol0 10.244.1.0/32 ============ overlay =========== ol0 10.244.2.0/32
#        vxlan VNI 42 udp/4789 | ipip | geneve VNI 42 udp/6081, carried by
#    ul1 192.168.100.1/24 -------- underlay veth ------- ul2 192.168.100.2/24
#    ex1 203.0.113.1/24 (host 1's default route)
#     |                      nft table "ip ol" in host 1 (kube-proxy's job):
#    ex0 203.0.113.2/24        DNAT 10.96.0.10:80 -> 10.244.2.11:8080 (prerouting, output)
#  external (olext)            MASQUERADE 10.244.0.0/16 out of ex1, host 1's own into ol0
#
# Pods route everything via their bridge's address; each host routes the other host's pod
# subnet over ol0 (Flannel-like: ol0 holds the subnet's .0 address, the route's gateway is
# the peer's ol0 address, onlink), so the host's IP stack (netfilter hooks, conntrack) sees
# both the pod packet (forwarded) and the encapsulated underlay packet (local out / in).
# The VIP and the external host are reached from host 1 and its pods (host 2 has no default
# route). MTU: the underlay's 1500 less the encapsulation (50 for vxlan and geneve, 20 for
# ipip) on ol0, the bridges and both ends of the pods' veths; offloads left as they are.
#
# Usage (under set -euo pipefail; OL_NPODS=N, at most 9, before sourcing for N pods a host):
#   trap overlay_down EXIT
#   overlay_up vxlan                 # or ipip, geneve; tears down a previous testbed first
#   ol_h1 CMD...  ol_h2 CMD...  ol_ext CMD...  ol_pod H P CMD...  ol_host H CMD...
#   ol_ns NS CMD...                  # any of them by name; ol_namespaces lists the names
#   ol_pod_ip H P                    # prints pod P of host H's address (10.244.H.1P)
#   ol_serve PORT NS...              # TCP server in each NS answering one line:
#                                    #   "<ns> <peer ip> <peer port> <local ip> <local port>"
#   ol_tcp_get NS IP PORT            # connects from NS, prints the server's line
#   ol_capture_start NS IF FILE [FILTER...]; ol_capture_stop FILE     # tcpdump to a pcap
#   overlay_down                     # idempotent: kills every process in the namespaces
# Names and addresses are exported as OL_* below (OL_MODE and OL_MTU by overlay_up); they
# describe the fixed layout above, they do not configure it.

OL_NPODS=${OL_NPODS:-2}
export OL_MODE=
export OL_H1=olh1 OL_H2=olh2 OL_EXT=olext
export OL_UL1=ul1 OL_UL2=ul2 OL_UL1_IP=192.168.100.1 OL_UL2_IP=192.168.100.2
export OL_DEV=ol0 OL_BR=br0 OL_POD_IF=eth0
export OL_CLUSTER_CIDR=10.244.0.0/16
export OL_POD_CIDR1=10.244.1.0/24 OL_POD_CIDR2=10.244.2.0/24
export OL_GW1=10.244.1.1 OL_GW2=10.244.2.1
export OL_DEV1_IP=10.244.1.0 OL_DEV2_IP=10.244.2.0
export OL_VNI=42 OL_VXLAN_PORT=4789 OL_GENEVE_PORT=6081
export OL_UL_MTU=1500 OL_MTU=
export OL_VIP=10.96.0.10 OL_VIP_PORT=80
export OL_SVC_IP=10.244.2.11 OL_SVC_PORT=8080 OL_SVC_NS=olp21
export OL_EXT_IF1=ex1 OL_EXT_IF=ex0 OL_EXT_H1_IP=203.0.113.1 OL_EXT_IP=203.0.113.2
export OL_NPODS
# OL_PODHP_IP and OL_PODHP_NS for every pod, e.g. OL_POD21_IP=10.244.2.11 OL_POD21_NS=olp21
for _h in 1 2; do
	for _p in $(seq "$OL_NPODS"); do
		export "OL_POD$_h${_p}_IP=10.244.$_h.$((10 + _p))" "OL_POD$_h${_p}_NS=olp$_h$_p"
	done
done
unset _h _p

declare -gA OL_CAP_PID=()

ol_namespaces() {
	local h p
	echo "$OL_EXT"
	for h in 1 2; do
		for p in $(seq "$OL_NPODS"); do echo "olp$h$p"; done
	done
	echo "$OL_H1"
	echo "$OL_H2"
}

ol_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
ol_h1() { ip netns exec "$OL_H1" "$@"; }
ol_h2() { ip netns exec "$OL_H2" "$@"; }
ol_ext() { ip netns exec "$OL_EXT" "$@"; }
ol_host() { local h=$1; shift; ip netns exec "olh$h" "$@"; }
ol_pod() { local h=$1 p=$2; shift 2; ip netns exec "olp$h$p" "$@"; }
ol_pod_ip() { echo "10.244.$1.$((10 + $2))"; }

# Stop whatever runs in the testbed's namespaces, then delete them. Never fails.
overlay_down() {
	local ns list='' pids left=''
	for ns in $(ol_namespaces); do
		[ -e "/run/netns/$ns" ] && list="$list $ns"
	done
	[ -n "$list" ] || return 0
	# shellcheck disable=SC2086 # lists of names and pids
	pids=$(printf 'netns pids %s\n' $list | ip -force -batch - 2>/dev/null || true)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill $pids 2>/dev/null || true
		for _ in $(seq 30); do
			left=$(ps -o stat=,pid= -p "${pids//$'\n'/,}" |
				awk '$1 !~ /^Z/ { print $2 }' || true)
			[ -z "$left" ] && break
			sleep 0.1
		done
		# shellcheck disable=SC2086
		[ -z "$left" ] || kill -9 $left 2>/dev/null || true
	fi
	# shellcheck disable=SC2086
	printf 'netns del %s\n' $list | ip -force -batch - >/dev/null 2>&1 || true
	OL_CAP_PID=()
	OL_MODE=
	return 0
}

# ol_host_batch H PEER: ip -batch commands setting up host H's namespace
ol_host_batch() {
	local h=$1 peer=$2 local_ip=192.168.100.$1 peer_ip=192.168.100.$2 p
	echo "link set lo up"
	echo "addr add $local_ip/24 dev ul$h"
	echo "link set ul$h up"
	case $OL_MODE in
	vxlan)
		echo "link add $OL_DEV type vxlan id $OL_VNI dstport $OL_VXLAN_PORT" \
			"local $local_ip remote $peer_ip dev ul$h nolearning"
		;;
	geneve)
		echo "link add $OL_DEV type geneve id $OL_VNI dstport $OL_GENEVE_PORT" \
			"remote $peer_ip"
		;;
	ipip)
		echo "link add $OL_DEV type ipip local $local_ip remote $peer_ip dev ul$h"
		;;
	esac
	echo "link set $OL_DEV mtu $OL_MTU up"
	echo "addr add 10.244.$h.0/32 dev $OL_DEV"
	echo "route add 10.244.$peer.0/24 via 10.244.$peer.0 dev $OL_DEV onlink"
	echo "link add $OL_BR mtu $OL_MTU type bridge"
	echo "addr add 10.244.$h.1/24 dev $OL_BR"
	echo "link set $OL_BR up"
	for p in $(seq "$OL_NPODS"); do
		echo "link set veth$h$p master $OL_BR up"
	done
}

# ol_batch [NS]: run ip -batch commands from stdin (in NS), the failing line on failure
ol_batch() {
	local out
	if ! out=$(ip ${1:+-n "$1"} -batch - 2>&1); then
		echo "overlay_up: ip${1:+ -n $1} -batch: $out" >&2
		return 1
	fi
}

# overlay_up vxlan|ipip|geneve: the whole testbed, from scratch.
overlay_up() {
	local mode=${1:-} ns h p
	case $mode in
	# outer IPv4 20 + UDP 8 + vxlan or geneve header 8 + inner Ethernet 14; IPv4 20
	vxlan | geneve) OL_MTU=$((OL_UL_MTU - 50)) ;;
	ipip) OL_MTU=$((OL_UL_MTU - 20)) ;;
	*) echo "overlay_up: mode must be vxlan, ipip or geneve, not '$mode'" >&2; return 1 ;;
	esac
	overlay_down
	OL_MODE=$mode
	# every step returns on failure, also when the caller tests overlay_up (no set -e)
	# namespaces and the veth pairs between them, from here
	{
		for ns in $(ol_namespaces); do echo "netns add $ns"; done
		echo "link add $OL_UL1 netns $OL_H1 mtu $OL_UL_MTU type veth" \
			"peer name $OL_UL2 netns $OL_H2 mtu $OL_UL_MTU"
		echo "link add $OL_EXT_IF1 netns $OL_H1 type veth" \
			"peer name $OL_EXT_IF netns $OL_EXT"
		for h in 1 2; do
			for p in $(seq "$OL_NPODS"); do
				echo "link add $OL_POD_IF netns olp$h$p mtu $OL_MTU type veth" \
					"peer name veth$h$p netns olh$h mtu $OL_MTU"
			done
		done
	} | ol_batch || return 1
	{
		ol_host_batch 1 2
		echo "addr add $OL_EXT_H1_IP/24 dev $OL_EXT_IF1"
		echo "link set $OL_EXT_IF1 up"
		echo "route add default via $OL_EXT_IP dev $OL_EXT_IF1"
	} | ol_batch "$OL_H1" || return 1
	ol_host_batch 2 1 | ol_batch "$OL_H2" || return 1
	for h in 1 2; do
		for p in $(seq "$OL_NPODS"); do
			printf '%s\n' "link set lo up" \
				"addr add $(ol_pod_ip $h "$p")/24 dev $OL_POD_IF" \
				"link set $OL_POD_IF up" "route add default via 10.244.$h.1" |
				ol_batch "olp$h$p" || return 1
		done
	done
	printf '%s\n' "link set lo up" "addr add $OL_EXT_IP/24 dev $OL_EXT_IF" \
		"link set $OL_EXT_IF up" | ol_batch "$OL_EXT" || return 1

	# the hosts forward; kube-proxy's service DNAT (pods: prerouting; host 1 itself:
	# output), the masquerade of pod traffic leaving the cluster, and of host 1's own
	# traffic into the overlay (its source is ex1's, picked by the default route before
	# the DNAT)
	ip netns exec "$OL_H2" sysctl -qw net.ipv4.ip_forward=1 || return 1
	ip netns exec "$OL_H1" sh -c "sysctl -qw net.ipv4.ip_forward=1 && nft -f -" <<-EOF ||
		table ip ol {
			chain prerouting {
				type nat hook prerouting priority dstnat; policy accept;
				ip daddr $OL_VIP tcp dport $OL_VIP_PORT \
					dnat to $OL_SVC_IP:$OL_SVC_PORT
			}
			chain output {
				type nat hook output priority -100; policy accept;
				ip daddr $OL_VIP tcp dport $OL_VIP_PORT \
					dnat to $OL_SVC_IP:$OL_SVC_PORT
			}
			chain postrouting {
				type nat hook postrouting priority srcnat; policy accept;
				ip saddr $OL_CLUSTER_CIDR oifname "$OL_EXT_IF1" masquerade
				ip saddr != $OL_CLUSTER_CIDR oifname "$OL_DEV" masquerade
			}
		}
	EOF
		return 1
}

# ol_serve PORT NS...: in each NS, a TCP server on PORT answering each connection with one
# line "NS PEER_IP PEER_PORT LOCAL_IP LOCAL_PORT", then closing; returns once all listen.
ol_serve() {
	local port=$1 ns env
	shift
	# socat sets these for the shell it starts per connection (':' would end the address)
	# shellcheck disable=SC2016
	env='$SOCAT_PEERADDR $SOCAT_PEERPORT $SOCAT_SOCKADDR $SOCAT_SOCKPORT'
	for ns in "$@"; do
		ip netns exec "$ns" socat "TCP4-LISTEN:$port,reuseaddr,fork" \
			"SYSTEM:echo $ns $env" </dev/null >/dev/null 2>&1 &
	done
	for ns in "$@"; do
		for _ in $(seq 100); do
			[ -n "$(ip netns exec "$ns" ss -Hltn "sport = :$port")" ] && continue 2
			sleep 0.1
		done
		echo "ol_serve: nothing listens on $ns port $port" >&2
		return 1
	done
}

# ol_tcp_get NS IP PORT: connect from NS, print the line the server sent (empty on failure).
ol_tcp_get() {
	ip netns exec "$1" socat -T 10 -t 10 - "TCP4:$2:$3,connect-timeout=10" </dev/null || true
}

# ol_capture_start NS IF FILE [FILTER...]: tcpdump on IF into FILE (its messages in
# FILE.log); returns once it listens.
ol_capture_start() {
	local ns=$1 dev=$2 file=$3
	shift 3
	ip netns exec "$ns" tcpdump -n -i "$dev" -s 256 --immediate-mode -U -w "$file" "$@" \
		2>"$file.log" &
	OL_CAP_PID[$file]=$!
	for _ in $(seq 100); do
		grep -q 'listening on' "$file.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "ol_capture_start: tcpdump on $ns $dev did not start: $(cat "$file.log")" >&2
	return 1
}

# ol_capture_stop FILE: stop the capture into FILE once it has written what it received
# (FILE stopped growing); fails if tcpdump still lost packets.
ol_capture_stop() {
	local file=$1 pid=${OL_CAP_PID[$1]:-} size=-1 now counts cap recv drop
	[ -n "$pid" ] || return 0
	for _ in $(seq 50); do
		now=$(stat -c %s "$file")
		[ "$now" = "$size" ] && break
		size=$now
		sleep 0.3
	done
	kill -INT "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	unset "OL_CAP_PID[$file]"
	# "N packets captured", "N packets received by filter", "N packets dropped by kernel"
	counts=$(awk '/packets (captured|received by filter|dropped by kernel)/ {
		printf "%s ", $1 }' "$file.log")
	read -r cap recv drop _ <<<"$counts"
	[ "${cap:-x}" = "${recv:-y}" ] && [ "${drop:-x}" = 0 ] && return 0
	echo "ol_capture_stop: $file: tcpdump lost packets:" \
		"$(tail -n 3 "$file.log" | tr '\n' ' ')" >&2
	return 1
}
