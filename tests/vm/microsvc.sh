# SPDX-License-Identifier: GPL-2.0-only
# Microservice application on the overlay testbed (sourced after overlay.sh): four services,
# each an nginx sidecar in front of an app server, a wrk load generator and fault injection.
#
#  host 1 (olh1)                                    host 2 (olh2)
#  olp13 10.244.1.13 (olp12 if OL_NPODS < 3)
#   wrk + microsvc/traceparent.lua (ms_load)
#        | GET 10.244.1.11:80, a fresh traceparent each
#        v
#  olp11 10.244.1.11: frontend                      olp21 10.244.2.11: backend-a
#   nginx :80 -> app 127.0.0.1:8080 --+-- VIP --->   nginx :80, :8080 -> app 127.0.0.1:8080
#   (calls both backends at once)     |  10.96.0.10:80, DNAT in host 1 to 10.244.2.11:8080
#                                     |
#                                     +-- 10.244.2.12:80 -->  olp22 10.244.2.12: backend-b
#  olp12 10.244.1.12: backend-c                        nginx :80 -> app 127.0.0.1:8080 -+
#   nginx :80 -> app 127.0.0.1:8080 <--------------- 10.244.1.12:80 ----------------------+
#
#  ul1 192.168.100.1 ===== vxlan | ipip | geneve, underlay veth ===== ul2 192.168.100.2
#   netem delay / loss on ul1 (olh1) and ul2 (olh2): ms_fault_delay_on, ms_fault_loss_on
#   CPU hogs in host 2 on the CPU of backend-a's app: ms_fault_cpu_on backend-a
#   backend-c sleeping in some of its requests: ms_fault_slow_on backend-c 50 0.3
#
# So every request crosses the overlay both ways: frontend -> backend-a and -> backend-b
# from host 1 to host 2 (and back), backend-b -> backend-c from host 2 to host 1 (and back).
# Sidecar: Debian's nginx with its own config, prefix and pid file in the service's
# directory, master process and one worker, proxying to the app over HTTP/1.1 keep-alive,
# passing the pod-level connection as X-Crosslat-Peer / X-Crosslat-Local; access log in
# JSON lines. App: microsvc/app.py (its docstring documents the ground-truth log).
#
# Usage (under set -euo pipefail, after `overlay_up MODE`; OL_NPODS=3 before sourcing
# overlay.sh gives wrk a pod of its own):
#   trap 'ms_down; overlay_down' EXIT
#   ms_up                       # deploy the four services (tears down a previous one first)
#   ms_load DURATION LOAD [NAME]  # wrk --latency for DURATION (wrk's: 5s, 1m) from the
#                               # client pod against the frontend; LOAD is a number of
#                               # connections, or RATE/s for at most RATE requests a second
#                               # (MS_LOAD_CONNS connections, each waiting between requests);
#                               # prints a summary; files $MS_DIR/load/NAME.{json,ids,txt}
#   ms_fault_delay_on MS        # netem delay MS on both underlay ends (each crossing +MS)
#   ms_fault_loss_on PCT        # netem loss PCT% on both underlay ends
#   ms_fault_cpu_on SVC [N [NICE]]  # pin SVC's app to the last CPU, N (4) stress-ng --cpu
#                               # hogs there at nice NICE (-5)
#   ms_fault_slow_on SVC MS FRACTION   # SVC sleeps MS in FRACTION of its requests
#   ms_fault_delay_off, ms_fault_loss_off, ms_fault_cpu_off, ms_fault_slow_off SVC
#   ms_fault_off                # whichever is on
#   ms_truth summary|values ARGS  # microsvc/truth.py over every service's log
#   ms_nstat_pods COUNTER       # the sum of nstat COUNTER over the services' pods (absolute)
#   ms_down                     # idempotent: faults off, sidecars and apps stopped (the
#                               # files stay in $MS_DIR)
# Files: $MS_DIR/SVC/{requests.jsonl (ground truth), app.log, nginx.conf, nginx.pid,
# access.log, error.log, slow (the slow fault's control file)}. Knobs (before ms_up):
# MS_DIR (/tmp/microsvc), MS_VIA_VIP (1: the frontend calls backend-a through the VIP),
# MS_WORK_US_frontend, _backend_a, _backend_b, _backend_c (CPU microseconds per request:
# 0, 5000, 0, 0, so that CPU contention has work to delay in backend-a), MS_SPANS (the path
# of libcrosslat-span.so: each request and call is a span of it, see microsvc/app.py),
# MS_SIDECARS (1; 0: no nginx, each app listens on its pod's address itself),
# MS_APP_ARGS_frontend, _backend_a, ... (more arguments of that service's app.py).

