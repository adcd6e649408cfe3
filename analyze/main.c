// SPDX-License-Identifier: GPL-2.0-only
/*
 * crosslat-analyze: offline analysis of LTTng traces holding crosslat events (summary, flow
 * table, RTT alerts, tunnel mappings, application spans and their OTLP export).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "align.h"
#include "bt_source.h"
#include "flows.h"
#include "format.h"
#include "kallsyms.h"
#include "maps.h"
#include "otlp.h"
#include "pods.h"
#include "record.h"
#include "report.h"
#include "reqdag.h"
#include "reqdag_view.h"
#include "span_view.h"
#include "spans.h"
#include "summary.h"
#include "hops.h"
#include "layers.h"
#include "sched.h"
#include "trace_find.h"
#include "verdicts.h"

#define PROG		"crosslat-analyze"
#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Options a subcommand may accept. */
enum {
	OPT_JSON	= 1 << 0,
	OPT_SORT	= 1 << 1,
	OPT_LIMIT	= 1 << 2,
	OPT_ALL		= 1 << 3,
	OPT_SPAN	= 1 << 4,
	OPT_DETAIL	= 1 << 5,
	OPT_KALLSYMS	= 1 << 6,
	OPT_OUTPUT	= 1 << 7,
	OPT_BASELINE	= 1 << 8,
	OPT_SLOW	= 1 << 9,
	OPT_ALIGN	= 1 << 10,
};

/* The options that take a value (and may be given once). */
#define OPT_VALUES	(OPT_SORT | OPT_LIMIT | OPT_SPAN | OPT_KALLSYMS | OPT_OUTPUT | OPT_BASELINE | \
			 OPT_SLOW)

static const char *const opt_names[] = {
	"--json", "--sort", "--limit", "--all", "--span", "--detail", "--kallsyms", "--output",
	"--baseline", "--slow-ms", "--align",
};

/* getopt_long values of the options without a short form. */
enum {
	LOPT_SORT = 256,
	LOPT_LIMIT,
	LOPT_ALL,
	LOPT_SPAN,
	LOPT_DETAIL,
	LOPT_KALLSYMS,
	LOPT_BASELINE,
	LOPT_SLOW,
	LOPT_ALIGN,
};

/* The tables a subcommand needs built while reading. */
enum {
	NEED_SUMMARY	= 1 << 0,
	NEED_FLOWS	= 1 << 1,
	NEED_MAPS	= 1 << 2,
	NEED_SPANS	= 1 << 3,
	NEED_SCHED	= 1 << 4,
	NEED_HOPS	= 1 << 5,
	NEED_REQS	= 1 << 6,
	NEED_ALIGN	= 1 << 7,
	NEED_SOCKS	= 1 << 8,
	NEED_LAYERS	= 1 << 9,
};

struct analyze_opts {
	bool json;			/* --json: one JSON document on stdout */
	const char *sort_key;		/* --sort, parsed for the command into sort */
	unsigned int sort;		/* enum crosslat_flow_sort or crosslat_span_sort */
	unsigned long limit;		/* --limit; 0: all */
	bool all;			/* --all: spans below their threshold too */
	bool detail;			/* --detail: spans in detail */
	const char *span;		/* --span: a span or trace id (hex) */
	const char *kallsyms;		/* --kallsyms FILE */
	const char *output;		/* -o, --output FILE; NULL: stdout */
	const char *baseline;		/* --baseline TRACE */
	uint64_t slow_ns;		/* --slow-ms; 0: the default */
	bool align;			/* --align: hosts' clocks aligned first (align) */
	unsigned int given;		/* OPT_* seen on the command line */
};

static const struct analyze_opts default_opts = {
	.json	= false,
	.sort	= 0,		/* CROSSLAT_FLOW_SORT_SRTT, CROSSLAT_SPAN_SORT_DURATION */
	.limit	= 0,
	.given	= 0,
};

/* Everything read from the traces. */
struct analysis {
	unsigned int needs;		/* NEED_* */
	struct crosslat_summary summary;
	struct crosslat_flows flows;
	struct crosslat_maps maps;
	struct crosslat_spans spans;
	struct crosslat_sched sched;	/* runqueue waits per pod (sched_* events) */
	struct crosslat_hops hops;	/* crosslat_pkt_hop latencies per hop */
	struct crosslat_reqdag reqs;	/* request DAGs (crosslat_req events) */
	struct crosslat_align align;	/* host clocks (crosslat_req writes read elsewhere) */
	struct crosslat_pod_socks socks;	/* sockets crosslat_req saw (pod flows in use) */
	struct crosslat_layers layers;	/* armed flows' layer sightings (crosslat_rtt_layer_*) */
	struct crosslat_kallsyms ksyms;	/* --kallsyms; empty without */
	const struct analysis *baseline;	/* --baseline; NULL without */
	struct crosslat_trace_dirs dirs;
	struct crosslat_bt_source *src;
	const int64_t *shift_ns;	/* --align: per trace, to the reference clock; or NULL */
	double align_bound_ns;		/* --align: the error of those shifts, at most */
	const struct crosslat_trace_info *traces;
	size_t nr_traces;
	uint64_t events;
	bool progress;			/* stderr is a terminal */
	bool progress_shown;
	struct timespec progress_at;	/* last shown, or when reading started */
};

struct subcmd {
	const char *name;
	const char *synopsis;
	const char *summary;
	unsigned int opts;	/* OPT_* it accepts */
	unsigned int needs;	/* NEED_* */
	int (*print)(const struct analysis *a, const struct analyze_opts *opts);
	const char *const *sort_names;	/* --sort keys, the first the default */
	unsigned int nr_sort;
};

static int print_summary(const struct analysis *a, const struct analyze_opts *opts);
static int print_flows(const struct analysis *a, const struct analyze_opts *opts);
static int print_alerts(const struct analysis *a, const struct analyze_opts *opts);
static int print_maps(const struct analysis *a, const struct analyze_opts *opts);
static int print_spans(const struct analysis *a, const struct analyze_opts *opts);
static int print_otlp(const struct analysis *a, const struct analyze_opts *opts);
static int print_verdicts(const struct analysis *a, const struct analyze_opts *opts);
static int print_report(const struct analysis *a, const struct analyze_opts *opts);
static int print_hops(const struct analysis *a, const struct analyze_opts *opts);
static int print_layers(const struct analysis *a, const struct analyze_opts *opts);
static int print_dags(const struct analysis *a, const struct analyze_opts *opts);
static int print_align(const struct analysis *a, const struct analyze_opts *opts);

static const struct subcmd subcmds[] = {
	{ "summary", "[--json] TRACE...",
	  "traces read, events per name, time span, events the tracer discarded",
	  OPT_JSON, NEED_SUMMARY, print_summary, NULL, 0 },
	{ "flows", "[--json] [--sort KEY] [--limit N] TRACE...",
	  "one row per TCP flow: RTT, retransmits, bytes, alerts (crosslat_rtt events)",
	  OPT_JSON | OPT_SORT | OPT_LIMIT, NEED_FLOWS, print_flows, crosslat_flow_sort_names,
	  CROSSLAT_FLOW_SORT_NR },
	{ "alerts", "[--json] [--limit N] TRACE...",
	  "every crosslat_rtt_alert: time, flow, smoothed RTT, threshold",
	  OPT_JSON | OPT_LIMIT, NEED_FLOWS, print_alerts, NULL, 0 },
	{ "map", "[--json] [--limit N] TRACE...",
	  "tunnel and NAT mappings seen (crosslat_map_add, crosslat_map_del)",
	  OPT_JSON | OPT_LIMIT, NEED_MAPS, print_maps, NULL, 0 },
	{ "spans", "[--json] [--all] [--sort KEY] [--limit N] [--detail] [--span ID]\n"
		   "        [--kallsyms FILE] TRACE...",
	  "application spans, slowest first: on-CPU/blocked/runqueue split, system calls",
	  OPT_JSON | OPT_SORT | OPT_LIMIT | OPT_ALL | OPT_SPAN | OPT_DETAIL | OPT_KALLSYMS,
	  NEED_SPANS, print_spans, crosslat_span_sort_names, CROSSLAT_SPAN_SORT_NR },
	{ "otlp", "[-o FILE] [--kallsyms FILE] TRACE...",
	  "the spans as OTLP/JSON lines (OpenTelemetry Collector file exporter format)",
	  OPT_OUTPUT | OPT_KALLSYMS, NEED_SPANS, print_otlp, NULL, 0 },
	{ "hops", "[--json] [--limit N] TRACE...",
	  "per hop of crosslat_pkt (pod port <-> NIC): segments and latency percentiles",
	  OPT_JSON | OPT_LIMIT, NEED_HOPS, print_hops, NULL, 0 },
	{ "layers", "[--json] [--limit N] TRACE...",
	  "armed flows (RTT alerts, crosslatctl arm) through the host stack: time per stage",
	  OPT_JSON | OPT_LIMIT, NEED_LAYERS, print_layers, NULL, 0 },
	{ "dags", "[--json] [--limit N] [--align] TRACE...",
	  "requests followed through threads, sockets and forks from kernel events alone",
	  OPT_JSON | OPT_LIMIT | OPT_ALIGN, NEED_REQS, print_dags, NULL, 0 },
	{ "align", "[--json] TRACE...",
	  "host clocks aligned by TCP bytes written on one host and read on another",
	  OPT_JSON, NEED_ALIGN, print_align, NULL, 0 },
	{ "verdicts", "[--json] [--baseline TRACE] [--slow-ms N] [--limit N] [--align] TRACE...",
	  "slow requests: latency split into sender host, network, receiver host; culprits",
	  OPT_JSON | OPT_BASELINE | OPT_SLOW | OPT_LIMIT | OPT_ALIGN,
	  NEED_SPANS | NEED_SCHED | NEED_HOPS | NEED_MAPS | NEED_SOCKS,
	  print_verdicts,
	  NULL, 0 },
	{ "report", "-o FILE [--baseline TRACE] [--slow-ms N] [--align] TRACE...",
	  "the verdicts as one self-contained HTML page with SVG charts",
	  OPT_OUTPUT | OPT_BASELINE | OPT_SLOW | OPT_ALIGN,
	  NEED_SPANS | NEED_SCHED | NEED_HOPS | NEED_FLOWS,
	  print_report,
	  NULL, 0 },
};

static const struct option long_options[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "sort",	required_argument,	NULL, LOPT_SORT },
	{ "limit",	required_argument,	NULL, LOPT_LIMIT },
	{ "all",	no_argument,		NULL, LOPT_ALL },
	{ "span",	required_argument,	NULL, LOPT_SPAN },
	{ "detail",	no_argument,		NULL, LOPT_DETAIL },
	{ "kallsyms",	required_argument,	NULL, LOPT_KALLSYMS },
	{ "output",	required_argument,	NULL, 'o' },
	{ "baseline",	required_argument,	NULL, LOPT_BASELINE },
	{ "slow-ms",	required_argument,	NULL, LOPT_SLOW },
	{ "align",	no_argument,		NULL, LOPT_ALIGN },
	{ NULL,		0,			NULL, 0 },
};

