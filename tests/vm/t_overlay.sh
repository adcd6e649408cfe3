# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (passes on the debug kernel too, but takes 134 s there against ~30 s)
# The overlay testbed (tests/vm/overlay.sh) end to end, for vxlan, ipip and geneve: every
# pod reaches every pod of the other host over TCP and the server sees the client's own pod
# address; a full-size DF ping crosses at the pods' MTU. tcpdump on the underlay veth,
# decoded by tshark, holds every one of those connections (both directions) encapsulated as
# the mode says (outer addresses the underlay's, VNI, UDP port; IP protocol 4 for ipip), no
# pod packet in the clear, no outer fragment, and frames no larger than the underlay's
# MTU. The VIP reaches the backend pod from host 1's pods and from host 1 itself, and
# conntrack in host 1 shows the DNAT (original destination VIP:80, reply source the backend
# pod:8080); host 1's pods reach the external host, which sees host 1's address (SNAT), as
# conntrack does. Teardown leaves no namespace and no process behind, also when run twice.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/overlay.sh"

for t in nft tcpdump tshark socat conntrack ping; do
	command -v $t >/dev/null || skip "$t not installed (scripts/deps)"
done
trap overlay_down EXIT

PORT=7000

# conntrack_fields NS ORIG_DST ORIG_SRC: "osrc odst osport odport rsrc rdst rsport rdport"
# of the (first listed) TCP connection in NS from ORIG_SRC to ORIG_DST.
conntrack_fields() {
	ip netns exec "$1" conntrack -L -p tcp --orig-dst "$2" --orig-src "$3" 2>/dev/null |
		awk 'NR == 1 {
			for (i = 1; i <= NF; i++)
				if ($i ~ /^(src|dst|sport|dport)=/) {
					sub(/^[a-z]+=/, "", $i)
					v[n++] = $i
				}
			print v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7] }'
}

# get NS IP PORT WANT_NS WANT_PEER_IP: connect, check who answered and whom it saw;
# prints the client port the server saw.
get() {
	local line ns peer port
	line=$(ol_tcp_get "$1" "$2" "$3")
	read -r ns peer port _ <<<"$line"
	[ "${ns:-}" = "$4" ] || fail "$1 -> $2:$3: answered by '${ns:-nobody}', want $4 ($line)"
	[ "${peer:-}" = "$5" ] || fail "$1 -> $2:$3: server saw peer ${peer:-none}, want $5"
	echo "$port"
}

# check_mtu: ol0, the bridges and the pods at OL_MTU; a DF ping of that size crosses
check_mtu() {
	local h dev mtu size=$((OL_MTU - 28)) rtt
	for h in 1 2; do
		for dev in "$OL_DEV" "$OL_BR"; do
			mtu=$(ol_host $h cat "/sys/class/net/$dev/mtu")
			[ "$mtu" = "$OL_MTU" ] ||
				fail "$OL_MODE: host $h $dev mtu $mtu, want $OL_MTU"
		done
		mtu=$(ol_pod $h 1 cat "/sys/class/net/$OL_POD_IF/mtu")
		[ "$mtu" = "$OL_MTU" ] || fail "$OL_MODE: pod $h.1 mtu $mtu, want $OL_MTU"
	done
	rtt=$(ol_pod 1 1 ping -n -c 1 -W 5 -M "do" -s $size "$OL_POD21_IP" |
		grep -oE 'time=[0-9.]+') ||
		fail "$OL_MODE: no reply to a $size-byte DF ping from pod 1.1 to pod 2.1"
	say "ok: $OL_MODE MTU $OL_MTU on ol0, br0 and pods (underlay $OL_UL_MTU); a $size-byte" \
		"DF ping pod 1.1 -> pod 2.1 answered, ${rtt#time=} ms"
}

# pods_across: every pod to every pod of the other host; prints "SRC_IP DST_IP" per pair
pods_across() {
	local h p h2 p2 src dst
	for h in 1 2; do
		h2=$((3 - h))
		for p in $(seq "$OL_NPODS"); do
			for p2 in $(seq "$OL_NPODS"); do
				src=$(ol_pod_ip $h "$p") dst=$(ol_pod_ip $h2 "$p2")
				get "olp$h$p" "$dst" $PORT "olp$h2$p2" "$src" >/dev/null
				say "ok: $OL_MODE pod $h.$p -> pod $h2.$p2: olp$h2$p2 answered at" \
					"$dst:$PORT and saw the client as $src"
				echo "$src $dst"
			done
		done
	done
}