MS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MS_APP=$MS_HERE/microsvc/app.py
MS_LUA=$MS_HERE/microsvc/traceparent.lua
MS_TRUTH=$MS_HERE/microsvc/truth.py
MS_PY=/usr/bin/python3
MS_DIR=${MS_DIR:-/tmp/microsvc}
MS_VIA_VIP=${MS_VIA_VIP:-1}
MS_SIDECARS=${MS_SIDECARS:-1}
MS_LOAD_CONNS=${MS_LOAD_CONNS:-4}
MS_APP_PORT=8080 MS_PORT=80
MS_SERVICES="frontend backend-a backend-b backend-c"
# service -> pod (host, pod index)
declare -gA MS_HOST=([frontend]=1 [backend-a]=2 [backend-b]=2 [backend-c]=1)
declare -gA MS_PODI=([frontend]=1 [backend-a]=1 [backend-b]=2 [backend-c]=2)
# CPU work per request (microseconds of the handler thread's CPU time)
declare -gA MS_WORK_US=(
	[frontend]=${MS_WORK_US_frontend:-0} [backend-a]=${MS_WORK_US_backend_a:-5000}
	[backend-b]=${MS_WORK_US_backend_b:-0} [backend-c]=${MS_WORK_US_backend_c:-0})
if [ "$OL_NPODS" -ge 3 ]; then MS_CLIENT_NS=olp13; else MS_CLIENT_NS=olp12; fi
MS_FRONTEND_URL=http://$OL_POD11_IP:$MS_PORT/
MS_NLOAD=0
MS_STRESS_PID='' MS_CPU_SVC='' MS_CPU_MASK=''

ms_ns() { echo "olp${MS_HOST[$1]}${MS_PODI[$1]}"; }
ms_ip() { ol_pod_ip "${MS_HOST[$1]}" "${MS_PODI[$1]}"; }
ms_app_pid() { cat "$MS_DIR/$1/app.pid" 2>/dev/null; }

# ms_calls SVC: the app's --call arguments
ms_calls() {
	case $1 in
	frontend)
		if [ "$MS_VIA_VIP" = 1 ]; then
			echo "--call backend-a=http://$OL_VIP:$OL_VIP_PORT/"
		else
			echo "--call backend-a=http://$(ms_ip backend-a):$MS_PORT/"
		fi
		echo "--call backend-b=http://$(ms_ip backend-b):$MS_PORT/ --parallel"
		;;
	backend-b) echo "--call backend-c=http://$(ms_ip backend-c):$MS_PORT/" ;;
	esac
}

# ms_nginx_conf SVC: the sidecar's configuration
ms_nginx_conf() {
	local svc=$1 d=$MS_DIR/$1 ip listen
	ip=$(ms_ip "$svc")
	listen="listen $ip:$MS_PORT;"
	# the VIP's DNAT (overlay.sh) targets OL_SVC_IP:OL_SVC_PORT: the sidecar takes it there
	[ "$ip" = "$OL_SVC_IP" ] && listen="$listen listen $ip:$OL_SVC_PORT;"
	cat <<-EOF
		# generated by tests/vm/microsvc.sh: sidecar of $svc
		user root;
		daemon on;
		master_process on;
		worker_processes 1;
		pid $d/nginx.pid;
		error_log $d/error.log warn;
		events { worker_connections 1024; }
		http {
		    client_body_temp_path $d/tmp/body;
		    proxy_temp_path $d/tmp/proxy;
		    fastcgi_temp_path $d/tmp/fastcgi;
		    uwsgi_temp_path $d/tmp/uwsgi;
		    scgi_temp_path $d/tmp/scgi;
		    log_format ms escape=json '{"msec":\$msec,"service":"$svc",'
		        '"traceparent":"\$http_traceparent","peer":"\$remote_addr:\$remote_port",'
		        '"local":"\$server_addr:\$server_port","status":\$status,'
		        '"request_time":\$request_time,"upstream":"\$upstream_addr",'
		        '"upstream_time":"\$upstream_response_time","connection":\$connection,'
		        '"connection_requests":\$connection_requests}';
		    access_log $d/access.log ms;
		    keepalive_timeout 600s;
		    keepalive_requests 1000000;
		    upstream app {
		        server 127.0.0.1:$MS_APP_PORT;
		        keepalive 32;
		        keepalive_requests 1000000;
		        keepalive_timeout 600s;
		    }
		    server {
		        $listen
		        location / {
		            proxy_pass http://app;
		            proxy_http_version 1.1;
		            proxy_set_header Connection "";
		            proxy_set_header X-Crosslat-Peer \$remote_addr:\$remote_port;
		            proxy_set_header X-Crosslat-Local \$server_addr:\$server_port;
		            proxy_next_upstream off;
		            proxy_read_timeout 60s;
		        }
		    }
		}
	EOF
}