static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f,
		"NAME\n"
		"  " PROG " - offline analysis of LTTng traces holding crosslat events\n"
		"\n"
		"SYNOPSIS\n"
		"  " PROG " COMMAND [OPTIONS] TRACE...\n"
		"\n"
		"COMMANDS\n");
	for (i = 0; i < ARRAY_SIZE(subcmds); i++)
		fprintf(f, "  %s %s\n      %s\n", subcmds[i].name, subcmds[i].synopsis,
			subcmds[i].summary);
	fprintf(f,
		"  help\n"
		"      show this help\n"
		"\n"
		"OPTIONS\n"
		"  -j, --json        one JSON document on stdout instead of text\n"
		"      --sort KEY    flows order, largest first: srtt (default), rtt_max, bytes\n"
		"                    (out + in), retrans, alerts; or time (first seen, oldest\n"
		"                    first). Flows without the value come last. spans order\n"
		"                    (annotated spans first): duration (default), blocked, runq,\n"
		"                    oncpu, largest first; or time (start, oldest first)\n"
		"      --limit N     print the first N rows (after sorting)\n"
		"      --all         spans: every span, not only those the kernel annotated\n"
		"      --detail      spans: each span in detail instead of the table\n"
		"      --span ID     spans: the detail of the span with this span id (16 hex\n"
		"                    digits), or of every span of this trace id (32)\n"
		"      --kallsyms FILE  spans, otlp: kernel stack addresses also as symbols, from\n"
		"                    a copy of the traced host's /proc/kallsyms (read as root)\n"
		"  -o, --output FILE otlp: write to FILE instead of stdout; report: the HTML\n"
		"                    file to write (required)\n"
		"      --baseline TRACE  verdicts, report: what is usual comes from this trace (a\n"
		"                    run without the fault); default: the traces judged\n"
		"      --slow-ms N   verdicts, report: requests slower than N ms are slow\n"
		"                    (default: the baseline's median + 2 x (90th percentile -\n"
		"                    median))\n"
		"  -h, --help        show this help\n"
		"\n"
		"ARGUMENTS\n"
		"  TRACE  a CTF trace directory (the one holding a 'metadata' file), or any\n"
		"         directory above traces: an LTTng session directory with kernel/ and\n"
		"         ust/ is searched for every directory holding a 'metadata' file\n"
		"\n"
		"DESCRIPTION\n"
		"  Reads the traces with libbabeltrace2 (src.ctf.fs per trace, merged in time\n"
		"  order by flt.utils.muxer), like `babeltrace2 TRACE...` would, and builds\n"
		"  tables from the crosslat events in them. Several traces (hosts) may be given;\n"
		"  flows and mappings are kept apart per trace. On a terminal a progress line is\n"
		"  shown on stderr while reading.\n"
		"\n"
		"  summary counts events per name over all traces, and per trace its streams,\n"
		"  events and the events the tracer discarded (ring buffer full: the tables are\n"
		"  then incomplete). Times are the traces' clocks, UTC.\n"
		"\n"
		"  flows lists the TCP flows of crosslat_rtt_flow_stats and crosslat_rtt_alert\n"
		"  events, with the figures of each flow's latest crosslat_rtt_flow_stats (they\n"
		"  are cumulative), or of its alerts when the trace has no flow_stats for it. A\n"
		"  flow_stats with another first-packet time starts a new row (the kernel evicted\n"
		"  or restarted the tuple). Columns: NETNS inode; LOCAL and REMOTE endpoints;\n"
		"  SRTT_MS, MIN_MS, MAX_MS and SAMPLES of the RTT; RETRANS segments; BYTES_OUT\n"
		"  and BYTES_IN of TCP payload; THRESH_MS, the alert threshold; ALERTS, the\n"
		"  crosslat_rtt_alert events in the trace; STATE open, closed, evicted, reused\n"
		"  (restarted by a SYN), or - without flow_stats. \"-\": not known. HOST is\n"
		"  added when several traces are read.\n"
		"\n"
		"  alerts lists the crosslat_rtt_alert events in time order: TIME (UTC), the\n"
		"  flow, SRTT_MS the smoothed RTT compared with THRESH_MS, RTT_MS the sample that\n"
		"  moved it, CROSSING (yes: it was at or below the threshold before) and\n"
		"  SUPPRESSED, crossings held back by the rate limit since the previous alert.\n"
		"\n"
		"  map lists the mappings of crosslat_map_add and crosslat_map_del events in the\n"
		"  order first seen: NETNS; DIR encap, decap or nat; TUNNEL; VNI; INNER (pod)\n"
		"  and OUTER (underlay, or NAT reply) tuples; NAT snat, dnat; POD, the pod's\n"
		"  comm/pid, or its netns inode when no process was seen; PACKETS and BYTES\n"
		"  totals of its crosslat_map_del; STATE live or deleted. Fields a crosslat_map\n"
		"  version does not record are shown as \"-\".\n"
		"\n"
		"  spans lists application spans (libcrosslat-span, its LD_PRELOAD library):\n"
		"  crosslat_ust:span_begin and span_end (every span, when an lttng-ust session\n"
		"  records them; add the vtid and vpid contexts for its thread and process) and\n"
		"  the kernel's crosslat_span_annotate, crosslat_span_syscall and\n"
		"  crosslat_span_stack (spans above their threshold, crosslat_span.ko), joined on\n"
		"  host (trace hostname), trace id and span id. Without --all only the annotated\n"
		"  spans are listed. Columns: SERVICE, NAME, TRACE_ID, SPAN_ID; DUR_MS (the\n"
		"  kernel's duration, else span_end's); THRESH_MS; ONCPU_MS, BLOCKED_MS and\n"
		"  RUNQ_MS (waiting for a CPU; they add up to the duration), PREEMPT_MS (the part\n"
		"  of RUNQ_MS after preemptions); SYSCALLS made in the span; TOP_BLOCKING, the\n"
		"  listed call that was off-CPU longest, and for how long. The detail view shows\n"
		"  the listed calls (the kernel keeps the 32 longest) in time order from the\n"
		"  span's start, with their first argument (the fd of read, write, fsync, ...),\n"
		"  result, duration and off-CPU time, then the kernel and user stacks of the\n"
		"  longest block, innermost first, as hex addresses.\n"
		"\n"
		"  otlp writes every span with a time as OTLP/JSON, one {\"resourceSpans\":[...]}\n"
		"  request per line of up to 256 spans, as the OpenTelemetry Collector's file\n"
		"  exporter does (its otlpjsonfile receiver reads them back): a resource per host\n"
		"  and service (service.name, host.name), scope \"crosslat\", span kind SERVER\n"
		"  (2) for names \"METHOD /path\" (the preload library names requests so), else\n"
		"  INTERNAL (1); attributes thread.id, process.pid, crosslat.annotated,\n"
		"  crosslat.threshold_ns, .oncpu_ns, .blocked_ns, .runq_ns, .preempt_ns,\n"
		"  .syscalls, ...; status code as the span ended. Each listed system call is a\n"
		"  child span (INTERNAL, named after the call, span id a hash of the span's ids\n"
		"  and the call's index; crosslat.syscall.fd or .arg0, .ret, crosslat.offcpu_ns),\n"
		"  each stack a span event crosslat.stack.kernel or .user (crosslat.stack.ips:\n"
		"  hex addresses, innermost first). Times are Unix time: the kernel's\n"
		"  CLOCK_MONOTONIC start_ns plus the offset of the trace's \"monotonic\" clock\n"
		"  (from its metadata: the realtime-monotonic difference when the session\n"
		"  began), else the time of span_begin. A kernel span whose trace clock has no\n"
		"  such offset keeps CLOCK_MONOTONIC times (since boot), with the attribute\n"
		"  crosslat.clock=\"monotonic\" and a warning.\n"
		"\n"
		"  hops groups crosslat_pkt_hop events (crosslat_pkt.ko: a segment carrying a\n"
		"  trace context seen at one point of a host, then at another) per hop: HOST,\n"
		"  NETNS (inode of the points' namespace), FROM and TO (role#ifindex: vport, a\n"
		"  pod's port; nic, the underlay), SEGMENT (request or response), EVENTS, and\n"
		"  the latency's MIN_MS, P50_MS, P90_MS, P99_MS, MAX_MS.\n"
		"\n"
		"  layers reads the second phase of the RTT monitor: crosslat_rtt_layer_* events of\n"
		"  the flows an RTT alert or `crosslatctl arm` armed (crosslat_rtt's socket,\n"
		"  netfilter and device sightings). Per flow, sightings of the same sequence number\n"
		"  are chained (the first at each point; a segment seen again at LOCAL_OUT counts as\n"
		"  retransmitted) and timed per stage: send (the send call holding the segment's\n"
		"  first byte -> LOCAL_OUT: TCP, its queue and windows), out (LOCAL_OUT -> dev\n"
		"  queue), qdisc (dev queue -> dev xmit on the same device: the queueing\n"
		"  discipline, netem), in (dev receive -> LOCAL_IN), read (LOCAL_IN -> the return\n"
		"  of the read call holding its first byte: the receive queue and the\n"
		"  application). Columns: HOST, NETNS, LOCAL, REMOTE, TASK (comm[pid] of its first\n"
		"  socket sighting), STAGE, BETWEEN, SEGMENTS, P50_MS, P90_MS, MAX_MS; then the\n"
		"  armed flows, layer events and armings (crosslat_rtt_layer_arm) counted.\n"
		"\n"
		"  dags follows each request through threads, sockets and forks from the kernel's\n"
		"  crosslat_req events alone (crosslat_req.ko; no trace context is read): a thread\n"
		"  that reads a request message is in a state of that request until it writes\n"
		"  the response on the same socket; a message is matched to its writer by TCP\n"
		"  sequence number (the writer may be on another host, in another trace, if the\n"
		"  clocks agree), so it carries the writer's state (a call) or, from a peer that\n"
		"  is not traced, starts a new request (an entry); a thread or process forked\n"
		"  by a thread in a state is in a fork state until it exits; a response read by a\n"
		"  thread outside the request resumes it there. Other events with a tid (payload,\n"
		"  or the tid context: page faults, sched_migrate_task...) are counted in the\n"
		"  state their thread was in. Each request prints as a tree: KIND (entry, call,\n"
		"  fork, resume), the socket it came in on (LOCAL <- PEER), pid, tid, start from\n"
		"  the request's start, duration, [events counted]. With --align, the traces are\n"
		"  read twice: first as align does, then with each aligned host's events moved\n"
		"  onto the reference clock (its offset; the drift is left), so that a write on\n"
		"  one host comes before its read on another.\n"
		"\n"
		"  align puts the clocks of several hosts (traces with different hostnames; a\n"
		"  host's kernel and user-space traces share one) on one: bytes of a TCP\n"
		"  connection written on one host (crosslat_req_send) and read on another\n"
		"  (crosslat_req_recv starting at the same sequence number) say the read came\n"
		"  after the write. With pairs both ways between two hosts, the lines\n"
		"  other = (1 + drift) * (reference - origin) + origin + offset that keep every\n"
		"  write before its read form a convex set (drift within +-1000 ppm); the line\n"
		"  kept is the one with the largest margin to both sides, and the margin is the\n"
		"  bound of its error (the convex-hull synchronization of Trace Compass, after\n"
		"  Duda). The host with the most pairs is the reference; a host is aligned to it\n"
		"  or through an aligned host (bounds add up). Columns: HOST, TRACES, STATUS\n"
		"  (reference, aligned, one-way: bytes one way only, no bound; inconsistent: no\n"
		"  line keeps every write before its read, e.g. a clock stepped; unaligned: no\n"
		"  pair with an aligned host, its times stay its own), VIA (the host it was\n"
		"  aligned to), PAIRS_TO (its writes read there), PAIRS_FROM, OFFSET_MS,\n"
		"  DRIFT_PPM, BOUND_US, LAT_TO_MS and LAT_FROM_MS (median one-way latency of the\n"
		"  pairs, socket to socket, +- the bound; \"<BOUND\" when finer than it). Then\n"
		"  per direction and port (the connection's lower one: its service's) between\n"
		"  aligned hosts: FROM, TO, PORT, PAIRS, MIN_MS, P50_MS, P90_MS one way.\n"
		"\n"
		"  verdicts splits each request (a root span and its descendants: same host and\n"
		"  trace id) along its critical path, from its end backwards into the child that\n"
		"  ended last. A span whose critical child belongs to another service is a call:\n"
		"  its own time is the way there and back, the calling thread's runqueue wait in\n"
		"  it the sender host's (send), the callee thread's wait for a CPU between its\n"
		"  previous span and this one (crosslat_span's pre_runq_ns: woken by the request,\n"
		"  not yet running) the receiver host's (runq), the rest the network's (net:\n"
		"  underlay, stacks and sidecars between the two services). When the kernel trace\n"
		"  has sched_switch and sched_wakeup events and the net_ns context (lttng\n"
		"  add-context -k -t net_ns), the pods' own waits split the call instead: the time\n"
		"  some task of the callee's pod (its sidecar, the thread that will read the\n"
		"  request) waited for a CPU while the call was outside the callee's span is the\n"
		"  receiver host's, then the time some task of the caller's pod waited the sender\n"
		"  host's; a span's pod is the net_ns of its crosslat_span_annotate (or of its\n"
		"  nearest ancestor of the same service). When crosslat_pkt saw the call's request\n"
		"  (crosslat_pkt_hop events whose span id is the call span's) leave the caller's\n"
		"  pod port and reach the callee's, the way there is split at those two times:\n"
		"  until it left, the caller pod's waits for a CPU are the sender host's (the rest,\n"
		"  a lost first copy waiting for its retransmission, the network's); between the\n"
		"  ports, the network's; from the callee's port to its span (sidecar, queueing in\n"
		"  the callee), the receiver host's (recv). Any other span's own\n"
		"  time is its service's: runqueue wait (runq) and the rest (app). Each part is\n"
		"  compared with its median per request in the baseline; a slow request's\n"
		"  verdict is the domain (sender host, network, receiver host) holding at least\n"
		"  half its time above those medians, and its culprit that domain's part with the\n"
		"  most: a flow between two services, or a service's CPU contention or handler.\n"
		"  No domain that large, or less than the floor (a quarter of the threshold's\n"
		"  distance to the median, at least 1 ms): no culprit. A verdict shared by at\n"
		"  least 3 slow requests and 2%% of all is named for the run. Spans need their\n"
		"  kernel annotation (crosslat_span.ko, threshold_us=0 for every span) for the\n"
		"  runqueue parts; without it their time is app or net. With --align (traces of\n"
		"  several hosts, with crosslat_req events to align them by), the traces are read\n"
		"  twice as for dags --align, and a request's spans are grouped by trace id\n"
		"  across hosts. Each culprit names its pods: the network namespaces its\n"
		"  service's spans ran in, per host, with the address, cgroup and process that\n"
		"  crosslat_map's mappings give them (record crosslat_map_*); a call's culprit\n"
		"  also its pod flows, the inner tuples one host encapsulated from the caller's\n"
		"  pod and the other decapsulated into the callee's, with the underlay tuple\n"
		"  each used, only those crosslat_req saw a socket of when it saw the pod's.\n"
		"\n"
		"  report writes the verdicts as one HTML file that needs nothing else to be read\n"
		"  (inline CSS and SVG, no script, no link): the run's culprits, the facts\n"
		"  (requests, slow threshold, the baseline's median and 99th percentile), the CDF\n"
		"  of the requests' latency beside the baseline's (with --baseline) and the slow\n"
		"  threshold, the slow requests (the 50 slowest) as bars of their time above the\n"
		"  baseline per domain with their verdicts, the tables of verdicts and slow\n"
		"  requests, the latency CDF of each hop crosslat_pkt timed and the smoothed RTT\n"
		"  over time of the flows crosslat_rtt followed (the six most segments, the six\n"
		"  highest RTTs). Service names and paths from the traces are escaped.\n"
		"\n"
		"JSON OUTPUT\n"
		"  Integers unless said; trace times (*_ns of events) in ns from the clock's\n"
		"  origin (the Unix epoch for LTTng: beyond 2^53, so read them with a parser\n"
		"  that keeps 64-bit integers, not jq 1.6); first_ns, last_ns of flows and\n"
		"  mappings in the traced host's CLOCK_MONOTONIC; null: not known.\n"
		"  summary: {traces: [{path, hostname, domain (strings or null), streams,\n"
		"    events, discarded_events, discarded_packets}], events, untimed_events,\n"
		"    first_ns, last_ns, duration_ns, events_by_name: {NAME: count}}\n"
		"  flows: an array, one object per flow: trace (path), hostname, netns_inum,\n"
		"    netns_cookie, family (\"ipv4\" or \"ipv6\"), laddr, raddr (strings), lport,\n"
		"    rport, first_ns, last_ns, srtt_ns, rtt_min_ns, rtt_max_ns, rtt_last_ns,\n"
		"    rtt_samples, app_avg_ns, app_max_ns, app_samples, bytes_out, bytes_in,\n"
		"    pkts_out, pkts_in, retrans_segs, retrans_bytes, throughput_out,\n"
		"    throughput_in, thresh_ns, alerts (the kernel's count), alert_events,\n"
		"    stats_events, closed (boolean), reason (\"periodic\", \"close\", \"evict\",\n"
		"    \"reuse\": of the latest flow_stats), event_first_ns, event_last_ns\n"
		"  alerts: an array, one object per alert: time_ns, trace, hostname, netns_inum,\n"
		"    netns_cookie, family, laddr, lport, raddr, rport, srtt_ns, rtt_ns,\n"
		"    thresh_ns, rtt_samples, retrans_segs, crossing (boolean), suppressed\n"
		"  map: an array, one object per mapping: trace, hostname, netns_inum,\n"
		"    netns_cookie, dir (\"encap\", \"decap\", \"nat\"), tunnel (\"vxlan\",\n"
		"    \"geneve\", \"ipip\" or null), vni, nat (bits: 1 snat, 2 dnat), inner and\n"
		"    outer (tuples {family, proto (\"tcp\", \"udp\", ... or the number as a\n"
		"    string), saddr, sport, daddr, dport}), pod ({netns_cookie, netns_inum,\n"
		"    cgroup_id, pid, comm}), adds, changes, dels, deleted (boolean), first_ns,\n"
		"    last_ns, packets, bytes (of the latest crosslat_map_del), event_first_ns,\n"
		"    event_last_ns\n"
		"  spans: an array, one object per span: trace_id, span_id, parent_span_id\n"
		"    (hex; null for a root span), trace, hostname, service, name, pid, tid,\n"
		"    status (\"unset\", \"ok\", \"error\"), annotated, kernel, span_begin,\n"
		"    span_end (booleans: which events were seen), start_ns, end_ns (trace\n"
		"    time), clock (\"unix\", or \"monotonic\" without the trace clock's\n"
		"    offset), duration_ns, mono_start_ns (the kernel's CLOCK_MONOTONIC start),\n"
		"    threshold_ns, oncpu_ns, blocked_ns, runq_ns, preempt_ns, blocks,\n"
		"    preemptions, wakeups, syscalls, syscall_ns, syscalls_listed,\n"
		"    syscalls_unrecorded (null without the kernel's annotate), begin_kernel,\n"
		"    end_kernel (of span_begin, span_end), dropped (events past the per-span\n"
		"    limits), top_blocking (a call or null), calls ([{nr, name, start_ns,\n"
		"    offset_ns (from the span's start), mono_ns, duration_ns, offcpu_ns, arg, fd\n"
		"    (or null), ret}], in the kernel's order), stacks ([{kernel (boolean),\n"
		"    syscall_nr, syscall, start_ns, offset_ns, blocked_ns, depth, ips (hex\n"
		"    strings), symbols (with --kallsyms)}])\n"
		"  hops: an array, one object per hop: netns_inum, trace, hostname, from_role,\n"
		"    from_ifindex, to_role, to_ifindex, segment, events, bytes, min_ns, p50_ns,\n"
		"    p90_ns, p99_ns, max_ns, first_ns, last_ns\n"
		"  dags: an array, one object per request in order of arrival: request (1..),\n"
		"    trace, hostname, start_ns, end_ns, duration_ns, mono_start_ns, states:\n"
		"    [{state (an index), parent (a state, -1 for the entry), kind (\"entry\",\n"
		"    \"call\", \"fork\", \"resume\"), trace, tid, pid, netns, service (the\n"
		"    address its request came in on, or its forking ancestor's; else \"pid N\"),\n"
		"    local, peer (where its request came in; absent for fork and resume),\n"
		"    start_ns, end_ns,\n"
		"    mono_start_ns, mono_end_ns (CLOCK_MONOTONIC of the host), open (not ended\n"
		"    in the trace), returned_to (the state that read its response, or -1),\n"
		"    bytes_in, bytes_out, events: {NAME: count}, other_events}], parents first\n"
		"  align: {pairs, reference (a host or null), hosts: [{host, traces, status, via,\n"
		"    pairs_to, pairs_from, origin_ns, offset_ns, drift_ppm, bound_ns, lat_to_ns,\n"
		"    lat_from_ns (null when not aligned; 0 offset for the reference)}], links:\n"
		"    [{from, to, port, pairs, min_ns, p50_ns, p90_ns}]}\n"
		"  verdicts: {requests, slow, named (slow with a culprit), threshold_ns, floor_ns,\n"
		"    orphan_roots, align_bound_ns (--align), baseline: {trace, requests, p50_ns, p90_ns, p99_ns}, culprits\n"
		"    (the run's: groups), groups: [{domain (\"sender host\", \"network\",\n"
		"    \"receiver host\", \"none\"), kind (\"net\", \"send\", \"runq\", \"app\",\n"
		"    \"recv\"),\n"
		"    service, peer, requests, excess_ns, latency_ns (sums), culprit, pods:\n"
		"    {service: [POD], service_more, peer: [POD], peer_more, flows: [{caller_host,\n"
		"    callee_host: {netns_inum, hostname, tunnel, vni, outer: TUPLE}, inner:\n"
		"    TUPLE}], flows_more, flows_checked (by crosslat_req sockets), flows_unused}\n"
		"    (domain not none); POD: {netns, spans, hostname, addr, cgroup_id, pid,\n"
		"    comm}}],\n"
		"    slow_requests: [{trace_id, span_id, hostname, service, name, start_ns,\n"
		"    latency_ns, excess_ns, spans, slow, domain, culprit (a part or null),\n"
		"    domain_excess_ns: {DOMAIN: ns}, parts: [{kind, domain, service, peer, ns,\n"
		"    base_ns}], parts_dropped}], oldest first}\n"
		"\n"
		"EXIT STATUS\n"
		"  0  success\n"
		"  1  runtime error: no trace found, unreadable trace, babeltrace2 plugin missing\n"
		"  2  bad invocation: unknown command or option, bad option value\n"
		"\n"
		"EXAMPLES\n"
		"  " PROG " summary ~/lttng-traces/slow-requests-*\n"
		"  " PROG " flows --sort srtt --limit 10 ~/lttng-traces/slow-requests-*/kernel\n"
		"  " PROG " flows --json trace/ | jq '.[] | select(.lport == 443) | .srtt_ns'\n"
		"  " PROG " alerts trace/ | less -S\n"
		"  " PROG " alerts --json host1/ host2/ | jq 'group_by(.hostname) | map(length)'\n"
		"  " PROG " map --json trace/ | jq '.[] | select(.dir == \"encap\")'\n"
		"  " PROG " spans --sort runq --limit 10 ~/lttng-traces/span-session/\n"
		"  " PROG " spans --span 1011121314151617 --kallsyms kallsyms.txt trace/\n"
		"  " PROG " spans --json trace/ | jq '.[] | select(.blocked_ns > 1e7) | .calls'\n"
		"  " PROG " otlp -o spans.json host1/ host2/  # then an otlpjsonfile receiver\n"
		"  " PROG " dags --limit 5 trace/\n"
		"  " PROG " align host-a/ host-b/\n"
		"  " PROG " verdicts --baseline quiet-run/ slow-run/\n"
		"  " PROG " report -o report.html --baseline quiet-run/ slow-run/\n");
}