# check_vip PAIRS: host 1's pods and host 1 reach the backend through the VIP, conntrack
# shows the DNAT; appends the connections as seen in the overlay to PAIRS
check_vip() {
	local p src cport f
	for p in $(seq "$OL_NPODS"); do
		src=$(ol_pod_ip 1 "$p")
		cport=$(get "olp1$p" "$OL_VIP" "$OL_VIP_PORT" "$OL_SVC_NS" "$src")
		read -r -a f <<<"$(conntrack_fields "$OL_H1" "$OL_VIP" "$src")"
		[ "${f[1]:-}:${f[3]:-}" = "$OL_VIP:$OL_VIP_PORT" ] ||
			fail "$OL_MODE: no conntrack entry $src -> $OL_VIP:$OL_VIP_PORT: ${f[*]}"
		[ "${f[4]:-}:${f[6]:-}" = "$OL_SVC_IP:$OL_SVC_PORT" ] ||
			fail "$OL_MODE: conntrack reply from ${f[4]:-}:${f[6]:-}," \
				"want $OL_SVC_IP:$OL_SVC_PORT"
		[ "${f[2]:-}" = "$cport" ] ||
			fail "$OL_MODE: conntrack sport ${f[2]:-}, server saw $cport"
		say "ok: $OL_MODE pod 1.$p -> VIP $OL_VIP:$OL_VIP_PORT: $OL_SVC_NS answered, saw" \
			"$src:$cport; conntrack: orig ${f[0]}:${f[2]} -> ${f[1]}:${f[3]}," \
			"reply ${f[4]}:${f[6]} -> ${f[5]}:${f[7]}"
		echo "$src $OL_SVC_IP" >>"$1"
	done
	# from host 1 itself: output DNAT, then masquerade into the overlay (kube-proxy's
	# KUBE-POSTROUTING for service traffic from outside the cluster CIDR)
	cport=$(get "$OL_H1" "$OL_VIP" "$OL_VIP_PORT" "$OL_SVC_NS" "$OL_DEV1_IP")
	read -r -a f <<<"$(conntrack_fields "$OL_H1" "$OL_VIP" "$OL_EXT_H1_IP")"
	[ "${f[4]:-}:${f[6]:-} ${f[5]:-}:${f[7]:-}" = \
		"$OL_SVC_IP:$OL_SVC_PORT $OL_DEV1_IP:$cport" ] ||
		fail "$OL_MODE: host 1 -> VIP, conntrack: ${f[*]}"
	say "ok: $OL_MODE host 1 -> VIP: $OL_SVC_NS answered, saw $OL_DEV1_IP:$cport;" \
		"conntrack: orig ${f[0]}:${f[2]} -> ${f[1]}:${f[3]}," \
		"reply ${f[4]}:${f[6]} -> ${f[5]}:${f[7]}"
	echo "$OL_DEV1_IP $OL_SVC_IP" >>"$1"
}

# check_external: host 1's pods reach the external host, which sees host 1's address
check_external() {
	local p src cport f
	for p in $(seq "$OL_NPODS"); do
		src=$(ol_pod_ip 1 "$p")
		cport=$(get "olp1$p" "$OL_EXT_IP" $PORT "$OL_EXT" "$OL_EXT_H1_IP")
		read -r -a f <<<"$(conntrack_fields "$OL_H1" "$OL_EXT_IP" "$src")"
		[ "${f[5]:-}:${f[7]:-}" = "$OL_EXT_H1_IP:$cport" ] ||
			fail "$OL_MODE: SNAT conntrack reply to ${f[5]:-}:${f[7]:-}," \
				"want $OL_EXT_H1_IP:$cport"
		say "ok: $OL_MODE pod 1.$p -> external $OL_EXT_IP:$PORT: answered, saw" \
			"$OL_EXT_H1_IP:$cport (host 1); conntrack: orig ${f[0]}:${f[2]} ->" \
			"${f[1]}:${f[3]}, reply ${f[4]}:${f[6]} -> ${f[5]}:${f[7]}"
	done
}