# ms_wait_listen NS IP:PORT WHAT: until something listens there (10 s)
ms_wait_listen() {
	for _ in $(seq 100); do
		[ -n "$(ip netns exec "$1" ss -Hltn "src $2")" ] && return 0
		sleep 0.1
	done
	echo "ms_up: $3 does not listen on $2 in $1" >&2
	return 1
}

# ms_app_listen SVC: where the app listens (behind its sidecar, or on the pod's port)
ms_app_listen() {
	if [ "$MS_SIDECARS" = 1 ]; then
		echo "127.0.0.1:$MS_APP_PORT"
	else
		echo "$(ms_ip "$1"):$MS_PORT"
	fi
}

# ms_start SVC: the app, then its sidecar, in the service's pod
ms_start() {
	local svc=$1 d=$MS_DIR/$1 ns ip calls extra
	ns=$(ms_ns "$svc") ip=$(ms_ip "$svc") calls=$(ms_calls "$svc")
	extra=MS_APP_ARGS_${svc//-/_}
	mkdir -p "$d/tmp"
	# shellcheck disable=SC2086 # calls and the extra arguments are lists of arguments
	ip netns exec "$ns" "$MS_PY" "$MS_APP" --name "$svc" --log "$d/requests.jsonl" \
		--listen "$(ms_app_listen "$svc")" --work-us "${MS_WORK_US[$svc]}" \
		--fault-file "$d/slow" ${MS_SPANS:+--spans "$MS_SPANS"} $calls ${!extra:-} \
		</dev/null >>"$d/app.log" 2>&1 &
	echo $! >"$d/app.pid"
	[ "$MS_SIDECARS" = 1 ] || return 0
	ms_nginx_conf "$svc" >"$d/nginx.conf"
	ip netns exec "$ns" nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log" \
		</dev/null >>"$d/app.log" 2>&1 || {
		echo "ms_up: nginx for $svc failed: $(tail -n 3 "$d/error.log")" >&2
		return 1
	}
}

# ms_up: the four services, each answering through its sidecar
ms_up() {
	local svc ns code
	[ -n "$OL_MODE" ] || { echo "ms_up: no overlay testbed (overlay_up first)" >&2; return 1; }
	ms_down
	for svc in $MS_SERVICES load; do rm -rf "${MS_DIR:?}/$svc"; done
	mkdir -p "$MS_DIR/load"
	for svc in $MS_SERVICES; do
		ms_start "$svc" || return 1
	done
	for svc in $MS_SERVICES; do
		ns=$(ms_ns "$svc")
		ms_wait_listen "$ns" "$(ms_app_listen "$svc")" "$svc's app" || {
			echo "ms_up: $(tail -n 5 "$MS_DIR/$svc/app.log")" >&2
			return 1
		}
		[ "$MS_SIDECARS" = 1 ] || continue
		ms_wait_listen "$ns" "$(ms_ip "$svc"):$MS_PORT" "$svc's nginx" || return 1
	done
	# one request end to end (its trace is no wrk's: summaries with --ids leave it out)
	code=$(ol_ns "$MS_CLIENT_NS" curl -s -o /dev/null -w '%{http_code}' --max-time 30 \
		"$MS_FRONTEND_URL") || true
	[ "$code" = 200 ] || { echo "ms_up: the frontend answered '$code'" >&2; return 1; }
}