static void usage_hint(void)
{
	fprintf(stderr, "Try '" PROG " --help'.\n");
}

/* The --sort key s of cmd into *key; -1 after saying why. */
static int parse_sort(const struct subcmd *cmd, const char *s, unsigned int *key)
{
	unsigned int i;

	for (i = 0; i < cmd->nr_sort; i++) {
		if (!strcmp(s, cmd->sort_names[i])) {
			*key = i;
			return 0;
		}
	}
	fprintf(stderr, PROG ": --sort: unknown KEY '%s' (", s);
	for (i = 0; i < cmd->nr_sort; i++)
		fprintf(stderr, "%s%s", i ? ", " : "", cmd->sort_names[i]);
	fprintf(stderr, ")\n");
	return -1;
}

/* --span: a span id (16 hex digits) or a trace id (32); -1 after saying why. */
static int parse_span_id(const char *s, uint8_t *id, size_t *len)
{
	*len = strlen(s) == 2 * CROSSLAT_SPAN_TRACE_ID_LEN ? CROSSLAT_SPAN_TRACE_ID_LEN :
								  CROSSLAT_SPAN_ID_LEN;
	if (!crosslat_span_parse_hex(s, id, *len))
		return 0;
	fprintf(stderr, PROG ": --span: ID must be a span id (16 hex digits) or a trace id (32), not '%s'\n",
		s);
	return -1;
}

static int parse_limit(const char *s, unsigned long *limit)
{
	char *end;

	errno = 0;
	*limit = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || !*limit) {
		fprintf(stderr, PROG ": --limit: N must be a whole number from 1, not '%s'\n", s);
		return -1;
	}
	return 0;
}

/* --slow-ms: a positive number of milliseconds (decimals allowed) up to an hour. */
static int parse_ms(const char *s, uint64_t *ns)
{
	char *end;
	double ms;

	errno = 0;
	ms = strtod(s, &end);
	if (end == s || *end || errno || !(ms > 0) || ms > 3600e3) {
		fprintf(stderr, PROG ": --slow-ms: N must be milliseconds above 0, up to 3600000, not '%s'\n",
			s);
		return -1;
	}
	*ns = (uint64_t)(ms * 1e6 + 0.5);
	return *ns ? 0 : -1;
}

/* ---- reading ---------------------------------------------------------------------------- */

static bool all_unix_epoch(const struct analysis *a);

static void progress_clear(struct analysis *a)
{
	if (a->progress_shown)
		fputs("\r\033[K", stderr);
	a->progress_shown = false;
}

/*
 * Checked every 64k events: shown once reading takes more than half a second, then updated
 * at most 4 times a second.
 */
static void progress_show(struct analysis *a, const struct crosslat_record *r)
{
	char when[64] = "", t[40];
	struct timespec now;
	long elapsed_ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed_ms = (now.tv_sec - a->progress_at.tv_sec) * 1000L +
		     (now.tv_nsec - a->progress_at.tv_nsec) / 1000000L;
	if (elapsed_ms < (a->progress_shown ? 250 : 500))
		return;
	a->progress_at = now;
	if (r->has_ts)
		snprintf(when, sizeof(when), ", at %s",
			 crosslat_fmt_time(t, sizeof(t), r->ts_ns, all_unix_epoch(a), false));
	fprintf(stderr, "\r\033[K" PROG ": %" PRIu64 " events read%s", a->events, when);
	a->progress_shown = true;
}

static int on_record(const struct crosslat_record *r, void *arg)
{
	struct analysis *a = arg;
	int rc;

	/* each table the command needs takes r (a negative return is an error) */
#define FEED(need, add, table)						\
	do {								\
		if ((a->needs & (need)) && (rc = add(&a->table, r)) < 0)	\
			return rc;					\
	} while (0)
	FEED(NEED_SUMMARY, crosslat_summary_add, summary);
	FEED(NEED_FLOWS, crosslat_flows_add, flows);
	FEED(NEED_MAPS, crosslat_maps_add, maps);
	FEED(NEED_SPANS, crosslat_spans_add, spans);
	FEED(NEED_SCHED, crosslat_sched_add, sched);
	FEED(NEED_HOPS, crosslat_hops_add, hops);
	FEED(NEED_REQS, crosslat_reqdag_add, reqs);
	FEED(NEED_ALIGN, crosslat_align_add, align);
	FEED(NEED_SOCKS, crosslat_pod_socks_add, socks);
	FEED(NEED_LAYERS, crosslat_layers_add, layers);
#undef FEED
	if (!(++a->events & 0xffff) && a->progress)
		progress_show(a, r);
	return 0;
}

/* Finds the traces under paths[] into dirs; non-zero after explaining on stderr. */
static int find_traces(char **paths, int n, struct crosslat_trace_dirs *dirs)
{
	int i, rc;

	for (i = 0; i < n; i++) {
		rc = crosslat_trace_find(paths[i], dirs);
		if (rc < 0) {
			fprintf(stderr, PROG ": %s: %s\n", paths[i], strerror(-rc));
			return -1;
		}
		if (!rc) {
			fprintf(stderr, PROG ": %s: no CTF trace there (no directory holding a 'metadata' file)\n",
				paths[i]);
			return -1;
		}
	}
	return 0;
}

/* ---- output helpers --------------------------------------------------------------------- */

static const char *family_name(uint8_t family)
{
	return family == 4 ? "ipv4" : "ipv6";
}

static void json_opt_u64(const char *key, bool has, uint64_t v)
{
	if (has)
		printf(",\"%s\":%" PRIu64, key, v);
	else
		printf(",\"%s\":null", key);
}

/* A trace time: ns from the clock's origin, which may be negative. */
static void json_opt_s64(const char *key, bool has, int64_t v)
{
	if (has)
		printf(",\"%s\":%" PRId64, key, v);
	else
		printf(",\"%s\":null", key);
}

static void json_opt_str(const char *key, const char *s)
{
	printf(",\"%s\":", key);
	if (s)
		crosslat_json_str(stdout, s);
	else
		fputs("null", stdout);
}

/* ,"trace":PATH,"hostname":NAME of trace i. */
/* The hostname of trace i, or NULL. */
static const char *trace_host(const struct analysis *a, uint32_t i)
{
	return i < a->nr_traces ? a->traces[i].hostname : NULL;
}

static void json_trace(const struct analysis *a, uint32_t i)
{
	json_opt_str("trace", i < a->nr_traces ? a->traces[i].path : NULL);
	json_opt_str("hostname", trace_host(a, i));
}

/* A short name of trace i for the HOST column: its hostname, else "#i". */
static const char *trace_label(const struct analysis *a, uint32_t i, char *buf, size_t len)
{
	if (i < a->nr_traces && a->traces[i].hostname)
		snprintf(buf, len, "%s#%u", a->traces[i].hostname, i);
	else
		snprintf(buf, len, "#%u", i);
	return buf;
}

/* Whether every trace's clock counts from the Unix epoch (dates can be printed). */
static bool all_unix_epoch(const struct analysis *a)
{
	size_t i;

	for (i = 0; i < a->nr_traces; i++)
		if (!a->traces[i].unix_epoch)
			return false;
	return true;
}

static size_t rows(size_t nr, const struct analyze_opts *opts)
{
	return opts->limit && opts->limit < nr ? opts->limit : nr;
}

/* A cell array for nrows rows of ncols columns; NULL after saying so. */
static char (*cells_alloc(size_t nrows, unsigned int ncols))[CROSSLAT_CELL_MAX]
{
	char (*cells)[CROSSLAT_CELL_MAX] = calloc(nrows ? nrows * ncols : 1, CROSSLAT_CELL_MAX);

	if (!cells)
		fprintf(stderr, PROG ": out of memory\n");
	return cells;
}

/* ---- summary ---------------------------------------------------------------------------- */

static int print_summary(const struct analysis *a, const struct analyze_opts *opts)
{
	static const struct crosslat_column trace_cols[] = {
		{ "TRACE", false }, { "HOST", false }, { "DOMAIN", false }, { "STREAMS", true },
		{ "EVENTS", true }, { "DISCARDED", true },
	};
	const struct crosslat_summary *s = &a->summary;
	const struct crosslat_name_count **names = crosslat_summary_sorted(s);
	bool timed = s->events > s->untimed, epoch = all_unix_epoch(a);
	char (*cells)[CROSSLAT_CELL_MAX];
	char buf[64];
	size_t i;

	if (s->nr && !names) {
		fprintf(stderr, PROG ": out of memory\n");
		return -ENOMEM;
	}
	if (opts->json) {
		printf("{\"traces\":[");
		for (i = 0; i < a->nr_traces; i++) {
			const struct crosslat_trace_info *t = &a->traces[i];

			printf("%s\n{\"path\":", i ? "," : "");
			crosslat_json_str(stdout, t->path);
			json_opt_str("hostname", t->hostname);
			json_opt_str("domain", t->domain);
			printf(",\"streams\":%" PRIu64 ",\"events\":%" PRIu64, t->streams,
			       t->events);
			printf(",\"discarded_events\":%" PRIu64, t->discarded_events);
			printf(",\"discarded_packets\":%" PRIu64 "}", t->discarded_packets);
		}
		printf("],\n\"events\":%" PRIu64 ",\"untimed_events\":%" PRIu64, s->events,
		       s->untimed);
		json_opt_s64("first_ns", timed, s->first_ns);
		json_opt_s64("last_ns", timed, s->last_ns);
		json_opt_u64("duration_ns", timed, s->last_ns - s->first_ns);
		printf(",\n\"events_by_name\":{");
		for (i = 0; i < s->nr; i++) {
			printf("%s\n", i ? "," : "");
			crosslat_json_str(stdout, names[i]->name);
			printf(":%" PRIu64, names[i]->count);
		}
		printf("\n}}\n");
		free(names);
		return 0;
	}

	cells = cells_alloc(a->nr_traces, ARRAY_SIZE(trace_cols));
	if (!cells) {
		free(names);
		return -ENOMEM;
	}
	for (i = 0; i < a->nr_traces; i++) {
		const struct crosslat_trace_info *t = &a->traces[i];
		char (*c)[CROSSLAT_CELL_MAX] = cells + i * ARRAY_SIZE(trace_cols);

		snprintf(c[0], CROSSLAT_CELL_MAX, "%s", t->path);
		snprintf(c[1], CROSSLAT_CELL_MAX, "%s", t->hostname ? t->hostname : "-");
		snprintf(c[2], CROSSLAT_CELL_MAX, "%s", t->domain ? t->domain : "-");
		snprintf(c[3], CROSSLAT_CELL_MAX, "%" PRIu64, t->streams);
		snprintf(c[4], CROSSLAT_CELL_MAX, "%" PRIu64, t->events);
		snprintf(c[5], CROSSLAT_CELL_MAX, "%" PRIu64, t->discarded_events);
	}
	crosslat_table_print(stdout, trace_cols, ARRAY_SIZE(trace_cols),
			     (const char *)cells, a->nr_traces);
	free(cells);

	printf("\nevents  %" PRIu64, s->events);
	if (s->untimed)
		printf(" (%" PRIu64 " without a timestamp)", s->untimed);
	printf("\n");
	if (timed) {
		crosslat_fmt_time(buf, sizeof(buf), s->first_ns, epoch, true);
		printf("first   %s%s\n", buf, epoch ? " UTC" : "");
		crosslat_fmt_time(buf, sizeof(buf), s->last_ns, epoch, true);
		printf("last    %s%s\n", buf, epoch ? " UTC" : "");
		printf("span    %s s\n",
		       crosslat_fmt_time(buf, sizeof(buf), s->last_ns - s->first_ns, false, false));
	}
	if (s->nr) {
		static const struct crosslat_column name_cols[] = {
			{ "EVENTS", true }, { "NAME", false },
		};

		cells = cells_alloc(s->nr, 2);
		if (!cells) {
			free(names);
			return -ENOMEM;
		}
		for (i = 0; i < s->nr; i++) {
			snprintf(cells[2 * i], CROSSLAT_CELL_MAX, "%" PRIu64, names[i]->count);
			snprintf(cells[2 * i + 1], CROSSLAT_CELL_MAX, "%s", names[i]->name);
		}
		printf("\n");
		crosslat_table_print(stdout, name_cols, 2, (const char *)cells,
				     s->nr);
		free(cells);
	}
	free(names);
	return 0;
}