# check_underlay PCAP PAIRS: tshark decodes every frame captured on the underlay: each pod
# packet encapsulated as the mode says (outer addresses the underlay's, UDP port, VNI), no
# outer fragment, no frame above the underlay's MTU, and every connection in PAIRS ("SRC
# DST" lines) seen inside in both directions.
check_underlay() {
	local pcap=$1 pairs=$2 txt=$OUT/underlay-$OL_MODE.txt encap port what
	local captured frames enc leaks bad frags maxlen missing
	case $OL_MODE in
	vxlan) encap=':ip:udp:vxlan:eth:ethertype:ip:tcp$' port=$OL_VXLAN_PORT ;;
	geneve) encap=':ip:udp:geneve:eth:ethertype:ip:tcp$' port=$OL_GENEVE_PORT ;;
	ipip) encap='^eth:ethertype:ip:ip:tcp$' port=- ;;
	esac
	# fields with several values (outer header first) are comma-separated; geneve.vni is hex
	tshark -r "$pcap" -T fields -E separator=/t -e frame.protocols -e frame.len \
		-e ip.src -e ip.dst -e ip.flags.mf -e ip.frag_offset -e udp.dstport \
		-e vxlan.vni -e geneve.vni >"$txt" 2>/dev/null
	read -r frames enc leaks bad frags maxlen missing <<<"$(awk -F'\t' -v encap="$encap" \
		-v a="$OL_UL1_IP" -v b="$OL_UL2_IP" -v port="$port" -v vni="$OL_VNI" '
		function num(s, i, n) {
			if (s !~ /^0x/)
				return s + 0
			s = tolower(substr(s, 3))
			for (i = 1; i <= length(s); i++)
				n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return n
		}
		NR == FNR { split($0, w, " "); want[w[1] ">" w[2]]; want[w[2] ">" w[1]]; next }
		{
			frames++
			if ($2 > maxlen)
				maxlen = $2
			split($3, s, ","); split($4, d, ",")
			split($5, mf, ","); split($6, off, ",")
			if (s[1] ~ /^10\.244\./ || d[1] ~ /^10\.244\./)
				leaks++
			if (mf[1] ~ /^(1|True)$/ || off[1] + 0 > 0)
				frags++
			if ($1 !~ encap)
				next
			enc++
			if (!((s[1] == a && d[1] == b) || (s[1] == b && d[1] == a)) ||
			    (port != "-" && ($7 != port || num($8 $9) != vni)))
				bad++
			seen[s[2] ">" d[2]]
		}
		END {
			for (p in want)
				if (!(p in seen))
					miss = miss "," p
			print frames + 0, enc + 0, leaks + 0, bad + 0, frags + 0, maxlen + 0,
				miss == "" ? "-" : substr(miss, 2)
		}' "$pairs" "$txt")"
	captured=$(awk '/packets captured/ { print $1 }' "$pcap.log")
	[ "$frames" = "$captured" ] ||
		fail "$OL_MODE: tshark read $frames frames, tcpdump captured $captured"
	[ "$enc" -gt 0 ] || fail "$OL_MODE: no encapsulated TCP among $frames underlay frames"
	[ "$leaks" = 0 ] || fail "$OL_MODE: $leaks pod packets in the clear on the underlay"
	[ "$bad" = 0 ] || fail "$OL_MODE: $bad encapsulated frames with other outer addresses," \
		"port or VNI (see $txt)"
	[ "$frags" = 0 ] || fail "$OL_MODE: $frags outer IP fragments on the underlay"
	[ "$maxlen" = $((OL_UL_MTU + 14)) ] ||
		fail "$OL_MODE: largest underlay frame $maxlen bytes, want $((OL_UL_MTU + 14))" \
			"(the full-size ping at the underlay's MTU plus Ethernet)"
	[ "$missing" = - ] || fail "$OL_MODE: not seen encapsulated on $OL_UL1: $missing"
	case $OL_MODE in
	ipip) what="IP-in-IP (outer IP protocol 4)" ;;
	*) what="${OL_MODE^^} VNI $OL_VNI udp/$port" ;;
	esac
	say "ok: $OL_MODE underlay $OL_UL1: tcpdump captured $captured frames, none lost;" \
		"tshark: $enc TCP in $what between $OL_UL1_IP and $OL_UL2_IP, carrying both" \
		"directions of all $(wc -l <"$pairs") connections across hosts; $leaks pod" \
		"packets in the clear, $frags fragments, largest frame $maxlen bytes"
}

# check_gone WHEN: none of the testbed's namespaces, no socat or tcpdump left
check_gone() {
	local ours left procs
	ours=$(ol_namespaces | tr '\n' ' ')
	left=$(ip netns list | awk -v ours=" $ours" 'index(ours, " " $1 " ")' || true)
	[ -z "$left" ] || fail "$1: namespaces left: $(echo "$left" | tr '\n' ' ')"
	procs=$(pgrep -x 'socat|tcpdump' || true)
	[ -z "$procs" ] || fail "$1: processes left: $(echo "$procs" | tr '\n' ' ')"
	say "ok: $1: ip netns list holds none of the $(ol_namespaces | wc -l) testbed" \
		"namespaces ($(ip netns list | wc -l) in all), no socat or tcpdump left"
}

since() {
	echo "$(date +%s.%N) - $1" | bc | xargs printf '%.1f'
}

for mode in vxlan ipip geneve; do
	t0=$(date +%s.%N)
	overlay_up $mode
	say "$mode: up in $(since "$t0") s"
	# shellcheck disable=SC2046 # a list of names
	ol_serve $PORT $(ol_namespaces | grep -v '^olh') # the pods and the external host
	ol_serve "$OL_SVC_PORT" "$OL_SVC_NS"
	pcap=$OUT/underlay-$mode.pcap
	pairs=$OUT/pairs-$mode.txt
	ol_capture_start "$OL_H1" "$OL_UL1" "$pcap"
	check_mtu
	pods_across >"$pairs"
	check_vip "$pairs"
	check_external
	ol_capture_stop "$pcap"
	check_underlay "$pcap" "$pairs"
	overlay_down
	check_gone "$mode torn down"
	say "$mode: $(since "$t0") s"
done
overlay_down
check_gone "overlay_down once more"