# ms_down: faults off, sidecars and apps stopped; never fails
ms_down() {
	local svc d pid pids=''
	ms_fault_off
	for svc in $MS_SERVICES; do
		d=$MS_DIR/$svc
		pid=$(cat "$d/nginx.pid" 2>/dev/null) && pids="$pids $pid"
		pid=$(ms_app_pid "$svc") && pids="$pids $pid"
		rm -f "$d/app.pid"
	done
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086 # a list of pids
	kill $pids 2>/dev/null || true
	for _ in $(seq 50); do
		# shellcheck disable=SC2086
		kill -0 $pids 2>/dev/null || break
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -9 $pids 2>/dev/null || true
	for svc in $MS_SERVICES; do rm -f "$MS_DIR/$svc/nginx.pid"; done
	return 0
}

# ms_load DURATION LOAD [NAME]: wrk from the client pod; prints one summary line
ms_load() {
	local dur=$1 load=$2 conns think=0 d=$MS_DIR/load name rc=0
	MS_NLOAD=$((MS_NLOAD + 1))
	name=${3:-load$MS_NLOAD}
	case $load in
	[1-9]*/s)
		conns=$MS_LOAD_CONNS
		think=$((conns * 1000 / ${load%/s}))
		;;
	[1-9]*) conns=$load ;;
	*) echo "ms_load: LOAD is CONNECTIONS or RATE/s, not '$load'" >&2; return 1 ;;
	esac
	rm -f "$d/$name".*
	ip netns exec "$MS_CLIENT_NS" env MS_WRK_IDS="$d/$name.ids" MS_WRK_OUT="$d/$name.json" \
		MS_WRK_THINK_MS=$think wrk -t 1 -c "$conns" -d "$dur" --timeout 10s --latency \
		-s "$MS_LUA" "$MS_FRONTEND_URL" >"$d/$name.txt" 2>&1 || rc=$?
	cat "$d/$name.ids".* >"$d/$name.ids" 2>/dev/null || true
	rm -f "$d/$name.ids".*
	if [ $rc != 0 ] || [ ! -s "$d/$name.json" ]; then
		echo "ms_load: wrk failed ($rc): $(tail -n 3 "$d/$name.txt")" >&2
		return 1
	fi
	# the frontend logs its last requests just after answering them
	sleep 0.3
	jq -M -r --arg n "$name" --argjson c "$conns" --argjson t "$think" '
		"\($n): \(.requests) requests in \(.duration_us / 1e6 | . * 10 | round / 10) s" +
		" over \($c) connections\(if $t > 0 then " (think \($t) ms)" else "" end), latency" +
		" p50 \(.latency_us.p50 / 1000) p90 \(.latency_us.p90 / 1000)" +
		" p99 \(.latency_us.p99 / 1000) ms, errors \([.errors[]] | add)"' "$d/$name.json"
}

# ---- faults, one at a time ----
# ms_fault_netem ARGS...: the same netem qdisc on both ends of the underlay
ms_fault_netem() {
	ol_h1 tc qdisc replace dev "$OL_UL1" root netem "$@" &&
		ol_h2 tc qdisc replace dev "$OL_UL2" root netem "$@"
}

ms_fault_netem_off() {
	ol_h1 tc qdisc del dev "$OL_UL1" root 2>/dev/null || true
	ol_h2 tc qdisc del dev "$OL_UL2" root 2>/dev/null || true
}

# ms_fault_delay_on MS: every underlay crossing (each direction) takes MS more
ms_fault_delay_on() { ms_fault_netem delay "$1ms"; }
ms_fault_delay_off() { ms_fault_netem_off; }
# ms_fault_loss_on PCT: every underlay packet is dropped with probability PCT%
ms_fault_loss_on() { ms_fault_netem loss "$1%"; }
ms_fault_loss_off() { ms_fault_netem_off; }