/* ---- flows ------------------------------------------------------------------------------ */

static const char *const reason_names[] = { "periodic", "close", "evict", "reuse" };

static const char *flow_state(const struct crosslat_flow *f)
{
	if (!(f->present & CROSSLAT_FLOW_STATS))
		return "-";
	if (f->closed)
		return "closed";
	if (f->reason == 2)
		return "evicted";
	if (f->reason == 3)
		return "reused";
	return "open";
}

static void print_flow_json(const struct analysis *a, const struct crosslat_flow *f)
{
	bool st = f->present & CROSSLAT_FLOW_STATS, rtt = f->present & CROSSLAT_FLOW_RTT;
	bool app = f->present & CROSSLAT_FLOW_APP;
	char addr[64];

	printf("{\"netns_inum\":%" PRIu32 ",\"netns_cookie\":%" PRIu64, f->netns_inum,
	       f->key.netns_cookie);
	json_trace(a, f->key.trace);
	printf(",\"family\":\"%s\"", family_name(f->key.family));
	printf(",\"laddr\":\"%s\",\"lport\":%u",
	       crosslat_fmt_addr(addr, sizeof(addr), f->key.family, f->key.laddr), f->key.lport);
	printf(",\"raddr\":\"%s\",\"rport\":%u",
	       crosslat_fmt_addr(addr, sizeof(addr), f->key.family, f->key.raddr), f->key.rport);
	json_opt_u64("first_ns", st, f->first_ns);
	json_opt_u64("last_ns", st, f->last_ns);
	json_opt_u64("srtt_ns", rtt, f->srtt_ns);
	json_opt_u64("rtt_min_ns", rtt && st, f->rtt_min_ns);
	json_opt_u64("rtt_max_ns", rtt && st, f->rtt_max_ns);
	json_opt_u64("rtt_last_ns", rtt && st, f->rtt_last_ns);
	json_opt_u64("rtt_samples", rtt, f->rtt_samples);
	json_opt_u64("app_avg_ns", app, f->app_avg_ns);
	json_opt_u64("app_max_ns", app, f->app_max_ns);
	json_opt_u64("app_samples", app, f->app_samples);
	json_opt_u64("bytes_out", st, f->bytes_out);
	json_opt_u64("bytes_in", st, f->bytes_in);
	json_opt_u64("pkts_out", st, f->pkts_out);
	json_opt_u64("pkts_in", st, f->pkts_in);
	printf(",\"retrans_segs\":%" PRIu64, f->retrans_segs);
	json_opt_u64("retrans_bytes", st, f->retrans_bytes);
	json_opt_u64("throughput_out", st, f->throughput_out);
	json_opt_u64("throughput_in", st, f->throughput_in);
	json_opt_u64("thresh_ns", f->present & CROSSLAT_FLOW_THRESH, f->thresh_ns);
	json_opt_u64("alerts", st, f->alerts);
	printf(",\"alert_events\":%" PRIu64 ",\"stats_events\":%" PRIu64, f->alert_events,
	       f->stats_events);
	printf(",\"closed\":%s", st ? (f->closed ? "true" : "false") : "null");
	json_opt_str("reason", st && f->reason < ARRAY_SIZE(reason_names) ?
			       reason_names[f->reason] : NULL);
	json_opt_s64("event_first_ns", f->ev_timed, f->ev_first_ns);
	json_opt_s64("event_last_ns", f->ev_timed, f->ev_last_ns);
	printf("}");
}

static const struct crosslat_column flow_columns[] = {
	{ "HOST", false }, { "NETNS", true }, { "LOCAL", false }, { "REMOTE", false },
	{ "SRTT_MS", true }, { "MIN_MS", true }, { "MAX_MS", true }, { "SAMPLES", true },
	{ "RETRANS", true }, { "BYTES_OUT", true }, { "BYTES_IN", true },
	{ "THRESH_MS", true }, { "ALERTS", true }, { "STATE", false },
};

#define FLOW_COLS	ARRAY_SIZE(flow_columns)

/* f's row of the text table, with the HOST column when host is true. */
static void flow_cells(const struct analysis *a, const struct crosslat_flow *f, bool host,
		       char (*cell)[CROSSLAT_CELL_MAX])
{
	bool st = f->present & CROSSLAT_FLOW_STATS, rtt = f->present & CROSSLAT_FLOW_RTT;
	const struct crosslat_flow_key *k = &f->key;
	unsigned int c = 0;

	if (host)
		trace_label(a, k->trace, cell[c++], CROSSLAT_CELL_MAX);
	snprintf(cell[c++], CROSSLAT_CELL_MAX, "%" PRIu32, f->netns_inum);
	crosslat_fmt_endpoint(cell[c++], CROSSLAT_CELL_MAX, k->family, k->laddr, k->lport);
	crosslat_fmt_endpoint(cell[c++], CROSSLAT_CELL_MAX, k->family, k->raddr, k->rport);
	strcpy(cell[c], "-");
	if (rtt)
		crosslat_fmt_ms(cell[c], CROSSLAT_CELL_MAX, f->srtt_ns);
	c++;
	strcpy(cell[c], "-");
	strcpy(cell[c + 1], "-");
	if (rtt && st) {
		crosslat_fmt_ms(cell[c], CROSSLAT_CELL_MAX, f->rtt_min_ns);
		crosslat_fmt_ms(cell[c + 1], CROSSLAT_CELL_MAX, f->rtt_max_ns);
	}
	c += 2;
	snprintf(cell[c++], CROSSLAT_CELL_MAX, "%" PRIu64, f->rtt_samples);
	snprintf(cell[c++], CROSSLAT_CELL_MAX, "%" PRIu64, f->retrans_segs);
	strcpy(cell[c], "-");
	strcpy(cell[c + 1], "-");
	if (st) {
		crosslat_fmt_si(cell[c], CROSSLAT_CELL_MAX, f->bytes_out, "B");
		crosslat_fmt_si(cell[c + 1], CROSSLAT_CELL_MAX, f->bytes_in, "B");
	}
	c += 2;
	strcpy(cell[c], "-");
	if (f->present & CROSSLAT_FLOW_THRESH)
		crosslat_fmt_ms(cell[c], CROSSLAT_CELL_MAX, f->thresh_ns);
	c++;
	snprintf(cell[c++], CROSSLAT_CELL_MAX, "%" PRIu64, f->alert_events);
	snprintf(cell[c++], CROSSLAT_CELL_MAX, "%s", flow_state(f));
}

static int print_flows(const struct analysis *a, const struct analyze_opts *opts)
{
	const struct crosslat_flow **v = crosslat_flows_sorted(&a->flows, opts->sort);
	size_t nr = rows(a->flows.nr, opts), i;
	char (*cells)[CROSSLAT_CELL_MAX];
	unsigned int skip = a->nr_traces > 1 ? 0 : 1;

	if (a->flows.nr && !v) {
		fprintf(stderr, PROG ": out of memory\n");
		return -ENOMEM;
	}
	if (opts->json) {
		printf("[");
		for (i = 0; i < nr; i++) {
			printf(i ? ",\n" : "\n");
			print_flow_json(a, v[i]);
		}
		printf(nr ? "\n]\n" : "]\n");
		free(v);
		return 0;
	}
	cells = cells_alloc(nr, FLOW_COLS);
	if (!cells) {
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < nr; i++)
		flow_cells(a, v[i], !skip, cells + i * (FLOW_COLS - skip));
	crosslat_table_print(stdout, flow_columns + skip, FLOW_COLS - skip,
			     (const char *)cells, nr);
	free(cells);
	free(v);
	return 0;
}

/* ---- alerts ----------------------------------------------------------------------------- */

static void print_alert_json(const struct analysis *a, const struct crosslat_alert *al)
{
	char addr[64];

	printf("{");
	if (al->has_ts)
		printf("\"time_ns\":%" PRId64, al->ts_ns);
	else
		printf("\"time_ns\":null");
	json_trace(a, al->key.trace);
	printf(",\"netns_inum\":%" PRIu32 ",\"netns_cookie\":%" PRIu64, al->netns_inum,
	       al->key.netns_cookie);
	printf(",\"family\":\"%s\"", family_name(al->key.family));
	printf(",\"laddr\":\"%s\",\"lport\":%u",
	       crosslat_fmt_addr(addr, sizeof(addr), al->key.family, al->key.laddr), al->key.lport);
	printf(",\"raddr\":\"%s\",\"rport\":%u",
	       crosslat_fmt_addr(addr, sizeof(addr), al->key.family, al->key.raddr), al->key.rport);
	printf(",\"srtt_ns\":%" PRIu64 ",\"rtt_ns\":%" PRIu64 ",\"thresh_ns\":%" PRIu64,
	       al->srtt_ns, al->rtt_ns, al->thresh_ns);
	printf(",\"rtt_samples\":%" PRIu64 ",\"retrans_segs\":%" PRIu64, al->rtt_samples,
	       al->retrans_segs);
	printf(",\"crossing\":%s,\"suppressed\":%" PRIu32 "}", al->crossing ? "true" : "false",
	       al->suppressed);
}

static const struct crosslat_column alert_columns[] = {
	{ "HOST", false }, { "TIME", false }, { "NETNS", true }, { "LOCAL", false },
	{ "REMOTE", false }, { "SRTT_MS", true }, { "RTT_MS", true }, { "THRESH_MS", true },
	{ "SAMPLES", true }, { "CROSSING", false }, { "SUPPRESSED", true },
};

#define ALERT_COLS	ARRAY_SIZE(alert_columns)

static int print_alerts(const struct analysis *a, const struct analyze_opts *opts)
{
	size_t nr = rows(a->flows.nr_alerts, opts), i;
	unsigned int skip = a->nr_traces > 1 ? 0 : 1, c;
	char (*cells)[CROSSLAT_CELL_MAX];
	bool epoch = all_unix_epoch(a);

	if (opts->json) {
		printf("[");
		for (i = 0; i < nr; i++) {
			printf(i ? ",\n" : "\n");
			print_alert_json(a, &a->flows.alerts[i]);
		}
		printf(nr ? "\n]\n" : "]\n");
		return 0;
	}
	cells = cells_alloc(nr, ALERT_COLS);
	if (!cells)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		const struct crosslat_alert *al = &a->flows.alerts[i];
		char (*cell)[CROSSLAT_CELL_MAX] = cells + i * (ALERT_COLS - skip);

		c = 0;
		if (!skip)
			trace_label(a, al->key.trace, cell[c++], CROSSLAT_CELL_MAX);
		if (al->has_ts)
			crosslat_fmt_time(cell[c++], CROSSLAT_CELL_MAX, al->ts_ns, epoch, false);
		else
			strcpy(cell[c++], "-");
		snprintf(cell[c++], CROSSLAT_CELL_MAX, "%" PRIu32, al->netns_inum);
		crosslat_fmt_endpoint(cell[c++], CROSSLAT_CELL_MAX, al->key.family, al->key.laddr,
				      al->key.lport);
		crosslat_fmt_endpoint(cell[c++], CROSSLAT_CELL_MAX, al->key.family, al->key.raddr,
				      al->key.rport);
		crosslat_fmt_ms(cell[c++], CROSSLAT_CELL_MAX, al->srtt_ns);
		crosslat_fmt_ms(cell[c++], CROSSLAT_CELL_MAX, al->rtt_ns);
		crosslat_fmt_ms(cell[c++], CROSSLAT_CELL_MAX, al->thresh_ns);
		snprintf(cell[c++], CROSSLAT_CELL_MAX, "%" PRIu64, al->rtt_samples);
		strcpy(cell[c++], al->crossing ? "yes" : "no");
		snprintf(cell[c++], CROSSLAT_CELL_MAX, "%" PRIu32, al->suppressed);
	}
	crosslat_table_print(stdout, alert_columns + skip, ALERT_COLS - skip,
			     (const char *)cells, nr);
	free(cells);
	return 0;
}

/* ---- map -------------------------------------------------------------------------------- */

static const char *dir_name(uint8_t dir, char *buf, size_t len)
{
	static const char *const names[] = { NULL, "encap", "decap", "nat" };

	if (dir < ARRAY_SIZE(names) && names[dir])
		return names[dir];
	snprintf(buf, len, "%u", dir);
	return buf;
}

static const char *tunnel_name(uint8_t tunnel)
{
	static const char *const names[] = { NULL, "vxlan", "geneve", "ipip" };

	return tunnel < ARRAY_SIZE(names) ? names[tunnel] : NULL;
}

static const char *proto_name(uint8_t proto, char *buf, size_t len)
{
	static const struct {
		uint8_t proto;
		const char *name;
	} names[] = {
		{ 1, "icmp" }, { 4, "ipip" }, { 6, "tcp" }, { 17, "udp" }, { 41, "ipv6" },
		{ 47, "gre" }, { 58, "icmpv6" }, { 132, "sctp" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].proto == proto)
			return names[i].name;
	snprintf(buf, len, "%u", proto);
	return buf;
}

static bool proto_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 136;
}

/* "tcp/10.244.1.2:40000>10.244.2.3:8080", "ipip/192.168.100.1>192.168.100.2". */
static const char *fmt_tuple(char *buf, size_t len, const struct crosslat_map_tuple *t)
{
	char p[8], s[56], d[56];	/* "[IPV6]:PORT" is 47 bytes */

	if (proto_has_ports(t->proto)) {
		crosslat_fmt_endpoint(s, sizeof(s), t->family, t->saddr, t->sport);
		crosslat_fmt_endpoint(d, sizeof(d), t->family, t->daddr, t->dport);
	} else {
		crosslat_fmt_addr(s, sizeof(s), t->family, t->saddr);
		crosslat_fmt_addr(d, sizeof(d), t->family, t->daddr);
	}
	snprintf(buf, len, "%s/%s>%s", proto_name(t->proto, p, sizeof(p)), s, d);
	return buf;
}

static void print_tuple_json(const char *key, const struct crosslat_map_tuple *t)
{
	bool ports = proto_has_ports(t->proto);
	char buf[64];

	printf(",\"%s\":{\"family\":\"%s\",\"proto\":\"%s\"", key, family_name(t->family),
	       proto_name(t->proto, buf, sizeof(buf)));
	printf(",\"saddr\":\"%s\"", crosslat_fmt_addr(buf, sizeof(buf), t->family, t->saddr));
	json_opt_u64("sport", ports, t->sport);
	printf(",\"daddr\":\"%s\"", crosslat_fmt_addr(buf, sizeof(buf), t->family, t->daddr));
	json_opt_u64("dport", ports, t->dport);
	printf("}");
}

static void print_map_json(const struct analysis *a, const struct crosslat_mapping *m)
{
	bool outer = m->present & CROSSLAT_MAP_OUTER, tot = m->present & CROSSLAT_MAP_TOTALS;
	const char *tunnel = outer ? tunnel_name(m->tunnel) : NULL;
	char buf[16];

	printf("{\"netns_inum\":%" PRIu32 ",\"netns_cookie\":%" PRIu64, m->netns_inum,
	       m->key.netns_cookie);
	json_trace(a, m->key.trace);
	json_opt_str("dir", dir_name(m->key.dir, buf, sizeof(buf)));
	json_opt_str("tunnel", tunnel);
	json_opt_u64("vni", tunnel && m->tunnel != 3, m->vni);
	json_opt_u64("nat", m->present & CROSSLAT_MAP_NAT, m->nat);
	print_tuple_json("inner", &m->key.inner);
	if (outer)
		print_tuple_json("outer", &m->outer);
	else
		printf(",\"outer\":null");
	if (m->present & CROSSLAT_MAP_POD) {
		printf(",\"pod\":{\"netns_cookie\":%" PRIu64 ",\"netns_inum\":%" PRIu32
		       ",\"cgroup_id\":%" PRIu64 ",\"pid\":%" PRIu32 ",\"comm\":",
		       m->pod.netns_cookie, m->pod.netns_inum, m->pod.cgroup_id, m->pod.pid);
		crosslat_json_str(stdout, m->pod.comm);
		printf("}");
	} else {
		printf(",\"pod\":null");
	}
	printf(",\"adds\":%" PRIu64 ",\"changes\":%" PRIu64 ",\"dels\":%" PRIu64
	       ",\"deleted\":%s", m->adds, m->changes, m->dels, m->deleted ? "true" : "false");
	json_opt_u64("first_ns", tot, m->first_ns);
	json_opt_u64("last_ns", tot, m->last_ns);
	json_opt_u64("packets", tot, m->packets);
	json_opt_u64("bytes", tot, m->bytes);
	json_opt_s64("event_first_ns", m->ev_timed, m->ev_first_ns);
	json_opt_s64("event_last_ns", m->ev_timed, m->ev_last_ns);
	printf("}");
}

