# SPDX-License-Identifier: GPL-2.0-only
# LTTng capture of the microservice testbed (sourced after microsvc.sh and lib.sh): each
# request and call of the apps is a span of libcrosslat-span (MS_SPANS), tracked by
# crosslat_span.ko with threshold 0 so that every span is annotated (its on-CPU, blocked
# and runqueue times), and one LTTng session per phase records the kernel's crosslat_span_*
# and crosslat_rtt_* events, the scheduler's sched_switch and sched_wakeup(_new) (whose
# waits crosslat-analyze attributes to pods), every kernel event with the net_ns context,
# and lttng-ust's crosslat_ust:* (with vtid, vpid).
#
#   ms_trace_setup              # session daemon, crosslat_span + crosslat_rtt and their probes;
#                               # before ms_up (exports MS_SPANS)
#   ms_trace_phase NAME DURATION LOAD [ON_CMD [OFF_CMD]]
#                               # a session $MS_TRACES/NAME around ms_load DURATION LOAD NAME,
#                               # with ON_CMD run once tracing started and OFF_CMD at the end
#                               # (each an ms_fault_* call as one word list, e.g.
#                               # "ms_fault_delay_on 20"); prints ms_load's summary
#   ms_trace_pkt                # after overlay_up: crosslat_pkt at every service pod's port
#                               # and both NICs, its crosslat_pkt_hop events traced too
#   ms_trace_warmup             # 3 s of load, not traced: the first connections, the apps'
#                               # lttng-ust registration, caches (the first seconds' tail
#                               # would widen the baseline)
#   ms_trace_teardown           # session daemon stopped (modules stay: unload_engine)
MS_TRACES=${MS_TRACES:-$OUT/traces}
MS_TRACE_EVENTS='crosslat_span_*,crosslat_rtt_*'

# ms_trace_insmod MODULE [PARAM...]: loaded once (a retried scenario finds it loaded)
ms_trace_insmod() {
	lsmod | grep -q "^${1//-/_} " || insmod "$(ko "$1")" "${@:2}"
}

ms_trace_setup() {
	local lib=$CROSSLAT_TOP/build/ust/libcrosslat-span.so
	[ -f "$lib" ] || fail "$lib not built (make ust)"
	export MS_SPANS=$lib
	lttng_start_daemon sched
	load_engine
	ms_trace_insmod crosslat_span threshold_us=0
	ms_trace_insmod crosslat_rtt
	ms_trace_insmod lttng-probe-crosslat
	ms_trace_insmod lttng-probe-crosslat-span
	ms_trace_insmod lttng-probe-crosslat-rtt
	mkdir -p "$MS_TRACES"
}

ms_trace_phase() {
	local name=$1 dur=$2 load=$3 on=${4:-} off=${5:-}
	lttng create "ms-$name" --output="$MS_TRACES/$name" >/dev/null
	lttng enable-event -k "$MS_TRACE_EVENTS" >/dev/null
	lttng enable-event -k sched_switch,sched_wakeup,sched_wakeup_new >/dev/null
	lttng add-context -k -t net_ns >/dev/null
	lttng enable-event -u 'crosslat_ust:*' >/dev/null
	lttng add-context -u -t vtid -t vpid >/dev/null
	lttng start >/dev/null
	# shellcheck disable=SC2086 # a command and its arguments
	[ -z "$on" ] || $on
	ms_load "$dur" "$load" "$name"
	# shellcheck disable=SC2086
	[ -z "$off" ] || $off
	lttng stop >/dev/null
	lttng destroy >/dev/null
}

ms_trace_pkt() {
	local h1 h2 points
	ifidx() { ip -n "$1" -o link show dev "$2" | cut -d: -f1; }
	h1=$(stat -L -c %i "/run/netns/$OL_H1") h2=$(stat -L -c %i "/run/netns/$OL_H2")
	# host 1: the frontend (veth11), backend-c (veth12); host 2: backend-a (veth21),
	# backend-b (veth22); the NICs
	points="vport:$h1:$(ifidx "$OL_H1" veth11),vport:$h1:$(ifidx "$OL_H1" veth12)"
	points+=",nic:$h1:$(ifidx "$OL_H1" "$OL_UL1"),nic:$h2:$(ifidx "$OL_H2" "$OL_UL2")"
	points+=",vport:$h2:$(ifidx "$OL_H2" veth21),vport:$h2:$(ifidx "$OL_H2" veth22)"
	lsmod | grep -q '^crosslat_pkt ' && rmmod crosslat_pkt
	insmod "$(ko crosslat_pkt)" points="$points"
	ms_trace_insmod lttng-probe-crosslat-pkt
	MS_TRACE_EVENTS+=",crosslat_pkt_*"
}

ms_trace_warmup() {
	ms_load 3s 30/s warmup >/dev/null
}

ms_trace_teardown() {
	lttng_stop_daemon
}