# ms_fault_netem_drops: packets netem dropped on both underlay ends since the qdisc was set
ms_fault_netem_drops() {
	{
		ol_h1 tc -s qdisc show dev "$OL_UL1"
		ol_h2 tc -s qdisc show dev "$OL_UL2"
	} | awk '/^qdisc netem/ { on = 1 } /^qdisc/ && !/netem/ { on = 0 }
		on && /dropped/ { sub(",", "", $7); n += $7 } END { print n + 0 }'
}

# ms_fault_cpu_on SVC [WORKERS [NICE]]: SVC's app (every thread) pinned to the last CPU,
# and WORKERS (4) stress-ng CPU hogs at nice NICE (-5: a neighbour with three times the
# CPU weight) pinned there, in SVC's host. (Hogs at nice 0 barely delay an app that sleeps
# between requests: CFS favours the waking thread.)
ms_fault_cpu_on() {
	local svc=$1 n=${2:-4} nice=${3:--5} pid cpu
	ms_fault_cpu_off
	pid=$(ms_app_pid "$svc") || { echo "ms_fault_cpu_on: $svc is not running" >&2; return 1; }
	cpu=$(($(nproc) - 1))
	MS_CPU_MASK=$(taskset -p "$pid" | awk '{ print $NF }')
	MS_CPU_SVC=$svc
	taskset -a -p -c "$cpu" "$pid" >/dev/null
	# not through ol_host: a function in the background would leave $! a subshell's
	ip netns exec "olh${MS_HOST[$svc]}" nice -n "$nice" taskset -c "$cpu" \
		stress-ng --cpu "$n" --timeout 0 --quiet </dev/null >"$MS_DIR/stress-ng.log" 2>&1 &
	MS_STRESS_PID=$!
	# until the hogs run (stress-ng forks them)
	for _ in $(seq 50); do
		[ "$(pgrep -c -P "$MS_STRESS_PID" || true)" -ge "$n" ] && return 0
		sleep 0.1
	done
	echo "ms_fault_cpu_on: stress-ng did not start: $(cat "$MS_DIR/stress-ng.log")" >&2
	return 1
}

ms_fault_cpu_off() {
	local pid
	if [ -n "$MS_STRESS_PID" ]; then
		kill "$MS_STRESS_PID" 2>/dev/null || true
		wait "$MS_STRESS_PID" 2>/dev/null || true
		MS_STRESS_PID=''
	fi
	if [ -n "$MS_CPU_SVC" ]; then
		if pid=$(ms_app_pid "$MS_CPU_SVC"); then
			taskset -a -p "$MS_CPU_MASK" "$pid" >/dev/null 2>&1 || true
		fi
		MS_CPU_SVC=''
	fi
}

# ms_fault_slow_on SVC MS FRACTION: SVC's handler sleeps MS in FRACTION of its requests
ms_fault_slow_on() {
	[ -d "$MS_DIR/$1" ] || { echo "ms_fault_slow_on: no service $1" >&2; return 1; }
	echo "$2 $3" >"$MS_DIR/$1/slow.tmp"
	mv "$MS_DIR/$1/slow.tmp" "$MS_DIR/$1/slow"
}

ms_fault_slow_off() { rm -f "$MS_DIR/$1/slow"; }

ms_fault_off() {
	local svc
	[ -n "$OL_MODE" ] && ms_fault_netem_off
	ms_fault_cpu_off
	for svc in $MS_SERVICES; do ms_fault_slow_off "$svc"; done
	return 0
}

# ms_truth summary|values [ARGS]: truth.py over every service's ground-truth log
ms_truth() {
	local cmd=$1 svc logs=()
	shift
	for svc in $MS_SERVICES; do logs+=("$MS_DIR/$svc/requests.jsonl"); done
	"$MS_PY" "$MS_TRUTH" "$cmd" "$@" "${logs[@]}"
}

# ms_nstat_pods COUNTER: COUNTER (e.g. TcpRetransSegs) summed over the services' pods
ms_nstat_pods() {
	local svc n=0 v
	for svc in $MS_SERVICES; do
		v=$(ip netns exec "$(ms_ns "$svc")" nstat -asz "$1" |
			awk -v c="$1" '$1 == c { print $2 }')
		n=$((n + ${v:-0}))
	done
	echo $n
}