static const struct crosslat_column map_columns[] = {
	{ "HOST", false }, { "NETNS", true }, { "DIR", false }, { "TUNNEL", false },
	{ "VNI", true }, { "INNER", false }, { "OUTER", false }, { "NAT", false },
	{ "POD", false }, { "PACKETS", true }, { "BYTES", true }, { "STATE", false },
};

#define MAP_COLS	ARRAY_SIZE(map_columns)

static void map_cells(const struct analysis *a, const struct crosslat_mapping *m, bool host,
		      char (*cell)[CROSSLAT_CELL_MAX])
{
	bool outer = m->present & CROSSLAT_MAP_OUTER, tot = m->present & CROSSLAT_MAP_TOTALS;
	const char *tunnel = outer ? tunnel_name(m->tunnel) : NULL;
	unsigned int c = 0;
	char buf[16];

	if (host)
		trace_label(a, m->key.trace, cell[c++], CROSSLAT_CELL_MAX);
	snprintf(cell[c++], CROSSLAT_CELL_MAX, "%" PRIu32, m->netns_inum);
	snprintf(cell[c++], CROSSLAT_CELL_MAX, "%s", dir_name(m->key.dir, buf, sizeof(buf)));
	snprintf(cell[c++], CROSSLAT_CELL_MAX, "%s", tunnel ? tunnel : "-");
	if (tunnel && m->tunnel != 3)
		snprintf(cell[c++], CROSSLAT_CELL_MAX, "%" PRIu32, m->vni);
	else
		strcpy(cell[c++], "-");
	fmt_tuple(cell[c++], CROSSLAT_CELL_MAX, &m->key.inner);
	if (outer)
		fmt_tuple(cell[c++], CROSSLAT_CELL_MAX, &m->outer);
	else
		strcpy(cell[c++], "-");
	if (!(m->present & CROSSLAT_MAP_NAT) || !m->nat)
		strcpy(cell[c++], "-");
	else
		snprintf(cell[c++], CROSSLAT_CELL_MAX, "%s%s%s", m->nat & 1 ? "snat" : "",
			 (m->nat & 3) == 3 ? "," : "", m->nat & 2 ? "dnat" : "");
	/* The pod: its process when one was seen, else its namespace. */
	if (!(m->present & CROSSLAT_MAP_POD))
		strcpy(cell[c++], "-");
	else if (m->pod.pid)
		snprintf(cell[c++], CROSSLAT_CELL_MAX, "%s/%" PRIu32, m->pod.comm, m->pod.pid);
	else
		snprintf(cell[c++], CROSSLAT_CELL_MAX, "netns %" PRIu32, m->pod.netns_inum);
	if (tot) {
		snprintf(cell[c++], CROSSLAT_CELL_MAX, "%" PRIu64, m->packets);
		crosslat_fmt_si(cell[c++], CROSSLAT_CELL_MAX, m->bytes, "B");
	} else {
		strcpy(cell[c++], "-");
		strcpy(cell[c++], "-");
	}
	strcpy(cell[c++], m->deleted ? "deleted" : "live");
}

static int print_maps(const struct analysis *a, const struct analyze_opts *opts)
{
	size_t nr = rows(a->maps.nr, opts), i;
	unsigned int skip = a->nr_traces > 1 ? 0 : 1;
	char (*cells)[CROSSLAT_CELL_MAX];

	if (opts->json) {
		printf("[");
		for (i = 0; i < nr; i++) {
			printf(i ? ",\n" : "\n");
			print_map_json(a, &a->maps.v[i]);
		}
		printf(nr ? "\n]\n" : "]\n");
		return 0;
	}
	cells = cells_alloc(nr, MAP_COLS);
	if (!cells)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		map_cells(a, &a->maps.v[i], !skip, cells + i * (MAP_COLS - skip));
	crosslat_table_print(stdout, map_columns + skip, MAP_COLS - skip,
			     (const char *)cells, nr);
	free(cells);
	return 0;
}

/* ---- spans ------------------------------------------------------------------------------ */

/* Whether s has the --span id: its span id, or its trace id. */
static bool span_matches(const struct crosslat_span *s, const uint8_t *id, size_t len)
{
	if (len == CROSSLAT_SPAN_TRACE_ID_LEN)
		return !memcmp(s->key.trace_id, id, len);
	return !memcmp(s->key.span_id, id, len);
}

/* Whether the spans come from more than one host (a HOST column is needed). */
static bool spans_hosts(const struct crosslat_spans *sp)
{
	size_t i;

	for (i = 1; i < sp->nr; i++)
		if (sp->v[i].key.host != sp->v[0].key.host)
			return true;
	return false;
}

static int print_spans(const struct analysis *a, const struct analyze_opts *opts)
{
	struct crosslat_span_view vw = {
		.sp = &a->spans,
		.ks = a->ksyms.nr ? &a->ksyms : NULL,
		.host = spans_hosts(&a->spans),
	};
	const struct crosslat_span **v;
	uint8_t id[CROSSLAT_SPAN_TRACE_ID_LEN];
	size_t nr, i, n = 0, idlen = 0;

	v = crosslat_spans_sorted(&a->spans, opts->sort, opts->all || opts->span, &nr);
	if (!v && nr) {
		fprintf(stderr, PROG ": out of memory\n");
		return -ENOMEM;
	}
	if (opts->span && !parse_span_id(opts->span, id, &idlen)) {
		for (i = 0; i < nr; i++)
			if (span_matches(v[i], id, idlen))
				v[n++] = v[i];
		nr = n;
	}
	n = rows(nr, opts);
	if (opts->json) {
		printf("[");
		for (i = 0; i < n; i++) {
			printf(i ? ",\n" : "\n");
			crosslat_span_view_json(stdout, &vw, v[i]);
		}
		printf(n ? "\n]\n" : "]\n");
	} else if (opts->detail || opts->span) {
		for (i = 0; i < n; i++) {
			printf(i ? "\n" : "");
			crosslat_span_view_detail(stdout, &vw, v[i]);
		}
	} else if (crosslat_span_view_table(stdout, &vw, v, n)) {
		fprintf(stderr, PROG ": out of memory\n");
		free(v);
		return -ENOMEM;
	}
	free(v);
	if (opts->span && !nr) {
		fprintf(stderr, PROG ": spans: no span %s in the traces\n", opts->span);
		return -ENOENT;
	}
	if (!opts->json && !opts->all && !opts->span && a->spans.nr > nr)
		printf("(%zu span%s below %s threshold not shown: --all lists them)\n",
		       a->spans.nr - nr, a->spans.nr - nr == 1 ? "" : "s",
		       a->spans.nr - nr == 1 ? "its" : "their");
	return 0;
}

/* ---- otlp ------------------------------------------------------------------------------- */

static int print_otlp(const struct analysis *a, const struct analyze_opts *opts)
{
	const char *out = opts->output ? opts->output : "standard output";
	struct crosslat_otlp_stats st;
	FILE *f = stdout;
	int rc;

	if (opts->output) {
		f = fopen(opts->output, "w");
		if (!f) {
			fprintf(stderr, PROG ": %s: %s\n", opts->output, strerror(errno));
			return -errno;
		}
	}
	rc = crosslat_otlp_write(f, &a->spans, a->ksyms.nr ? &a->ksyms : NULL, &st);
	if (opts->output && fclose(f) && !rc)
		rc = -EIO;
	if (rc) {
		fprintf(stderr, PROG ": writing %s: %s\n", out, strerror(-rc));
		return rc;
	}
	if (st.not_epoch)
		fprintf(stderr, PROG ": warning: %" PRIu64 " spans have times that are not Unix time (CLOCK_MONOTONIC, or a trace clock not counting from the epoch): attribute crosslat.clock\n",
			st.not_epoch);
	if (st.untimed)
		fprintf(stderr, PROG ": warning: %" PRIu64 " spans without any time were left out\n",
			st.untimed);
	if (opts->output)
		fprintf(stderr, PROG ": %s: %" PRIu64 " spans, %" PRIu64 " system call spans, %" PRIu64 " stacks in %" PRIu64 " lines\n",
			out, st.spans, st.syscalls, st.stacks, st.lines);
	return 0;
}

/* ---- main ------------------------------------------------------------------------------- */

static const struct subcmd *find_subcmd(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(subcmds); i++)
		if (!strcmp(subcmds[i].name, name))
			return &subcmds[i];
	return NULL;
}

/* ---- hops ------------------------------------------------------------------------------- */

static const char *hop_point(char *buf, size_t len, uint8_t role, int32_t ifindex)
{
	char rb[16];

	snprintf(buf, len, "%s#%d", crosslat_hop_role_name(role, rb, sizeof(rb)), ifindex);
	return buf;
}

static int print_hops(const struct analysis *a, const struct analyze_opts *opts)
{
	static const struct crosslat_column cols[] = {
		{ "HOST", false }, { "NETNS", true }, { "FROM", false }, { "TO", false },
		{ "SEGMENT", false }, { "EVENTS", true }, { "MIN_MS", true }, { "P50_MS", true },
		{ "P90_MS", true }, { "P99_MS", true }, { "MAX_MS", true },
	};
	const struct crosslat_hops *h = &a->hops;
	char (*cells)[CROSSLAT_CELL_MAX];
	size_t i, n = rows(h->nr, opts);
	char rb[16];

	if (opts->json) {
		putchar('[');
		for (i = 0; i < n; i++) {
			const struct crosslat_hop *hop = &h->v[i];

			printf("%s{", i ? "," : "");
			printf("\"netns_inum\":%u", hop->key.netns_inum);
			json_trace(a, hop->key.trace);
			printf(",\"from_role\":\"%s\",\"from_ifindex\":%d",
			       crosslat_hop_role_name(hop->key.from_role, rb, sizeof(rb)),
			       hop->key.from_ifindex);
			printf(",\"to_role\":\"%s\",\"to_ifindex\":%d",
			       crosslat_hop_role_name(hop->key.to_role, rb, sizeof(rb)),
			       hop->key.to_ifindex);
			printf(",\"segment\":\"%s\",\"events\":%zu,\"bytes\":%" PRIu64,
			       hop->key.is_response ? "response" : "request", hop->nr, hop->bytes);
			printf(",\"min_ns\":%" PRIu64 ",\"p50_ns\":%" PRIu64 ",\"p90_ns\":%" PRIu64
			       ",\"p99_ns\":%" PRIu64 ",\"max_ns\":%" PRIu64 ",\"first_ns\":%" PRId64
			       ",\"last_ns\":%" PRId64 "}", hop->min, hop->p50, hop->p90, hop->p99,
			       hop->max, hop->first_ns, hop->last_ns);
		}
		puts("]");
		return 0;
	}
	cells = cells_alloc(n, ARRAY_SIZE(cols));
	if (!cells)
		return -1;
	for (i = 0; i < n; i++) {
		const struct crosslat_hop *hop = &h->v[i];
		char (*c)[CROSSLAT_CELL_MAX] = cells + i * ARRAY_SIZE(cols);

		trace_label(a, hop->key.trace, c[0], CROSSLAT_CELL_MAX);
		snprintf(c[1], CROSSLAT_CELL_MAX, "%u", hop->key.netns_inum);
		hop_point(c[2], CROSSLAT_CELL_MAX, hop->key.from_role, hop->key.from_ifindex);
		hop_point(c[3], CROSSLAT_CELL_MAX, hop->key.to_role, hop->key.to_ifindex);
		snprintf(c[4], CROSSLAT_CELL_MAX, "%s", hop->key.is_response ? "response" : "request");
		snprintf(c[5], CROSSLAT_CELL_MAX, "%zu", hop->nr);
		crosslat_fmt_ms(c[6], CROSSLAT_CELL_MAX, hop->min);
		crosslat_fmt_ms(c[7], CROSSLAT_CELL_MAX, hop->p50);
		crosslat_fmt_ms(c[8], CROSSLAT_CELL_MAX, hop->p90);
		crosslat_fmt_ms(c[9], CROSSLAT_CELL_MAX, hop->p99);
		crosslat_fmt_ms(c[10], CROSSLAT_CELL_MAX, hop->max);
	}
	crosslat_table_print(stdout, cols, ARRAY_SIZE(cols), (const char *)cells, n);
	free(cells);
	return 0;
}

/* ---- layers ----------------------------------------------------------------------------- */

/* One row per stage with segments of each armed flow (JSON: every flow, stages with any). */
static int print_layers(const struct analysis *a, const struct analyze_opts *opts)
{
	static const struct crosslat_column cols[] = {
		{ "HOST", false }, { "NETNS", true }, { "LOCAL", false }, { "REMOTE", false },
		{ "TASK", false }, { "STAGE", false }, { "BETWEEN", false }, { "SEGMENTS", true },
		{ "P50_MS", true }, { "P90_MS", true }, { "MAX_MS", true },
	};
	static const char *const point_names[CROSSLAT_LAYER_POINTS] = {
		NULL, "sock_send", "sock_recv", "nf_out", "nf_in", "dev_queue", "dev_xmit",
		"dev_recv",
	};
	const struct crosslat_layers *l = &a->layers;
	char (*cells)[CROSSLAT_CELL_MAX];
	size_t i, n = rows(l->nr, opts), nrows = 0, row = 0;
	char lb[64], rb[64], reason[16];
	unsigned int s, p;

	if (opts->json) {
		printf("{\"flows\":[");
		for (i = 0; i < n; i++) {
			const struct crosslat_layer_flow *f = &l->v[i];
			bool first = true;

			printf("%s{\"netns_inum\":%u", i ? "," : "", f->netns_inum);
			json_trace(a, f->key.trace);
			printf(",\"local\":\"%s\",\"remote\":\"%s\",\"task\":",
			       crosslat_fmt_endpoint(lb, sizeof(lb), f->key.family, f->key.laddr,
						     f->key.lport),
			       crosslat_fmt_endpoint(rb, sizeof(rb), f->key.family, f->key.raddr,
						     f->key.rport));
			crosslat_json_str(stdout, f->task);
			printf(",\"events\":{");
			for (p = 1; p < CROSSLAT_LAYER_POINTS; p++)
				printf("%s\"%s\":%" PRIu64, p > 1 ? "," : "", point_names[p],
				       f->events[p]);
			printf("},\"retrans\":%" PRIu64 ",\"unmatched\":%" PRIu64 ",\"stages\":[",
			       f->retrans, f->unmatched);
			for (s = 0; s < CROSSLAT_STAGE_NR; s++) {
				const struct crosslat_layer_stage_lat *sl = &f->stage[s];

				if (!sl->nr)
					continue;
				printf("%s{\"stage\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"segments\":%zu,\"p50_ns\":%" PRIu64 ",\"p90_ns\":%" PRIu64 ",\"max_ns\":%" PRIu64 "}",
				       first ? "" : ",", crosslat_stage_names[s], crosslat_stage_from[s],
				       crosslat_stage_to[s], sl->nr, sl->p50, sl->p90, sl->max);
				first = false;
			}
			printf("]}");
		}
		printf("],\"armings\":[");
		for (i = 0; i < l->nr_arms; i++) {
			const struct crosslat_layer_arm *arm = &l->arms[i];

			printf("%s{\"ts_ns\":%" PRId64 ",\"netns_inum\":%u", i ? "," : "",
			       arm->ts_ns, arm->netns_inum);
			json_trace(a, arm->trace);
			printf(",\"reason\":\"%s\"",
			       crosslat_arm_reason_name(arm->reason, reason, sizeof(reason)));
			if (arm->netns_only)
				printf(",\"namespace\":true}");
			else
				printf(",\"local\":\"%s\",\"remote\":\"%s\"}",
				       crosslat_fmt_endpoint(lb, sizeof(lb), arm->family, arm->laddr,
							     arm->lport),
				       crosslat_fmt_endpoint(rb, sizeof(rb), arm->family, arm->raddr,
							     arm->rport));
		}
		printf("],\"events\":%" PRIu64 ",\"malformed\":%" PRIu64 "}\n", l->events,
		       l->malformed);
		return 0;
	}
	for (i = 0; i < n; i++)
		for (s = 0; s < CROSSLAT_STAGE_NR; s++)
			nrows += !!l->v[i].stage[s].nr;
	cells = cells_alloc(nrows, ARRAY_SIZE(cols));
	if (!cells)
		return -1;
	for (i = 0; i < n; i++) {
		const struct crosslat_layer_flow *f = &l->v[i];

		for (s = 0; s < CROSSLAT_STAGE_NR; s++) {
			const struct crosslat_layer_stage_lat *sl = &f->stage[s];
			char (*c)[CROSSLAT_CELL_MAX] = cells + row++ * ARRAY_SIZE(cols);

			if (!sl->nr) {
				row--;
				continue;
			}
			trace_label(a, f->key.trace, c[0], CROSSLAT_CELL_MAX);
			snprintf(c[1], CROSSLAT_CELL_MAX, "%u", f->netns_inum);
			crosslat_fmt_endpoint(c[2], CROSSLAT_CELL_MAX, f->key.family, f->key.laddr,
					      f->key.lport);
			crosslat_fmt_endpoint(c[3], CROSSLAT_CELL_MAX, f->key.family, f->key.raddr,
					      f->key.rport);
			snprintf(c[4], CROSSLAT_CELL_MAX, "%s", f->task[0] ? f->task : "-");
			snprintf(c[5], CROSSLAT_CELL_MAX, "%s", crosslat_stage_names[s]);
			snprintf(c[6], CROSSLAT_CELL_MAX, "%s > %s", crosslat_stage_from[s],
				 crosslat_stage_to[s]);
			snprintf(c[7], CROSSLAT_CELL_MAX, "%zu", sl->nr);
			crosslat_fmt_ms(c[8], CROSSLAT_CELL_MAX, sl->p50);
			crosslat_fmt_ms(c[9], CROSSLAT_CELL_MAX, sl->p90);
			crosslat_fmt_ms(c[10], CROSSLAT_CELL_MAX, sl->max);
		}
	}
	crosslat_table_print(stdout, cols, ARRAY_SIZE(cols), (const char *)cells, nrows);
	free(cells);
	printf("%zu armed flow%s, %" PRIu64 " layer events, %zu arming%s", l->nr,
	       l->nr == 1 ? "" : "s", l->events, l->nr_arms, l->nr_arms == 1 ? "" : "s");
	for (i = 0; i < l->nr; i++)
		if (l->v[i].retrans || l->v[i].unmatched)
			break;
	if (i < l->nr) {
		uint64_t re = 0, un = 0;

		for (i = 0; i < l->nr; i++) {
			re += l->v[i].retrans;
			un += l->v[i].unmatched;
		}
		printf("; %" PRIu64 " retransmitted, %" PRIu64 " without their call", re, un);
	}
	putchar('\n');
	return 0;
}

/* ---- dags ------------------------------------------------------------------------------- */

static int print_dags(const struct analysis *a, const struct analyze_opts *opts)
{
	const struct crosslat_reqdag_view vw = {
		.d = &a->reqs,
		.traces = a->traces,
		.nr_traces = a->nr_traces,
		.limit = opts->limit,
	};

	if (!opts->json)
		return crosslat_reqdag_view_text(stdout, &vw) ? -1 : 0;
	crosslat_reqdag_view_json(stdout, &vw);
	return 0;
}

/* ---- align ------------------------------------------------------------------------------ */

/* "HOST" of aligned host i: its hostname, else "#TRACE". */
static const char *align_host_label(const struct crosslat_align *al, int32_t i, char *buf,
				    size_t len)
{
	if (i < 0)
		snprintf(buf, len, "-");
	else if (al->host[i].hostname)
		snprintf(buf, len, "%s", al->host[i].hostname);
	else
		snprintf(buf, len, "#%u", al->host[i].first_trace);
	return buf;
}

/* ns (a latency across hosts) with its bound, or "-" when not known. */
static const char *ms_bounded(char *buf, size_t len, double ns, double bound_ns, bool known)
{
	char v[32], b[32];

	if (!known) {
		snprintf(buf, len, "-");
		return buf;
	}
	crosslat_fmt_ms(v, sizeof(v), ns > 0 ? (uint64_t)ns : 0);
	crosslat_fmt_ms(b, sizeof(b), (uint64_t)bound_ns);
	/* nothing finer than the alignment's bound */
	if (ns < bound_ns)
		snprintf(buf, len, "<%s", b);
	else
		snprintf(buf, len, "%s+-%s", v, b);
	return buf;
}

/* The one-way latencies per direction and port of the aligned hosts' pairs. */
static int print_align_links(const struct crosslat_align *al)
{
	static const struct crosslat_column cols[] = {
		{ "FROM", false }, { "TO", false }, { "PORT", true }, { "PAIRS", true },
		{ "MIN_MS", true }, { "P50_MS", true }, { "P90_MS", true },
	};
	char (*cells)[CROSSLAT_CELL_MAX];
	size_t i;

	if (!al->nr_link)
		return 0;
	cells = cells_alloc(al->nr_link, ARRAY_SIZE(cols));
	if (!cells)
		return -1;
	for (i = 0; i < al->nr_link; i++) {
		const struct crosslat_align_link *l = &al->link[i];
		char (*c)[CROSSLAT_CELL_MAX] = cells + i * ARRAY_SIZE(cols);
		/* the bound of the host aligned by this link (the other one is its via) */
		double bound = al->host[l->from].via == (int32_t)l->to ?
			       al->host[l->from].bound_ns : al->host[l->to].bound_ns;

		align_host_label(al, (int32_t)l->from, c[0], CROSSLAT_CELL_MAX);
		align_host_label(al, (int32_t)l->to, c[1], CROSSLAT_CELL_MAX);
		snprintf(c[2], CROSSLAT_CELL_MAX, "%u", l->port);
		snprintf(c[3], CROSSLAT_CELL_MAX, "%" PRIu64, l->pairs);
		ms_bounded(c[4], CROSSLAT_CELL_MAX, l->min_ns, bound, true);
		ms_bounded(c[5], CROSSLAT_CELL_MAX, l->p50_ns, bound, true);
		ms_bounded(c[6], CROSSLAT_CELL_MAX, l->p90_ns, bound, true);
	}
	putchar('\n');
	crosslat_table_print(stdout, cols, ARRAY_SIZE(cols), (const char *)cells, al->nr_link);
	free(cells);
	return 0;
}

static int print_align(const struct analysis *a, const struct analyze_opts *opts)
{
	static const struct crosslat_column cols[] = {
		{ "HOST", false }, { "TRACES", true }, { "STATUS", false }, { "VIA", false },
		{ "PAIRS_TO", true }, { "PAIRS_FROM", true }, { "OFFSET_MS", true },
		{ "DRIFT_PPM", true }, { "BOUND_US", true }, { "LAT_TO_MS", true },
		{ "LAT_FROM_MS", true },
	};
	const struct crosslat_align *al = &a->align;
	char (*cells)[CROSSLAT_CELL_MAX];
	char hb[CROSSLAT_CELL_MAX];
	size_t i;

	for (i = 0; i < al->nr_hosts; i++)
		if (al->host[i].status == CROSSLAT_ALIGN_UNALIGNED ||
		    al->host[i].status == CROSSLAT_ALIGN_ONE_WAY)
			fprintf(stderr, PROG ": warning: host %s is not aligned (%s): its times are its own clock's\n",
				align_host_label(al, (int32_t)i, hb, sizeof(hb)),
				al->host[i].status == CROSSLAT_ALIGN_UNALIGNED ?
				"no TCP bytes read from or by an aligned host" :
				"bytes one way only: no bound");
	if (opts->json) {
		printf("{\"pairs\":%" PRIu64 ",\"reference\":", al->pairs);
		if (al->reference >= 0)
			crosslat_json_str(stdout, align_host_label(al, al->reference, hb, sizeof(hb)));
		else
			fputs("null", stdout);
		fputs(",\"hosts\":[", stdout);
		for (i = 0; i < al->nr_hosts; i++) {
			const struct crosslat_align_host *h = &al->host[i];
			bool fitted = h->status == CROSSLAT_ALIGN_ALIGNED ||
				      h->status == CROSSLAT_ALIGN_INCONSISTENT;

			printf("%s{\"host\":", i ? "," : "");
			crosslat_json_str(stdout, align_host_label(al, (int32_t)i, hb, sizeof(hb)));
			printf(",\"traces\":%u,\"status\":\"%s\",\"via\":", h->traces,
			       crosslat_align_status_names[h->status]);
			if (h->via >= 0)
				crosslat_json_str(stdout, align_host_label(al, h->via, hb, sizeof(hb)));
			else
				fputs("null", stdout);
			printf(",\"pairs_to\":%" PRIu64 ",\"pairs_from\":%" PRIu64, h->pairs_to,
			       h->pairs_from);
			if (fitted)
				printf(",\"origin_ns\":%" PRId64 ",\"offset_ns\":%.0f,\"drift_ppm\":%.3f"
				       ",\"bound_ns\":%.0f,\"lat_to_ns\":%.0f,\"lat_from_ns\":%.0f}",
				       h->origin_ns, h->offset_ns, h->drift_ppm, h->bound_ns,
				       h->lat_to_ns, h->lat_from_ns);
			else
				printf(",\"origin_ns\":null,\"offset_ns\":%s,\"drift_ppm\":%s"
				       ",\"bound_ns\":%s,\"lat_to_ns\":null,\"lat_from_ns\":null}",
				       h->status == CROSSLAT_ALIGN_REFERENCE ? "0" : "null",
				       h->status == CROSSLAT_ALIGN_REFERENCE ? "0" : "null",
				       h->status == CROSSLAT_ALIGN_REFERENCE ? "0" : "null");
		}
		fputs("],\"links\":[", stdout);
		for (i = 0; i < al->nr_link; i++) {
			const struct crosslat_align_link *l = &al->link[i];

			printf("%s{\"from\":", i ? "," : "");
			crosslat_json_str(stdout, align_host_label(al, (int32_t)l->from, hb, sizeof(hb)));
			fputs(",\"to\":", stdout);
			crosslat_json_str(stdout, align_host_label(al, (int32_t)l->to, hb, sizeof(hb)));
			printf(",\"port\":%u,\"pairs\":%" PRIu64 ",\"min_ns\":%.0f,\"p50_ns\":%.0f"
			       ",\"p90_ns\":%.0f}", l->port, l->pairs, l->min_ns, l->p50_ns, l->p90_ns);
		}
		puts("]}");
		return 0;
	}
	cells = cells_alloc(al->nr_hosts, ARRAY_SIZE(cols));
	if (!cells)
		return -1;
	for (i = 0; i < al->nr_hosts; i++) {
		const struct crosslat_align_host *h = &al->host[i];
		char (*c)[CROSSLAT_CELL_MAX] = cells + i * ARRAY_SIZE(cols);
		bool fitted = h->status == CROSSLAT_ALIGN_ALIGNED ||
			      h->status == CROSSLAT_ALIGN_INCONSISTENT;

		align_host_label(al, (int32_t)i, c[0], CROSSLAT_CELL_MAX);
		snprintf(c[1], CROSSLAT_CELL_MAX, "%u", h->traces);
		snprintf(c[2], CROSSLAT_CELL_MAX, "%s", crosslat_align_status_names[h->status]);
		align_host_label(al, h->via, c[3], CROSSLAT_CELL_MAX);
		snprintf(c[4], CROSSLAT_CELL_MAX, "%" PRIu64, h->pairs_to);
		snprintf(c[5], CROSSLAT_CELL_MAX, "%" PRIu64, h->pairs_from);
		snprintf(c[6], CROSSLAT_CELL_MAX, fitted ? "%.3f" : "-", h->offset_ns / 1e6);
		snprintf(c[7], CROSSLAT_CELL_MAX, fitted ? "%.3f" : "-", h->drift_ppm);
		snprintf(c[8], CROSSLAT_CELL_MAX, fitted ? "%.1f" : "-", h->bound_ns / 1e3);
		ms_bounded(c[9], CROSSLAT_CELL_MAX, h->lat_to_ns, h->bound_ns, fitted);
		ms_bounded(c[10], CROSSLAT_CELL_MAX, h->lat_from_ns, h->bound_ns, fitted);
		if (h->status == CROSSLAT_ALIGN_REFERENCE)
			snprintf(c[6], CROSSLAT_CELL_MAX, "0");
	}
	crosslat_table_print(stdout, cols, ARRAY_SIZE(cols), (const char *)cells, al->nr_hosts);
	free(cells);
	printf("%" PRIu64 " writes read on another host; reference: %s\n", al->pairs,
	       align_host_label(al, al->reference, hb, sizeof(hb)));
	return print_align_links(al);
}

/* ---- verdicts --------------------------------------------------------------------------- */

/* With --align, no verdict finer than the clocks' alignment (of the traces or baseline). */
static uint64_t align_floor(const struct analysis *a)
{
	double b = a->align_bound_ns;

	if (a->baseline && a->baseline->align_bound_ns > b)
		b = a->baseline->align_bound_ns;
	return (uint64_t)ceil(b);
}

static void json_part(const struct crosslat_part *pt)
{
	printf("{\"kind\":\"%s\",\"domain\":\"%s\"", crosslat_part_names[pt->kind],
	       crosslat_domain_names[crosslat_part_domain(pt->kind)]);
	json_opt_str("service", pt->service);
	json_opt_str("peer", pt->peer);
	printf(",\"ns\":%" PRIu64, pt->ns);
	json_opt_u64("base_ns", pt->has_base, pt->base_ns);
	putchar('}');
}

/* The pods of a culprit: its service's, a call's peer's, and the pod flows between them. */
struct culprit_pods {
	struct crosslat_pod_set service, peer;
	struct crosslat_pod_flows flows;
};

static void culprit_pods(const struct analysis *a, const struct crosslat_verdict_group *g,
			 struct culprit_pods *cp)
{
	crosslat_pods_of(&cp->service, &a->spans, &a->maps, g->service);
	crosslat_pods_of(&cp->peer, &a->spans, &a->maps, g->peer);
	crosslat_pod_flows(&cp->flows, &a->maps, &a->socks, &cp->service, &cp->peer);
}

/* "KEY":[pods],"KEY_more":N, after a comma unless first */
static void json_pods(const struct analysis *a, const char *key, const struct crosslat_pod_set *ps,
		      bool first)
{
	char buf[64];
	uint32_t i;

	printf("%s\"%s\":[", first ? "" : ",", key);
	for (i = 0; i < ps->nr; i++) {
		const struct crosslat_pod *p = &ps->pods[i];

		printf("%s{\"netns\":%" PRIu64 ",\"spans\":%u", i ? "," : "", p->netns, p->spans);
		json_opt_str("hostname", trace_host(a, p->trace));
		json_opt_str("addr", p->family ? crosslat_fmt_addr(buf, sizeof(buf), p->family,
								    p->addr) : NULL);
		json_opt_u64("cgroup_id", p->mapped, p->cgroup_id);
		json_opt_u64("pid", p->mapped && p->pid, p->pid);
		json_opt_str("comm", p->mapped && p->pid ? p->comm : NULL);
		putchar('}');
	}
	printf("],\"%s_more\":%u", key, ps->more);
}

/* "KEY":{the host and underlay of one end of a pod flow}, after a comma unless first */
static void json_pod_flow_end(const struct analysis *a, const char *key,
			      const struct crosslat_mapping *m, bool first)
{
	const char *tunnel = m->present & CROSSLAT_MAP_OUTER ? tunnel_name(m->tunnel) : NULL;

	printf("%s\"%s\":{\"netns_inum\":%" PRIu32, first ? "" : ",", key, m->netns_inum);
	json_opt_str("hostname", trace_host(a, m->key.trace));
	json_opt_str("tunnel", tunnel);
	json_opt_u64("vni", tunnel && m->tunnel != 3, m->vni);
	if (tunnel)
		print_tuple_json("outer", &m->outer);
	putchar('}');
}

static void json_culprit_pods(const struct analysis *a, const struct crosslat_verdict_group *g)
{
	struct culprit_pods cp;
	uint32_t i;

	culprit_pods(a, g, &cp);
	fputs(",\"pods\":{", stdout);
	json_pods(a, "service", &cp.service, true);
	json_pods(a, "peer", &cp.peer, false);
	fputs(",\"flows\":[", stdout);
	for (i = 0; i < cp.flows.nr; i++) {
		const struct crosslat_pod_flow *f = &cp.flows.v[i];

		fputs(i ? ",{" : "{", stdout);
		json_pod_flow_end(a, "caller_host", f->out, true);
		json_pod_flow_end(a, "callee_host", f->in, false);
		print_tuple_json("inner", &f->inner);
		putchar('}');
	}
	printf("],\"flows_more\":%u,\"flows_checked\":%s,\"flows_unused\":%u}", cp.flows.more,
	       cp.flows.checked ? "true" : "false", cp.flows.unused);
}

static void json_group(const struct analysis *a, const struct crosslat_verdict_group *g)
{
	printf("{\"domain\":\"%s\"", crosslat_domain_names[g->domain]);
	if (g->domain != CROSSLAT_DOMAIN_NONE) {
		printf(",\"kind\":\"%s\"", crosslat_part_names[g->kind]);
		json_opt_str("service", g->service);
		json_opt_str("peer", g->peer);
	}
	printf(",\"requests\":%u,\"excess_ns\":%" PRIu64 ",\"latency_ns\":%" PRIu64
	       ",\"culprit\":%s", g->requests, g->excess_ns, g->latency_ns,
	       g->culprit ? "true" : "false");
	if (g->domain != CROSSLAT_DOMAIN_NONE)
		json_culprit_pods(a, g);
	putchar('}');
}

static void json_request(const struct analysis *a, const struct crosslat_request *r)
{
	char hex[2 * CROSSLAT_SPAN_TRACE_ID_LEN + 1];
	uint32_t k;
	int d;

	printf("{\"trace_id\":\"%s\"", crosslat_span_hex(hex, r->root->key.trace_id,
							  CROSSLAT_SPAN_TRACE_ID_LEN));
	printf(",\"span_id\":\"%s\"", crosslat_span_hex(hex, r->root->key.span_id,
							 CROSSLAT_SPAN_ID_LEN));
	json_opt_str("hostname", r->root->ktrace < a->nr_traces ? trace_host(a, r->root->ktrace) :
							       trace_host(a, r->root->btrace));
	json_opt_str("service", r->root->service);
	json_opt_str("name", r->root->name);
	printf(",\"start_ns\":%" PRId64 ",\"latency_ns\":%" PRIu64 ",\"excess_ns\":%" PRIu64
	       ",\"spans\":%u,\"slow\":%s,\"domain\":\"%s\",\"culprit\":", r->start_ns,
	       r->latency_ns, r->excess_ns, r->spans, r->slow ? "true" : "false",
	       crosslat_domain_names[r->domain]);
	if (r->culprit >= 0)
		json_part(&r->parts[r->culprit]);
	else
		fputs("null", stdout);
	fputs(",\"domain_excess_ns\":{", stdout);
	for (d = 1; d < CROSSLAT_DOMAIN_NR; d++)
		printf("%s\"%s\":%" PRIu64, d > 1 ? "," : "", crosslat_domain_names[d],
		       r->domain_ns[d]);
	fputs("},\"parts\":[", stdout);
	for (k = 0; k < r->nr_parts; k++) {
		if (k)
			putchar(',');
		json_part(&r->parts[k]);
	}
	printf("],\"parts_dropped\":%u}", r->parts_dropped);
}

static void verdicts_json(const struct analysis *a, const struct crosslat_verdicts *v,
			  const struct analyze_opts *opts)
{
	size_t i, n = 0;

	printf("{\"requests\":%zu,\"slow\":%zu,\"named\":%zu,\"threshold_ns\":%" PRIu64
	       ",\"floor_ns\":%" PRIu64 ",\"orphan_roots\":%" PRIu64, v->nr, v->nr_slow,
	       v->nr_named, v->threshold_ns, v->floor_ns, v->orphans);
	if (opts->align)
		printf(",\"align_bound_ns\":%" PRIu64, align_floor(a));
	printf(",\"baseline\":{\"trace\":");
	if (opts->baseline)
		crosslat_json_str(stdout, opts->baseline);
	else
		fputs("null", stdout);
	printf(",\"requests\":%zu,\"p50_ns\":%" PRIu64 ",\"p90_ns\":%" PRIu64 ",\"p99_ns\":%" PRIu64
	       "}", v->base_requests, v->base_p50_ns, v->base_p90_ns, v->base_p99_ns);
	fputs(",\"culprits\":[", stdout);
	for (i = 0; i < v->nr_groups; i++) {
		if (!v->groups[i].culprit)
			continue;
		if (n++)
			putchar(',');
		json_group(a, &v->groups[i]);
	}
	fputs("],\"groups\":[", stdout);
	for (i = 0; i < v->nr_groups; i++) {
		if (i)
			putchar(',');
		json_group(a, &v->groups[i]);
	}
	fputs("],\"slow_requests\":[", stdout);
	for (i = 0, n = 0; i < v->nr && (!opts->limit || n < opts->limit); i++) {
		if (!v->req[i].slow)
			continue;
		if (n++)
			putchar(',');
		json_request(a, &v->req[i]);
	}
	fputs("]}\n", stdout);
}

/* "crosslat-b netns 4026532301 10.244.2.2 python3[345] cgroup 1234" */
static const char *fmt_pod(char *buf, size_t len, const struct analysis *a,
			   const struct crosslat_pod *p)
{
	const char *host = trace_host(a, p->trace);
	char addr[48] = "", proc[40] = "", cg[40] = "";

	if (p->family) {
		addr[0] = ' ';
		crosslat_fmt_addr(addr + 1, sizeof(addr) - 1, p->family, p->addr);
	}
	if (p->mapped && p->pid)
		snprintf(proc, sizeof(proc), " %s[%u]", p->comm, p->pid);
	if (p->mapped && p->cgroup_id)
		snprintf(cg, sizeof(cg), " cgroup %" PRIu64, p->cgroup_id);
	snprintf(buf, len, "%s netns %" PRIu64 "%s%s%s", host ? host : "?", p->netns, addr, proc,
		 cg);
	return buf;
}

/* "crosslat-a udp/192.168.200.1:50123>192.168.200.2:4789 vxlan 42" */
static const char *fmt_pod_flow_end(char *buf, size_t len, const struct analysis *a,
				    const struct crosslat_mapping *m)
{
	const char *host = trace_host(a, m->key.trace);
	char t[128] = "-";

	if (m->present & CROSSLAT_MAP_OUTER)
		fmt_tuple(t, sizeof(t), &m->outer);
	if ((m->present & CROSSLAT_MAP_OUTER) && m->tunnel != 3)
		snprintf(buf, len, "%s %s %s %u", host ? host : "?", t, tunnel_name(m->tunnel),
			 m->vni);
	else
		snprintf(buf, len, "%s %s", host ? host : "?", t);
	return buf;
}

static void text_pods(const struct analysis *a, const char *service,
		      const struct crosslat_pod_set *ps)
{
	char buf[192];
	uint32_t i;

	if (!ps->nr)
		return;
	printf("  pods of %s:", service);
	for (i = 0; i < ps->nr; i++)
		printf("%s %s", i ? ";" : "", fmt_pod(buf, sizeof(buf), a, &ps->pods[i]));
	if (ps->more)
		printf(" (and %u more)", ps->more);
	putchar('\n');
}

/* Under a culprit's verdict line: the pods it names, and a call's pod flows. */
static void text_culprit_pods(const struct analysis *a, const struct crosslat_verdict_group *g)
{
	char t[128], out[192], in[192];
	struct culprit_pods cp;
	uint32_t i;

	culprit_pods(a, g, &cp);
	text_pods(a, g->service, &cp.service);
	if (g->peer)
		text_pods(a, g->peer, &cp.peer);
	for (i = 0; i < cp.flows.nr; i++) {
		const struct crosslat_pod_flow *f = &cp.flows.v[i];

		printf("  pod flow %s: out of %s, into %s\n", fmt_tuple(t, sizeof(t), &f->inner),
		       fmt_pod_flow_end(out, sizeof(out), a, f->out),
		       fmt_pod_flow_end(in, sizeof(in), a, f->in));
	}
	if (cp.flows.more)
		printf("  (and %u more pod flows)\n", cp.flows.more);
	if (cp.flows.unused)
		printf("  (%u more mapped between these pods without a socket in these traces)\n",
		       cp.flows.unused);
}

static void verdicts_text(const struct analysis *a, const struct crosslat_verdicts *v,
			  const struct analyze_opts *opts)
{
	static const struct crosslat_column gcols[] = {
		{ "VERDICT", false }, { "CULPRIT", false }, { "REQUESTS", true },
		{ "SHARE", true }, { "EXCESS_MS", true }, { "LATENCY_MS", true },
	};
	static const struct crosslat_column rcols[] = {
		{ "TIME", false }, { "TRACE_ID", false }, { "LATENCY_MS", true },
		{ "EXCESS_MS", true }, { "SENDER_MS", true }, { "NETWORK_MS", true },
		{ "RECEIVER_MS", true }, { "VERDICT", false }, { "CULPRIT", false },
	};
	char (*cells)[CROSSLAT_CELL_MAX];
	char b1[32], b2[32], b3[32], buf[CROSSLAT_CELL_MAX];
	size_t i, n, nslow;

	printf("%zu requests; baseline %zu requests%s%s: median %s ms, p99 %s ms\n", v->nr,
	       v->base_requests, opts->baseline ? " in " : " (these traces)",
	       opts->baseline ? opts->baseline : "",
	       crosslat_fmt_ms(b1, sizeof(b1), v->base_p50_ns),
	       crosslat_fmt_ms(b2, sizeof(b2), v->base_p99_ns));
	printf("slow (above %s ms): %zu, %zu with a culprit (its domain holds half the excess, at least %s ms)\n",
	       crosslat_fmt_ms(b1, sizeof(b1), v->threshold_ns), v->nr_slow, v->nr_named,
	       crosslat_fmt_ms(b3, sizeof(b3), v->floor_ns));
	if (opts->align)
		printf("clocks aligned within %s ms (no culprit on less)\n",
		       crosslat_fmt_ms(b1, sizeof(b1), align_floor(a)));
	if (!v->nr_culprits) {
		printf("verdict: no culprit\n");
	} else {
		for (i = 0; i < v->nr_groups; i++) {
			const struct crosslat_verdict_group *g = &v->groups[i];

			if (!g->culprit)
				continue;
			printf("verdict: %s: %s, %u of %zu slow requests\n",
			       crosslat_domain_names[g->domain],
			       crosslat_fmt_culprit(buf, sizeof(buf), g->kind, g->service, g->peer),
			       g->requests, v->nr_slow);
			text_culprit_pods(a, g);
		}
	}
	if (!v->nr_slow)
		return;
	putchar('\n');
	cells = cells_alloc(v->nr_groups, ARRAY_SIZE(gcols));
	if (!cells)
		return;
	for (i = 0; i < v->nr_groups; i++) {
		const struct crosslat_verdict_group *g = &v->groups[i];
		char (*c)[CROSSLAT_CELL_MAX] = cells + i * ARRAY_SIZE(gcols);

		snprintf(c[0], CROSSLAT_CELL_MAX, "%s", crosslat_domain_names[g->domain]);
		if (g->domain == CROSSLAT_DOMAIN_NONE)
			snprintf(c[1], CROSSLAT_CELL_MAX, "-");
		else
			crosslat_fmt_culprit(c[1], CROSSLAT_CELL_MAX, g->kind, g->service, g->peer);
		snprintf(c[2], CROSSLAT_CELL_MAX, "%u", g->requests);
		snprintf(c[3], CROSSLAT_CELL_MAX, "%.1f%%", 100.0 * g->requests / v->nr_slow);
		crosslat_fmt_ms(c[4], CROSSLAT_CELL_MAX, g->requests ? g->excess_ns / g->requests : 0);
		crosslat_fmt_ms(c[5], CROSSLAT_CELL_MAX, g->requests ? g->latency_ns / g->requests : 0);
	}
	crosslat_table_print(stdout, gcols, ARRAY_SIZE(gcols), (const char *)cells, v->nr_groups);
	free(cells);
	printf("(EXCESS_MS: the culprit's mean time above its baseline median; LATENCY_MS: mean)\n\n");

	nslow = rows(v->nr_slow, opts);
	cells = cells_alloc(nslow, ARRAY_SIZE(rcols));
	if (!cells)
		return;
	for (i = 0, n = 0; i < v->nr && n < nslow; i++) {
		const struct crosslat_request *r = &v->req[i];
		char (*c)[CROSSLAT_CELL_MAX] = cells + n * ARRAY_SIZE(rcols);
		char hex[2 * CROSSLAT_SPAN_TRACE_ID_LEN + 1];

		if (!r->slow)
			continue;
		n++;
		crosslat_fmt_time(c[0], CROSSLAT_CELL_MAX, r->start_ns, all_unix_epoch(a), false);
		snprintf(c[1], CROSSLAT_CELL_MAX, "%s",
			 crosslat_span_hex(hex, r->root->key.trace_id, CROSSLAT_SPAN_TRACE_ID_LEN));
		crosslat_fmt_ms(c[2], CROSSLAT_CELL_MAX, r->latency_ns);
		crosslat_fmt_ms(c[3], CROSSLAT_CELL_MAX, r->excess_ns);
		crosslat_fmt_ms(c[4], CROSSLAT_CELL_MAX, r->domain_ns[CROSSLAT_DOMAIN_SENDER]);
		crosslat_fmt_ms(c[5], CROSSLAT_CELL_MAX, r->domain_ns[CROSSLAT_DOMAIN_NETWORK]);
		crosslat_fmt_ms(c[6], CROSSLAT_CELL_MAX, r->domain_ns[CROSSLAT_DOMAIN_RECEIVER]);
		snprintf(c[7], CROSSLAT_CELL_MAX, "%s", crosslat_domain_names[r->domain]);
		if (r->culprit < 0)
			snprintf(c[8], CROSSLAT_CELL_MAX, "-");
		else
			crosslat_fmt_culprit(c[8], CROSSLAT_CELL_MAX, r->parts[r->culprit].kind,
					     r->parts[r->culprit].service, r->parts[r->culprit].peer);
	}
	printf("slow requests, oldest first (SENDER_MS, NETWORK_MS, RECEIVER_MS: time above the baseline)\n");
	crosslat_table_print(stdout, rcols, ARRAY_SIZE(rcols), (const char *)cells, nslow);
	free(cells);
}

static int print_verdicts(const struct analysis *a, const struct analyze_opts *opts)
{
	struct crosslat_verdict_params params = {
		.slow_ns = opts->slow_ns,
		.sched = &a->sched,
		.base_sched = a->baseline ? &a->baseline->sched : &a->sched,
		.hops = &a->hops,
		.base_hops = a->baseline ? &a->baseline->hops : &a->hops,
		.across_hosts = opts->align,
		.min_floor_ns = align_floor(a),
	};
	struct crosslat_verdicts v;

	if (crosslat_verdicts_build(&v, &a->spans, a->baseline ? &a->baseline->spans : &a->spans,
				    &params)) {
		fprintf(stderr, PROG ": out of memory\n");
		return -1;
	}
	if (!v.nr)
		fprintf(stderr, PROG ": warning: no request (root span with a time) in the traces\n");
	if (opts->json)
		verdicts_json(a, &v, opts);
	else
		verdicts_text(a, &v, opts);
	crosslat_verdicts_free(&v);
	return 0;
}

/* ---- report ----------------------------------------------------------------------------- */

static int print_report(const struct analysis *a, const struct analyze_opts *opts)
{
	struct crosslat_verdict_params params = {
		.slow_ns = opts->slow_ns,
		.sched = &a->sched,
		.base_sched = a->baseline ? &a->baseline->sched : &a->sched,
		.hops = &a->hops,
		.base_hops = a->baseline ? &a->baseline->hops : &a->hops,
		.across_hosts = opts->align,
		.min_floor_ns = align_floor(a),
	};
	struct crosslat_verdict_params base_params = {
		.sched = params.base_sched,
		.base_sched = params.base_sched,
		.hops = params.base_hops,
		.base_hops = params.base_hops,
		.across_hosts = opts->align,
		.min_floor_ns = align_floor(a),
	};
	struct crosslat_verdicts v, bv;
	struct crosslat_report rep = {
		.v = &v,
		.base = a->baseline ? &bv : NULL,
		.baseline = opts->baseline,
		.traces = a->traces,
		.nr_traces = a->nr_traces,
		.unix_epoch = all_unix_epoch(a),
		.hops = &a->hops,
		.flows = &a->flows,
	};
	FILE *f;
	int rc;

	/* the same verdicts as `verdicts` prints */
	if (crosslat_verdicts_build(&v, &a->spans, a->baseline ? &a->baseline->spans : &a->spans,
				    &params)) {
		fprintf(stderr, PROG ": out of memory\n");
		return -1;
	}
	/* the baseline's own requests for its CDF: only their latencies are used */
	if (a->baseline && crosslat_verdicts_build(&bv, &a->baseline->spans,
						   &a->baseline->spans, &base_params)) {
		crosslat_verdicts_free(&v);
		fprintf(stderr, PROG ": out of memory\n");
		return -1;
	}
	if (!v.nr)
		fprintf(stderr, PROG ": warning: no request (root span with a time) in the traces\n");
	f = fopen(opts->output, "w");
	if (!f) {
		rc = -errno;
		fprintf(stderr, PROG ": %s: %s\n", opts->output, strerror(-rc));
		goto out;
	}
	rc = crosslat_report_write(f, &rep);
	if (fclose(f) && !rc)
		rc = -EIO;
	if (rc)
		fprintf(stderr, PROG ": writing %s: %s\n", opts->output, strerror(-rc));
	else
		fprintf(stderr, PROG ": %s: %zu requests, %zu slow, %zu run culprits\n",
			opts->output, v.nr, v.nr_slow, v.nr_culprits);
out:
	if (a->baseline)
		crosslat_verdicts_free(&bv);
	crosslat_verdicts_free(&v);
	return rc;
}

/* The OPT_* bit of a getopt_long() value; 0 for --help and errors. */
static unsigned int opt_bit(int c)
{
	static const struct {
		int c;
		unsigned int bit;
	} bits[] = {
		{ 'j', OPT_JSON }, { LOPT_SORT, OPT_SORT }, { LOPT_LIMIT, OPT_LIMIT },
		{ LOPT_ALL, OPT_ALL }, { LOPT_SPAN, OPT_SPAN }, { LOPT_DETAIL, OPT_DETAIL },
		{ LOPT_KALLSYMS, OPT_KALLSYMS }, { 'o', OPT_OUTPUT },
		{ LOPT_BASELINE, OPT_BASELINE }, { LOPT_SLOW, OPT_SLOW },
		{ LOPT_ALIGN, OPT_ALIGN },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bits); i++)
		if (bits[i].c == c)
			return bits[i].bit;
	return 0;
}

/* The name of the lowest option in the OPT_* bits. */
static const char *opt_name(unsigned int bits)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(opt_names); i++)
		if (bits & 1u << i)
			return opt_names[i];
	return "?";
}

/* Warns of span events that could not be used. */
static void spans_warn(const struct crosslat_spans *sp)
{
	if (sp->malformed)
		fprintf(stderr, PROG ": warning: %" PRIu64 " span events without usable ids or times were ignored\n",
			sp->malformed);
	if (sp->orphans)
		fprintf(stderr, PROG ": warning: %" PRIu64 " crosslat_span_syscall/stack events without their crosslat_span_annotate were ignored (events lost?)\n",
			sp->orphans);
	if (sp->dropped)
		fprintf(stderr, PROG ": warning: %" PRIu64 " span system calls or stacks past %d and %d per span were not kept\n",
			sp->dropped, CROSSLAT_SPAN_SYSCALLS_MAX, CROSSLAT_SPAN_STACKS_MAX);
	if (sp->duplicates)
		fprintf(stderr, PROG ": warning: %" PRIu64 " span events repeated one seen before on the same host (the same trace read twice?): kept apart\n",
			sp->duplicates);
}

static void analysis_init(struct analysis *a, unsigned int needs)
{
	memset(a, 0, sizeof(*a));
	a->needs = needs;
	crosslat_summary_init(&a->summary);
	crosslat_flows_init(&a->flows);
	crosslat_maps_init(&a->maps);
	crosslat_spans_init(&a->spans);
	crosslat_sched_init(&a->sched);
	crosslat_hops_init(&a->hops);
	crosslat_reqdag_init(&a->reqs);
	crosslat_align_init(&a->align);
	crosslat_pod_socks_init(&a->socks);
	crosslat_layers_init(&a->layers);
	a->progress = isatty(STDERR_FILENO);
}

static void analysis_uninit(struct analysis *a)
{
	crosslat_bt_source_destroy(a->src);
	crosslat_kallsyms_free(&a->ksyms);
	crosslat_spans_uninit(&a->spans);
	crosslat_sched_uninit(&a->sched);
	crosslat_hops_uninit(&a->hops);
	crosslat_reqdag_uninit(&a->reqs);
	crosslat_align_uninit(&a->align);
	crosslat_pod_socks_uninit(&a->socks);
	crosslat_layers_uninit(&a->layers);
	crosslat_maps_uninit(&a->maps);
	crosslat_flows_uninit(&a->flows);
	crosslat_summary_uninit(&a->summary);
	crosslat_trace_dirs_free(&a->dirs);
}

/* Reads the traces under paths[] into a; non-zero after saying why. */
static int analysis_read(struct analysis *a, char **paths, int npaths)
{
	int rc;

	if (find_traces(paths, npaths, &a->dirs))
		return -1;
	rc = crosslat_bt_source_create((const char *const *)a->dirs.path, a->dirs.nr, a->shift_ns,
				       &a->src);
	if (rc)
		return -1;
	a->traces = crosslat_bt_source_traces(a->src, &a->nr_traces);
	if (crosslat_spans_set_traces(&a->spans, a->traces, a->nr_traces)) {
		fprintf(stderr, PROG ": out of memory\n");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &a->progress_at);
	rc = crosslat_bt_source_run(a->src, on_record, a);
	progress_clear(a);
	if (rc) {
		if (rc == -ENOMEM)
			fprintf(stderr, PROG ": out of memory\n");
		return -1;
	}
	if (a->flows.malformed || a->maps.malformed)
		fprintf(stderr, PROG ": warning: %" PRIu64 " crosslat events without a usable flow or mapping key were ignored\n",
			a->flows.malformed + a->maps.malformed);
	spans_warn(&a->spans);
	crosslat_hops_finish(&a->hops);
	if (a->hops.malformed)
		fprintf(stderr, PROG ": warning: %" PRIu64 " crosslat_pkt_hop events without their hop fields were ignored\n",
			a->hops.malformed);
	if (a->reqs.malformed)
		fprintf(stderr, PROG ": warning: %" PRIu64 " crosslat_req events without their fields were ignored\n",
			a->reqs.malformed);
	if (a->layers.malformed)
		fprintf(stderr, PROG ": warning: %" PRIu64 " crosslat_rtt_layer_* events without their fields were ignored\n",
			a->layers.malformed);
	if (crosslat_sched_finish(&a->sched) || crosslat_reqdag_finish(&a->reqs) ||
	    crosslat_layers_finish(&a->layers) ||
	    ((a->needs & NEED_ALIGN) &&
	     crosslat_align_finish(&a->align, a->traces, a->nr_traces))) {
		fprintf(stderr, PROG ": out of memory\n");
		return -1;
	}
	return 0;
}

/*
 * --align: a first reading of the traces under paths[] aligns their hosts' clocks; *shift
 * (one per trace, freed by the caller) then moves each aligned host's traces onto the
 * reference clock (its offset at the alignment's origin; the drift is left). 0, or -1 after
 * saying why.
 */
/*
 * --align: reads paths once for the clocks; *shift gets each trace's constant to the
 * reference clock, *bound_ns the largest error of those constants (0 with one host).
 */
static int align_first(char **paths, int npaths, int64_t **shift, double *bound_ns)
{
	struct analysis pre;
	size_t i;
	int rc = -1;

	analysis_init(&pre, NEED_ALIGN);
	pre.progress = false;
	if (analysis_read(&pre, paths, npaths))
		goto out;
	*shift = calloc(pre.nr_traces ? pre.nr_traces : 1, sizeof(**shift));
	if (!*shift) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	for (i = 0; i < pre.nr_traces; i++) {
		const struct crosslat_align_host *h = &pre.align.host[pre.align.host_of[i]];
		char hb[CROSSLAT_CELL_MAX];

		if (h->status == CROSSLAT_ALIGN_ALIGNED) {
			double c, b;

			crosslat_align_constant(h, &c, &b);
			(*shift)[i] = -(int64_t)llround(c);
			if (b > *bound_ns)
				*bound_ns = b;
		} else if (h->status != CROSSLAT_ALIGN_REFERENCE)
			fprintf(stderr, PROG ": warning: --align: host %s is %s: its times are its own clock's\n",
				align_host_label(&pre.align, (int32_t)pre.align.host_of[i], hb,
						 sizeof(hb)),
				crosslat_align_status_names[h->status]);
	}
	rc = 0;
out:
	analysis_uninit(&pre);
	return rc;
}

/* Reads the traces under paths[] for cmd and prints its output; returns the exit status. */
static int analyze(const struct subcmd *cmd, char **paths, int npaths,
		   const struct analyze_opts *opts)
{
	struct analysis a, base;
	int64_t *shift = NULL, *base_shift = NULL;
	int rc, status = EXIT_RUNTIME;

	analysis_init(&a, cmd->needs);
	analysis_init(&base, cmd->needs);
	if (opts->kallsyms) {
		rc = crosslat_kallsyms_load(&a.ksyms, opts->kallsyms);
		if (rc) {
			fprintf(stderr, PROG ": --kallsyms %s: %s\n", opts->kallsyms,
				rc == -ENODATA ? "no symbol with an address (read /proc/kallsyms as root)" :
						 strerror(-rc));
			goto cleanup;
		}
	}
	if (opts->baseline) {
		char *bp[] = { (char *)opts->baseline };

		if (opts->align && align_first(bp, 1, &base_shift, &base.align_bound_ns))
			goto cleanup;
		base.shift_ns = base_shift;
		if (analysis_read(&base, bp, 1))
			goto cleanup;
		a.baseline = &base;
	}
	if (opts->align && align_first(paths, npaths, &shift, &a.align_bound_ns))
		goto cleanup;
	a.shift_ns = shift;
	if (analysis_read(&a, paths, npaths))
		goto cleanup;
	if (cmd->print(&a, opts))
		goto cleanup;
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PROG ": writing the output: %s\n", strerror(errno));
		goto cleanup;
	}
	status = EXIT_SUCCESS;
cleanup:
	analysis_uninit(&a);
	analysis_uninit(&base);
	free(shift);
	free(base_shift);
	return status;
}

int main(int argc, char **argv)
{
	struct analyze_opts opts = default_opts;
	const struct subcmd *cmd;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jho:", long_options, NULL)) != -1) {
		unsigned int bit = opt_bit(c);

		if (opts.given & bit & OPT_VALUES) {
			fprintf(stderr, PROG ": option '%s' given twice\n", opt_name(bit));
			usage_hint();
			return EXIT_USAGE;
		}
		opts.given |= bit;
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case LOPT_SORT:
			opts.sort_key = optarg;
			break;
		case LOPT_LIMIT:
			if (parse_limit(optarg, &opts.limit)) {
				usage_hint();
				return EXIT_USAGE;
			}
			break;
		case LOPT_ALL:
			opts.all = true;
			break;
		case LOPT_ALIGN:
			opts.align = true;
			break;
		case LOPT_SPAN: {
			uint8_t id[CROSSLAT_SPAN_TRACE_ID_LEN];
			size_t len;

			if (parse_span_id(optarg, id, &len)) {
				usage_hint();
				return EXIT_USAGE;
			}
			opts.span = optarg;
			break;
		}
		case LOPT_DETAIL:
			opts.detail = true;
			break;
		case LOPT_KALLSYMS:
			opts.kallsyms = optarg;
			break;
		case 'o':
			opts.output = optarg;
			break;
		case LOPT_BASELINE:
			opts.baseline = optarg;
			break;
		case LOPT_SLOW:
			if (parse_ms(optarg, &opts.slow_ns)) {
				usage_hint();
				return EXIT_USAGE;
			}
			break;
		case ':':
			fprintf(stderr, PROG ": option '%s' needs a value\n", argv[optind - 1]);
			usage_hint();
			return EXIT_USAGE;
		default:
			if (optopt)
				fprintf(stderr, PROG ": unknown option '-%c'\n", optopt);
			else
				fprintf(stderr, PROG ": unknown option '%s'\n", argv[optind - 1]);
			usage_hint();
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, PROG ": missing COMMAND\n");
		usage_hint();
		return EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "help")) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	cmd = find_subcmd(argv[optind]);
	if (!cmd) {
		fprintf(stderr, PROG ": unknown command '%s'\n", argv[optind]);
		usage_hint();
		return EXIT_USAGE;
	}
	if (opts.given & ~cmd->opts) {
		fprintf(stderr, PROG ": %s: %s is not an option of this command\n", cmd->name,
			opt_name(opts.given & ~cmd->opts));
		usage_hint();
		return EXIT_USAGE;
	}
	/* a page of HTML is no use on a terminal: it goes to a file */
	if (cmd->print == print_report && !opts.output) {
		fprintf(stderr, PROG ": %s: -o FILE is required\nUsage: " PROG " %s %s\n",
			cmd->name, cmd->name, cmd->synopsis);
		return EXIT_USAGE;
	}
	if (opts.sort_key && parse_sort(cmd, opts.sort_key, &opts.sort)) {
		usage_hint();
		return EXIT_USAGE;
	}
	if (optind + 1 >= argc) {
		fprintf(stderr, PROG ": %s: missing TRACE\nUsage: " PROG " %s %s\n", cmd->name,
			cmd->name, cmd->synopsis);
		return EXIT_USAGE;
	}
	return analyze(cmd, argv + optind + 1, argc - optind - 1, &opts);
}
