// SPDX-License-Identifier: GPL-2.0-only
/*
 * crosslatctl: command-line control of the crosslat kernel modules (counters, markers, RTT,
 * tunnel mappings).
 */

#define _GNU_SOURCE	/* qsort_r, CLONE_NEWNET */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/crosslat.h>
#include <linux/magic.h>
#include <linux/nsfs.h>

#include "arm_cmd.h"
#include "metrics_cmd.h"
#include "nl_crosslat.h"

#ifdef CROSSLAT_WITH_UST
#include "ust_crosslat.h"
#define HAVE_UST	true
#else
#define HAVE_UST	false
#endif

#define PROG		"crosslatctl"
#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Modules serving commands beyond the engine's. */
#define RTT_MODULE	"crosslat_rtt"
#define MAP_MODULE	"crosslat_map"

enum {
	OPT_JSON	= 1 << 0,
	OPT_UST_ONLY	= 1 << 1,
	OPT_NETNS	= 1 << 2,
	OPT_ADDR	= 1 << 3,
	OPT_PORT	= 1 << 4,
	OPT_SORT	= 1 << 5,
	OPT_LIMIT	= 1 << 6,
	OPT_PREFIX	= 1 << 7,
	OPT_INNER	= 1 << 8,
	OPT_OUTER	= 1 << 9,
	OPT_TUNNEL	= 1 << 10,
};

/* getopt_long values of the options without a short form. */
enum {
	LOPT_NETNS = 256,
	LOPT_ADDR,
	LOPT_PORT,
	LOPT_SORT,
	LOPT_LIMIT,
	LOPT_PREFIX,
	LOPT_INNER,
	LOPT_OUTER,
	LOPT_TUNNEL,
};

/* An address prefix: family AF_INET or AF_INET6, len bits of addr (network order). */
struct cidr {
	uint8_t family;
	uint8_t len;
	uint8_t addr[16];
};

/* tuple_filter.given: the parts of a TUPLE that were neither * nor left out. */
enum {
	TF_PROTO	= 1 << 0,
	TF_SADDR	= 1 << 1,
	TF_SPORT	= 1 << 2,
	TF_DADDR	= 1 << 3,
	TF_DPORT	= 1 << 4,
};

/* map --inner/--outer: a TUPLE; a tuple matches when every given part equals its own. */
struct tuple_filter {
	unsigned int given;	/* TF_* */
	uint8_t proto;
	uint8_t family;		/* of saddr and daddr, when either is given */
	uint8_t saddr[16];	/* network order */
	uint8_t daddr[16];
	uint16_t sport, dport;
};

/* flows --sort: every order is descending; flows without the value come last. */
enum sort_key {
	SORT_SRTT,
	SORT_RTT_MAX,
	SORT_APP,
	SORT_BYTES,
	SORT_RETRANS,
	SORT_AGE,
	SORT_THROUGHPUT,
};

static const char *const sort_names[] = {
	[SORT_SRTT]		= "srtt",
	[SORT_RTT_MAX]		= "rtt_max",
	[SORT_APP]		= "app",
	[SORT_BYTES]		= "bytes",
	[SORT_RETRANS]		= "retrans",
	[SORT_AGE]		= "age",
	[SORT_THROUGHPUT]	= "throughput",
};

struct ctl_opts {
	bool json;		/* JSON on stdout instead of text */
	bool ust_only;		/* mark: UST event only, no netlink */
	uint32_t netns_inum;	/* --netns */
	struct cidr addr;	/* --addr: flows with the local or remote address inside */
	uint16_t port;		/* --port */
	enum sort_key sort;	/* --sort */
	unsigned int limit;	/* --limit; 0: all */
	struct cidr prefix;	/* --prefix: a rule's remote address prefix */
	struct tuple_filter inner;	/* --inner: a mapping's pod flow */
	struct tuple_filter outer;	/* --outer: a mapping's underlay flow */
	uint8_t tunnel;		/* --tunnel: enum crosslat_map_tunnel */
	unsigned int given;	/* OPT_* seen on the command line */
};

static const struct ctl_opts default_opts = {
	.json		= false,
	.ust_only	= false,
	.sort		= SORT_SRTT,
	.limit		= 0,
	.given		= 0,
};

static const struct {
	unsigned int bit;
	const char *name;
} opt_names[] = {
	{ OPT_JSON,	"--json" },
	{ OPT_UST_ONLY,	"--ust-only" },
	{ OPT_NETNS,	"--netns" },
	{ OPT_ADDR,	"--addr" },
	{ OPT_PORT,	"--port" },
	{ OPT_SORT,	"--sort" },
	{ OPT_LIMIT,	"--limit" },
	{ OPT_PREFIX,	"--prefix" },
	{ OPT_INNER,	"--inner" },
	{ OPT_OUTER,	"--outer" },
	{ OPT_TUNNEL,	"--tunnel" },
};

#define FORMS_MAX	4

struct subcmd {
	const char *name;
	const char *forms[FORMS_MAX];	/* synopsis lines after the name */
	const char *summary;
	int min_args, max_args;
	unsigned int opts;	/* OPT_* the command accepts */
	int (*run)(int argc, char **argv, const struct ctl_opts *opts);
};

static int cmd_stats(int argc, char **argv, const struct ctl_opts *opts);
static int cmd_mark(int argc, char **argv, const struct ctl_opts *opts);
static int cmd_flows(int argc, char **argv, const struct ctl_opts *opts);
static int cmd_threshold(int argc, char **argv, const struct ctl_opts *opts);
static int cmd_map(int argc, char **argv, const struct ctl_opts *opts);
static int cmd_help(int argc, char **argv, const struct ctl_opts *opts);
static const struct subcmd *find_subcmd(const char *name);

#define THRESH_SELECTOR	"[--netns NS] [--prefix ADDR/LEN] [--port PORT]"

/* threshold's forms are in the order of thresh_actions[]. */
static const struct subcmd subcmds[] = {
	{ "stats", { "[--json]" }, "print the module version and its counters",
	  0, 0, OPT_JSON, cmd_stats },
	{ "mark", { "[--ust-only] [--json] ID [LABEL]" },
	  "put marker ID into the kernel and UST traces",
	  1, 2, OPT_JSON | OPT_UST_ONLY, cmd_mark },
	{ "flows", { "[--json] [--netns NS] [--addr ADDR[/LEN]] [--port PORT] [--sort KEY] [--limit N]" },
	  "list the TCP flows crosslat_rtt tracks: RTT, think time, bytes, retransmits",
	  0, 0, OPT_JSON | OPT_NETNS | OPT_ADDR | OPT_PORT | OPT_SORT | OPT_LIMIT, cmd_flows },
	{ "threshold", { "set DURATION " THRESH_SELECTOR, "del " THRESH_SELECTOR, "flush",
			 "list [--json]" },
	  "manage crosslat_rtt's RTT alert thresholds",
	  1, 3, OPT_JSON | OPT_NETNS | OPT_PREFIX | OPT_PORT, cmd_threshold },
	{ "map", { "[--json] [--inner TUPLE] [--outer TUPLE] [--netns NS] [--tunnel vxlan|geneve|ipip|nat] [--limit N]" },
	  "list crosslat_map's mappings: which underlay tuple or NAT carried which pod flow",
	  0, 0, OPT_JSON | OPT_INNER | OPT_OUTER | OPT_NETNS | OPT_TUNNEL | OPT_LIMIT, cmd_map },
	{ "metrics", { "[--cgroup PATH] [--json | --prometheus]",
		       "set PATH METRIC[,METRIC] [--sample N] | off PATH [METRIC[,METRIC]]" },
	  "per-cgroup histograms of crosslat_metrics (runq, faults, tcp_retrans); `metrics --help`",
	  0, 0, 0, metrics_cmd_run },
	{ "help", { "" }, "show this help",
	  0, 0, 0, cmd_help },
};

static const struct option long_options[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "ust-only",	no_argument,		NULL, 'u' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "netns",	required_argument,	NULL, LOPT_NETNS },
	{ "addr",	required_argument,	NULL, LOPT_ADDR },
	{ "port",	required_argument,	NULL, LOPT_PORT },
	{ "sort",	required_argument,	NULL, LOPT_SORT },
	{ "limit",	required_argument,	NULL, LOPT_LIMIT },
	{ "prefix",	required_argument,	NULL, LOPT_PREFIX },
	{ "inner",	required_argument,	NULL, LOPT_INNER },
	{ "outer",	required_argument,	NULL, LOPT_OUTER },
	{ "tunnel",	required_argument,	NULL, LOPT_TUNNEL },
	{ NULL,		0,			NULL, 0 },
};

static void usage(FILE *f)
{
	unsigned int i, j;

	fprintf(f,
		"NAME\n"
		"  " PROG " - control the crosslat kernel modules (counters, trace markers, RTT,\n"
		"  tunnel and NAT mappings)\n"
		"\n"
		"SYNOPSIS\n"
		"  " PROG " [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"COMMANDS\n");
	for (i = 0; i < ARRAY_SIZE(subcmds); i++) {
		for (j = 0; j < FORMS_MAX && subcmds[i].forms[j]; j++)
			fprintf(f, "  %s%s%s\n", subcmds[i].name, *subcmds[i].forms[j] ? " " : "",
				subcmds[i].forms[j]);
		fprintf(f, "      %s\n", subcmds[i].summary);
	}
	fprintf(f,
		"\n"
		"OPTIONS\n"
		"  -j, --json          JSON on stdout instead of text\n"
		"  -u, --ust-only      mark: emit only the UST event, do not ask the kernel\n"
		"      --netns NS      a network namespace: its inode number (4026531840), a\n"
		"                      namespace file (/run/netns/NAME, /proc/PID/ns/net) or net:[N]\n"
		"      --addr ADDR[/LEN]\n"
		"                      flows: the local or the remote address is inside this\n"
		"                      prefix (ADDR alone: that address; bits past LEN are ignored)\n"
		"      --port PORT     flows: the local or the remote port is PORT (1-65535);\n"
		"                      threshold: the rule's port, matched the same way\n"
		"      --sort KEY      flows order, largest first: srtt (default), rtt_max, app\n"
		"                      (server think time), bytes (out + in), retrans, age (most\n"
		"                      recently seen first), throughput (out + in); flows without\n"
		"                      the value come last\n"
		"      --limit N       flows, map: print the first N after sorting\n"
		"      --prefix ADDR/LEN\n"
		"                      threshold: the rule's remote address prefix; bits of\n"
		"                      ADDR past LEN must be zero (ADDR alone: /32 or /128)\n"
		"      --inner TUPLE   map: mappings whose inner (pod) flow matches TUPLE\n"
		"      --outer TUPLE   map: mappings whose outer (underlay) flow matches TUPLE\n"
		"      --tunnel TYPE   map: mappings of this type: vxlan, geneve, ipip or nat\n"
		"  -h, --help          show this help\n"
		"\n"
		"ARGUMENTS\n"
		"  ID        unsigned 64-bit marker id, decimal (42) or hex with 0x (0x2a)\n"
		"  LABEL     optional text, at most %d bytes\n"
		"  DURATION  a number with a unit, always: ns, us, ms or s (20ms, 1.5ms, 500us, 2s);\n"
		"            a whole number of ns from 1ns to 3600s\n"
		"  TUPLE     [PROTO/]SRC>DST, a directional 5-tuple as on the wire. Quote it: the\n"
		"            shell takes > for a redirection.\n"
		"              PROTO     tcp, udp, icmp, icmpv6, sctp, gre, ipip, ipv6, 0-255 or *\n"
		"              SRC, DST  ADDR, ADDR:PORT, [IPV6]:PORT, *:PORT or :PORT, or * or\n"
		"                        nothing; ADDR is IPv4 or IPv6 (in brackets when a port\n"
		"                        follows), PORT is 1-65535 or *\n"
		"            Any part may be * or left out to match anything. A mapping matches\n"
		"            when every part given equals its tuple's, in that direction; exact\n"
		"            addresses only, no prefixes. map prints tuples in this form:\n"
		"            tcp/10.244.1.2:40000>10.244.2.3:8080, udp/[fd00::1]:53>[fd00::2]:5353,\n"
		"            ipip/192.168.100.1>192.168.100.2; and filters such as\n"
		"            '*>10.244.2.3:8080', 'udp/>:4789', '192.168.100.1>192.168.100.2:4789'\n"
		"\n"
		"DESCRIPTION\n"
		"  Talks to crosslat.ko through the generic netlink family \"" CROSSLAT_GENL_NAME "\".\n"
		"\n"
		"  stats reads the module's counters (any user may), the rtt_* ones while\n"
		"  crosslat_rtt.ko is loaded, the map_* ones while crosslat_map.ko is. Counters\n"
		"  this build has no name for are shown as stat_<n>.\n"
		"\n"
		"  mark fires the kernel tracepoint crosslat_mark with ID and LABEL (needs\n"
		"  CAP_NET_ADMIN) and waits for the kernel's answer. When built with lttng-ust it\n"
		"  first emits the UST event crosslat_ust:mark with the same ID and LABEL, so a\n"
		"  trace holding both can align kernel and userspace time; record them with\n"
		"  `lttng enable-event -k crosslat_mark` and `lttng enable-event -u crosslat_ust:mark`.\n"
		"  The UST event is emitted even when the kernel part then fails.\n"
		"  This build: lttng-ust %s.\n"
		"\n"
		"  flows and threshold need crosslat_rtt.ko. flows lists the TCP flows it tracks\n"
		"  (any user may; from a network namespace other than the initial one, only that\n"
		"  namespace's), filtered here by --netns, --addr and --port. Columns: NETNS inode;\n"
		"  LOCAL and REMOTE endpoints; SRTT_MS, MIN_MS, MAX_MS and SAMPLES of the RTT;\n"
		"  APP_AVG_MS and APP_MAX_MS, the server think time; BYTES_OUT and BYTES_IN of TCP\n"
		"  payload; RETRANS segments; TPUT_OUT and TPUT_IN, payload bytes per second\n"
		"  between the first and last packet; THRESH_MS, the flow's alert threshold;\n"
		"  ALERTS emitted; STATE open or closed. \"-\": no sample yet, or no threshold.\n"
		"\n"
		"  threshold set adds a rule, or replaces the one with the same selector (needs\n"
		"  CAP_NET_ADMIN); del deletes the rule with exactly that selector (none given:\n"
		"  the global rule); flush deletes them all; list prints them. A flow takes the\n"
		"  threshold of the most specific rule matching it (namespace, then longer prefix,\n"
		"  then port); when its smoothed RTT rises above it, crosslat_rtt emits the\n"
		"  crosslat_rtt_alert event. At most %d rules.\n"
		"\n"
		"  map needs crosslat_map.ko. It lists the mappings it records (any user may; from\n"
		"  a network namespace other than the initial one, only that namespace's): for each\n"
		"  inner (pod) flow that a namespace encapsulated (encap) or decapsulated (decap) in\n"
		"  VXLAN, GENEVE or IP-in-IP, the outer (underlay) tuple that carried it; for each\n"
		"  TCP or UDP connection a namespace NATs (nat: a service VIP's DNAT, a MASQUERADE),\n"
		"  conntrack's original tuple as INNER and its reply tuple as OUTER. --outer\n"
		"  answers \"which pod flows travelled in this underlay flow\" (a NetFlow or switch\n"
		"  record), --inner \"which underlay tuples carried this pod flow\" (or \"which\n"
		"  backend answers this VIP\"). The two directions of a connection are two tunnel\n"
		"  mappings. Most recently seen first. Columns: NETNS inode; DIR encap, decap or\n"
		"  nat; TUNNEL (for nat: snat, dnat or snat+dnat); VNI (\"-\" for ipip and nat);\n"
		"  INNER and OUTER tuples; POD, the pod at the flow's end in this host, once known:\n"
		"  its network namespace inode, and COMM[PID] of the process that opened the flow\n"
		"  when it was seen (TCP: flows whose handshake crosslat_map saw); PACKETS and\n"
		"  BYTES (IP bytes; outer ones for tunnels) carried; AGE, time since the first\n"
		"  packet; LAST_SEEN, time since the latest.\n"
		"\n"
		"JSON OUTPUT\n"
		"  stats: {\"version\": string, \"stats\": {NAME: integer, ...}}\n"
		"  mark: {\"id\", \"label\" (string or null), \"kernel\" and \"ust\" (booleans)}\n"
		"  flows: an array of objects, one per flow, with exactly these keys; integers\n"
		"  unless said; times in CLOCK_MONOTONIC ns, durations in ns, byte counts of TCP\n"
		"  payload, throughputs in bytes per second:\n"
		"    netns_inum, netns_cookie, family (\"ipv4\" or \"ipv6\"), laddr (string),\n"
		"    lport, raddr (string), rport, first_ns, last_ns,\n"
		"    srtt_ns, rtt_min_ns, rtt_max_ns, rtt_last_ns, rtt_samples (null before the\n"
		"    first RTT sample), app_avg_ns, app_max_ns, app_samples (null before the\n"
		"    first think-time sample), bytes_out, bytes_in, pkts_out, pkts_in,\n"
		"    retrans_segs, retrans_bytes, karn_skipped, throughput_out, throughput_in,\n"
		"    thresh_ns (null without a threshold), alerts, closed (boolean)\n"
		"  threshold list: an array of objects, one per rule: netns_inum, family\n"
		"  (\"ipv4\", \"ipv6\"), prefix (string), prefix_len, port (each null when the rule\n"
		"  does not select on it), rtt_ns\n"
		"  map: an array of objects, one per mapping, with exactly these keys: netns_inum,\n"
		"    netns_cookie, dir (\"encap\", \"decap\" or \"nat\"), tunnel (\"vxlan\",\n"
		"    \"geneve\", \"ipip\"; null for nat), nat (\"snat\", \"dnat\", \"snat+dnat\";\n"
		"    null for tunnels), vni (null for ipip and nat), inner and outer (tuples), pod,\n"
		"    first_ns, last_ns (CLOCK_MONOTONIC ns), packets, bytes; a tuple is an object\n"
		"    {family (\"ipv4\" or \"ipv6\"), proto (string: PROTO as TUPLE names it, e.g.\n"
		"    \"tcp\", \"ipip\", or the number, \"132\"), saddr (string), sport, daddr\n"
		"    (string), dport} with null ports for protocols without them; pod is null or\n"
		"    {netns_inum, netns_cookie, cgroup_id, cgroup (path below /sys/fs/cgroup, or\n"
		"    null), pid and comm (null when no process was seen)}\n"
		"\n"
		"EXIT STATUS\n"
		"  0  success\n"
		"  1  runtime error: module not loaded, permission denied, kernel refused the request\n"
		"  2  usage error: unknown command or option, bad argument or option value\n"
		"\n"
		"EXAMPLES\n"
		"  modprobe crosslat                    # or: insmod path/to/crosslat.ko\n"
		"  " PROG " stats                    # version and counters, one per line\n"
		"  " PROG " stats --json | jq .stats.marks\n"
		"  sudo " PROG " mark 1 warmup-done\n"
		"  sudo " PROG " mark 0xdeadbeef \"before failover\"\n"
		"  " PROG " mark --ust-only 42 checkpoint   # UST event only, no module needed\n"
		"  modprobe crosslat_rtt\n"
		"  " PROG " flows --sort srtt --limit 10  # the ten slowest flows\n"
		"  " PROG " flows --netns /run/netns/pod1 --port 443 --json | jq '.[].srtt_ns'\n"
		"  " PROG " flows --addr 10.0.0.0/8 --sort retrans\n"
		"  sudo " PROG " threshold set 20ms               # global rule\n"
		"  sudo " PROG " threshold set 1.5ms --prefix 10.1.0.0/16 --port 5432\n"
		"  sudo " PROG " threshold set 500us --netns /proc/1234/ns/net\n"
		"  sudo " PROG " threshold del --prefix 10.1.0.0/16 --port 5432\n"
		"  " PROG " threshold list\n"
		"  modprobe crosslat_map\n"
		"  " PROG " map --limit 20          # the 20 most recently seen\n"
		"  " PROG " map --outer '192.168.100.1>192.168.100.2:4789'   # pod flows in it\n"
		"  " PROG " map --inner 'tcp/10.244.1.2:40000>10.244.2.3:8080' --json\n"
		"  " PROG " map --inner '*>10.244.2.3:8080' --tunnel vxlan\n"
		"  " PROG " map --inner '[fd00::1]:80>[fd00::2]:5000' --netns /run/netns/node1\n",
		CROSSLAT_MARK_LABEL_MAX - 1, HAVE_UST ? "enabled" : "disabled (built with WITH_UST=0)",
		CROSSLAT_THRESH_MAX_RULES);
}

static void usage_hint(void)
{
	fprintf(stderr, "Try '" PROG " --help'.\n");
}

/* Writes s as a JSON string literal. */
static void json_str(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Strict unsigned 64-bit parse: decimal or 0x hex, digits only, no sign, no spaces. */
static int parse_id(const char *s, uint64_t *id)
{
	const char *digits = s, *p;
	char *end;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		digits = s + 2;
	}
	if (!*digits)
		return -EINVAL;
	for (p = digits; *p; p++)
		if (base == 16 ? !strchr("0123456789abcdefABCDEF", *p) : (*p < '0' || *p > '9'))
			return -EINVAL;
	errno = 0;
	*id = strtoull(digits, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	return *end ? -EINVAL : 0;
}

/* Strict unsigned decimal: digits only, at most max. 0, -EINVAL or -ERANGE. */
static int parse_dec(const char *s, uint64_t max, uint64_t *v)
{
	const char *p;
	char *end;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno == ERANGE || *v > max)
		return -ERANGE;
	return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
	uint64_t v;

	if (parse_dec(s, UINT16_MAX, &v) || !v) {
		fprintf(stderr, PROG ": --port: invalid port '%s': expected 1-65535\n", s);
		return -1;
	}
	*port = v;
	return 0;
}

static int parse_limit(const char *s, unsigned int *limit)
{
	uint64_t v;

	if (parse_dec(s, UINT32_MAX, &v) || !v) {
		fprintf(stderr, PROG ": --limit: invalid count '%s': expected a whole number, 1 or more\n",
			s);
		return -1;
	}
	*limit = v;
	return 0;
}

static int parse_sort(const char *s, enum sort_key *key)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sort_names); i++) {
		if (!strcmp(s, sort_names[i])) {
			*key = i;
			return 0;
		}
	}
	fprintf(stderr, PROG ": --sort: unknown sort key '%s' (srtt, rtt_max, app, bytes, retrans, age, throughput)\n",
		s);
	return -1;
}

static unsigned int family_bytes(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

/* Clears the bits of c->addr past c->len. */
static void cidr_mask(struct cidr *c)
{
	unsigned int i, size = family_bytes(c->family);

	if (c->len % 8)
		c->addr[c->len / 8] &= 0xff << (8 - c->len % 8);
	for (i = (c->len + 7) / 8; i < size; i++)
		c->addr[i] = 0;
}

/* The address part of c, "10.0.0.0" or "fd00::" (at least INET6_ADDRSTRLEN bytes at buf). */
static const char *addr_str(uint8_t family, const uint8_t *addr, char *buf)
{
	return inet_ntop(family, addr, buf, INET6_ADDRSTRLEN) ? buf : "?";
}

/*
 * ADDR[/LEN] into c. With strict, bits of ADDR past LEN are an error (the kernel refuses
 * such a rule); without, they are cleared.
 */
static int parse_cidr(const char *opt, const char *s, bool strict, struct cidr *c)
{
	char host[INET6_ADDRSTRLEN], masked[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	struct cidr m;
	uint64_t len;

	memset(c, 0, sizeof(*c));
	if (n >= sizeof(host))
		goto bad_addr;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, c->addr) == 1)
		c->family = AF_INET;
	else if (inet_pton(AF_INET6, host, c->addr) == 1)
		c->family = AF_INET6;
	else
		goto bad_addr;
	c->len = family_bytes(c->family) * 8;
	if (slash) {
		if (parse_dec(slash + 1, c->len, &len)) {
			fprintf(stderr, PROG ": %s: invalid prefix length in '%s': expected 0-%u\n",
				opt, s, c->len);
			return -1;
		}
		c->len = len;
	}
	m = *c;
	cidr_mask(&m);
	if (strict && memcmp(m.addr, c->addr, sizeof(m.addr))) {
		fprintf(stderr, PROG ": %s: '%s' has bits set past /%u; did you mean %s/%u?\n",
			opt, s, c->len, addr_str(m.family, m.addr, masked), m.len);
		return -1;
	}
	*c = m;
	return 0;

bad_addr:
	fprintf(stderr, PROG ": %s: invalid address in '%s': expected an IPv4 or IPv6 address\n",
		opt, s);
	return -1;
}

static bool cidr_match(const struct cidr *c, uint8_t family, const uint8_t *addr)
{
	struct cidr a = { .family = family, .len = c->len };

	if (family != c->family)
		return false;
	memcpy(a.addr, addr, family_bytes(family));
	cidr_mask(&a);
	return !memcmp(a.addr, c->addr, sizeof(a.addr));
}

/* IP protocols TUPLE names and map prints; others are numbers. */
static const struct {
	uint8_t proto;
	const char *name;
} proto_names[] = {
	{ IPPROTO_ICMP, "icmp" }, { IPPROTO_IPIP, "ipip" }, { IPPROTO_TCP, "tcp" },
	{ IPPROTO_UDP, "udp" }, { IPPROTO_IPV6, "ipv6" }, { IPPROTO_GRE, "gre" },
	{ IPPROTO_ICMPV6, "icmpv6" }, { IPPROTO_SCTP, "sctp" },
};

/* --tunnel's types: NAT mappings have no tunnel (CROSSLAT_MAP_TUNNEL_UNSPEC). */
static const char *const tunnel_names[] = {
	[CROSSLAT_MAP_TUNNEL_UNSPEC]	= "nat",
	[CROSSLAT_MAP_TUNNEL_VXLAN]	= "vxlan",
	[CROSSLAT_MAP_TUNNEL_GENEVE]	= "geneve",
	[CROSSLAT_MAP_TUNNEL_IPIP]	= "ipip",
};

static int parse_tunnel(const char *s, uint8_t *tunnel)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tunnel_names); i++) {
		if (tunnel_names[i] && !strcmp(s, tunnel_names[i])) {
			*tunnel = i;
			return 0;
		}
	}
	fprintf(stderr, PROG ": --tunnel: unknown type '%s' (vxlan, geneve, ipip or nat)\n", s);
	return -1;
}

#define TUPLE_WHY_MAX	192

/* One side of a TUPLE: "", *, ADDR, ADDR:PORT, [IPV6], [IPV6]:PORT, :PORT or *:PORT. */
struct endpoint {
	bool has_addr, has_port;
	uint8_t family;
	uint8_t addr[16];
	uint16_t port;
};

/* The n bytes at s as side (SRC or DST) into ep; 0, or -1 with why filled in. */
static int parse_endpoint(const char *side, const char *s, size_t n, struct endpoint *ep,
			  char *why)
{
	char text[INET6_ADDRSTRLEN + 16], *addr, *port = NULL, *colon;
	bool bracket = false;
	uint64_t v;

	memset(ep, 0, sizeof(*ep));
	if (n >= sizeof(text)) {
		snprintf(why, TUPLE_WHY_MAX, "%s is too long to be an address and a port", side);
		return -1;
	}
	memcpy(text, s, n);
	text[n] = '\0';
	addr = text;
	if (addr[0] == '[') {
		char *close = strchr(addr, ']');

		if (!close) {
			snprintf(why, TUPLE_WHY_MAX, "%s '%s' lacks the closing ']'", side, text);
			return -1;
		}
		if (close[1] && close[1] != ':') {
			snprintf(why, TUPLE_WHY_MAX, "%s '%s': expected ':PORT' or nothing after ']'",
				 side, text);
			return -1;
		}
		if (close[1])
			port = close + 2;
		*close = '\0';
		addr++;
		bracket = true;
	} else {
		colon = strchr(addr, ':');
		/* One colon separates the port; more make an IPv6 address without a port. */
		if (colon && !strchr(colon + 1, ':')) {
			*colon = '\0';
			port = colon + 1;
		}
	}

	if (bracket ? inet_pton(AF_INET6, addr, ep->addr) == 1 :
		      inet_pton(AF_INET, addr, ep->addr) == 1 ||
		      (strchr(addr, ':') && inet_pton(AF_INET6, addr, ep->addr) == 1)) {
		ep->has_addr = true;
		ep->family = bracket || strchr(addr, ':') ? AF_INET6 : AF_INET;
	} else if (bracket || (*addr && strcmp(addr, "*"))) {
		if (bracket)
			snprintf(why, TUPLE_WHY_MAX, "%s: '%s' inside [ ] is not an IPv6 address",
				 side, addr);
		else if (strchr(addr, ':'))
			snprintf(why, TUPLE_WHY_MAX, "%s: '%s' is not an IPv6 address (with a port, put the address in brackets: [fd00::1]:80)",
				 side, addr);
		else
			snprintf(why, TUPLE_WHY_MAX, "%s: '%s' is not an IPv4 or IPv6 address",
				 side, addr);
		return -1;
	}

	if (port && strcmp(port, "*")) {
		if (parse_dec(port, UINT16_MAX, &v) || !v) {
			snprintf(why, TUPLE_WHY_MAX, "%s: invalid port '%s': expected 1-65535 or *",
				 side, port);
			return -1;
		}
		ep->has_port = true;
		ep->port = v;
	}
	return 0;
}

/* A TUPLE's PROTO: a name of proto_names[], a number 0-255, or * (any). */
static int parse_proto(const char *s, size_t n, struct tuple_filter *f, char *why)
{
	char text[8];
	unsigned int i;
	uint64_t v;

	if (n == 1 && s[0] == '*')
		return 0;
	if (n < sizeof(text)) {
		memcpy(text, s, n);
		text[n] = '\0';
		for (i = 0; i < ARRAY_SIZE(proto_names); i++) {
			if (!strcmp(text, proto_names[i].name)) {
				f->proto = proto_names[i].proto;
				f->given |= TF_PROTO;
				return 0;
			}
		}
		if (!parse_dec(text, UINT8_MAX, &v)) {
			f->proto = v;
			f->given |= TF_PROTO;
			return 0;
		}
	}
	snprintf(why, TUPLE_WHY_MAX, "unknown protocol '%.*s' (tcp, udp, icmp, icmpv6, sctp, gre, ipip, ipv6, a number 0-255 or *)",
		 (int)(n < 32 ? n : 32), s);
	return -1;
}

/*
 * TUPLE ([PROTO/]SRC>DST, see usage()) into f; on error explains it on stderr with opt
 * (--inner, --outer) and returns -1.
 */
static int parse_tuple_filter(const char *opt, const char *s, struct tuple_filter *f)
{
	const char *rest = s, *slash, *gt;
	char why[TUPLE_WHY_MAX];
	struct endpoint src, dst;

	memset(f, 0, sizeof(*f));
	if (!*s) {
		snprintf(why, sizeof(why), "it is empty");
		goto bad;
	}
	/* A '/' before SRC ends PROTO; one after an address would start a prefix length. */
	slash = strchr(s, '/');
	gt = strchr(s, '>');
	if (slash && (!gt || slash < gt) && !memchr(s, '.', slash - s) &&
	    !memchr(s, ':', slash - s) && !memchr(s, '[', slash - s)) {
		if (parse_proto(s, slash - s, f, why))
			goto bad;
		rest = slash + 1;
	}
	if (strchr(rest, '/')) {
		snprintf(why, sizeof(why), "address prefixes (ADDR/LEN) are not supported: give an exact address or *");
		goto bad;
	}
	gt = strchr(rest, '>');
	if (!gt) {
		snprintf(why, sizeof(why), "missing '>' between SRC and DST (quote the TUPLE: the shell takes > for a redirection)");
		goto bad;
	}
	if (strchr(gt + 1, '>')) {
		snprintf(why, sizeof(why), "more than one '>'");
		goto bad;
	}
	if (parse_endpoint("SRC", rest, gt - rest, &src, why) ||
	    parse_endpoint("DST", gt + 1, strlen(gt + 1), &dst, why))
		goto bad;
	if (src.has_addr && dst.has_addr && src.family != dst.family) {
		snprintf(why, sizeof(why), "SRC and DST addresses are of different families");
		goto bad;
	}
	if (src.has_addr) {
		f->given |= TF_SADDR;
		f->family = src.family;
		memcpy(f->saddr, src.addr, sizeof(f->saddr));
	}
	if (dst.has_addr) {
		f->given |= TF_DADDR;
		f->family = dst.family;
		memcpy(f->daddr, dst.addr, sizeof(f->daddr));
	}
	if (src.has_port) {
		f->given |= TF_SPORT;
		f->sport = src.port;
	}
	if (dst.has_port) {
		f->given |= TF_DPORT;
		f->dport = dst.port;
	}
	return 0;

bad:
	fprintf(stderr, PROG ": %s: invalid TUPLE '%s': %s\n"
		"TUPLE is [PROTO/]SRC[:PORT]>DST[:PORT], e.g. 'tcp/10.244.1.2:40000>10.244.2.3:8080'.\n",
		opt, s, why);
	return -1;
}

/*
 * A network namespace's inode number from NS: a number, "net:[N]" (readlink's form), or a
 * namespace file, which must be a network namespace.
 */
static int parse_netns(const char *s, uint32_t *inum)
{
	char digits[24];
	struct statfs sfs;
	struct stat st;
	uint64_t v;
	size_t n;
	int fd, type;

	n = strlen(s);
	if (!strncmp(s, "net:[", 5) && n > 6 && s[n - 1] == ']' && n - 6 < sizeof(digits)) {
		memcpy(digits, s + 5, n - 6);
		digits[n - 6] = '\0';
		s = digits;
	}
	if (*s >= '0' && *s <= '9') {
		if (parse_dec(s, UINT32_MAX, &v) || !v) {
			fprintf(stderr, PROG ": --netns: invalid inode number '%s': expected 1-%" PRIu32 " or a namespace file\n",
				s, UINT32_MAX);
			return -1;
		}
		*inum = v;
		return 0;
	}

	fd = open(s, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, PROG ": --netns: cannot open '%s': %s\n", s, strerror(errno));
		return -1;
	}
	if (fstatfs(fd, &sfs) || sfs.f_type != NSFS_MAGIC) {
		fprintf(stderr, PROG ": --netns: '%s' is not a namespace file (expected /run/netns/NAME, /proc/PID/ns/net or an inode number)\n",
			s);
		goto err;
	}
	/* ENOTTY before Linux 4.11: trust the caller. */
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type >= 0 && type != CLONE_NEWNET) {
		fprintf(stderr, PROG ": --netns: '%s' is a namespace, but not a network namespace\n", s);
		goto err;
	}
	if (fstat(fd, &st)) {
		fprintf(stderr, PROG ": --netns: cannot stat '%s': %s\n", s, strerror(errno));
		goto err;
	}
	close(fd);
	if (st.st_ino > UINT32_MAX) {
		fprintf(stderr, PROG ": --netns: '%s' has inode %ju, past 32 bits\n", s,
			(uintmax_t)st.st_ino);
		return -1;
	}
	*inum = st.st_ino;
	return 0;
err:
	close(fd);
	return -1;
}

/*
 * DURATION: digits, optionally '.' and more digits, then ns, us, ms or s, giving a whole
 * number of ns in 1 .. CROSSLAT_THRESH_RTT_MAX_NS. Prints why not on stderr.
 */
static int parse_duration(const char *what, const char *s, uint64_t *ns)
{
	static const struct {
		const char *suffix;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
	};
	uint64_t whole = 0, frac = 0, scale = 1, mult = 0;
	bool digits = false, too_big = false, too_fine = false;
	const char *p = s;
	unsigned int i;

	for (; *p >= '0' && *p <= '9'; p++, digits = true) {
		if (whole > CROSSLAT_THRESH_RTT_MAX_NS)
			too_big = true;
		else
			whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			goto bad;
		for (p++; *p >= '0' && *p <= '9'; p++, digits = true) {
			if (scale < 1000000000) {
				frac = frac * 10 + (*p - '0');
				scale *= 10;
			} else if (*p != '0') {
				too_fine = true;
			}
		}
	}
	if (!digits)
		goto bad;
	if (!*p) {
		fprintf(stderr, PROG ": %s: DURATION '%s' needs a unit: ns, us, ms or s (e.g. %sms)\n",
			what, s, s);
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(p, units[i].suffix))
			mult = units[i].ns;
	if (!mult)
		goto bad;
	/* frac < 10^9 and mult <= 10^9: the product fits. */
	if (too_fine || (frac * mult) % scale) {
		fprintf(stderr, PROG ": %s: DURATION '%s' is not a whole number of nanoseconds\n",
			what, s);
		return -1;
	}
	if (too_big || whole > CROSSLAT_THRESH_RTT_MAX_NS / mult)
		goto range;
	*ns = whole * mult + frac * mult / scale;
	if (!*ns || *ns > CROSSLAT_THRESH_RTT_MAX_NS)
		goto range;
	return 0;

bad:
	fprintf(stderr, PROG ": %s: invalid DURATION '%s': expected a number and a unit, e.g. 20ms, 1.5ms, 500us, 2s\n",
		what, s);
	return -1;
range:
	fprintf(stderr, PROG ": %s: DURATION '%s' is out of range (1ns to 3600s)\n", what, s);
	return -1;
}

/* ns as milliseconds with three decimals, rounded to the microsecond. */
static const char *fmt_ms(char *buf, size_t len, uint64_t ns)
{
	uint64_t us = ns / 1000 + (ns % 1000 >= 500);

	snprintf(buf, len, "%" PRIu64 ".%03u", us / 1000, (unsigned int)(us % 1000));
	return buf;
}

/* ns exactly, in the largest unit DURATION takes that keeps it >= 1: 500ns, 1.5ms, 20ms. */
static const char *fmt_duration(char *buf, size_t len, uint64_t ns)
{
	static const struct {
		const char *suffix;
		uint64_t ns;
		int digits;
	} units[] = {
		{ "s", 1000000000, 9 }, { "ms", 1000000, 6 }, { "us", 1000, 3 }, { "ns", 1, 0 },
	};
	unsigned int i = 0;
	char frac[16];
	int n;

	while (i + 1 < ARRAY_SIZE(units) && ns < units[i].ns)
		i++;
	if (ns % units[i].ns == 0) {
		snprintf(buf, len, "%" PRIu64 "%s", ns / units[i].ns, units[i].suffix);
		return buf;
	}
	n = snprintf(frac, sizeof(frac), "%0*" PRIu64, units[i].digits, ns % units[i].ns);
	while (n > 1 && frac[n - 1] == '0')
		frac[--n] = '\0';
	snprintf(buf, len, "%" PRIu64 ".%s%s", ns / units[i].ns, frac, units[i].suffix);
	return buf;
}

/* v with an SI prefix and unit: 999B, 1.5kB, 12.3MB/s. */
static const char *fmt_si(char *buf, size_t len, uint64_t v, const char *unit)
{
	static const char prefix[] = "kMGTPE";
	double d = v;
	int i = -1;

	if (v < 1000) {
		snprintf(buf, len, "%" PRIu64 "%s", v, unit);
		return buf;
	}
	while (d >= 999.95 && i < (int)sizeof(prefix) - 2) {
		d /= 1000;
		i++;
	}
	snprintf(buf, len, "%.1f%c%s", d, prefix[i], unit);
	return buf;
}

/* "10.0.0.1:80" or "[fd00::1]:443". */
static const char *fmt_endpoint(char *buf, size_t len, uint8_t family, const uint8_t *addr,
				uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	addr_str(family, addr, a);
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
	return buf;
}

/*
 * Opens the family; on failure explains it on stderr and returns non-zero. module: the
 * module serving the command besides crosslat.ko (RTT_MODULE, MAP_MODULE), or NULL.
 */
static int open_family(struct crosslat_nl **nl, const char *module)
{
	int err = crosslat_nl_open(nl);

	switch (err) {
	case 0:
		return 0;
	case -ENOENT:
		fprintf(stderr,
			PROG ": crosslat module not loaded (generic netlink family \"%s\" not found).\n",
			CROSSLAT_GENL_NAME);
		if (module)
			fprintf(stderr,
				"This command needs crosslat and %s: `modprobe -a crosslat %s`,\n"
				"or `insmod crosslat.ko` then `insmod %s.ko` from the build tree.\n",
				module, module, module);
		else
			fprintf(stderr,
				"Load it with `modprobe crosslat`, or `insmod crosslat.ko` from the build tree.\n");
		break;
	case -EPROTONOSUPPORT:
	case -EAFNOSUPPORT:
		fprintf(stderr, PROG ": this kernel has no generic netlink: %s\n", strerror(-err));
		break;
	default:
		fprintf(stderr, PROG ": cannot look up generic netlink family \"%s\": %s\n",
			CROSSLAT_GENL_NAME, strerror(-err));
		break;
	}
	return err;
}

/* A table column: its title and whether its cells are right-aligned. */
struct column {
	const char *title;
	bool right;
};

/* Fits the longest tuple: "icmpv6/[IPV6]:PORT>[IPV6]:PORT". */
#define CELL_MAX	128

/* Prints nrows rows of ncols cells (CELL_MAX bytes each, row-major) under the titles. */
static void print_table(const struct column *cols, unsigned int ncols, const char *cells,
			size_t nrows)
{
	unsigned int width[32] = { 0 };
	unsigned int c;
	size_t r;

	for (c = 0; c < ncols && c < ARRAY_SIZE(width); c++) {
		width[c] = strlen(cols[c].title);
		for (r = 0; r < nrows; r++) {
			size_t w = strlen(cells + (r * ncols + c) * CELL_MAX);

			if (w > width[c])
				width[c] = w;
		}
	}
	for (r = 0; r <= nrows; r++) {
		for (c = 0; c < ncols; c++) {
			const char *cell = r ? cells + ((r - 1) * ncols + c) * CELL_MAX :
					   cols[c].title;
			bool last = c + 1 == ncols;

			if (cols[c].right)
				printf("%*s", (int)width[c], cell);
			else
				printf("%-*s", last ? 0 : (int)width[c], cell);
			fputs(last ? "\n" : "  ", stdout);
		}
	}
}

static void print_stats(const struct crosslat_nl_stats *st, bool json)
{
	char unknown[32];
	const char *name;
	unsigned int i;

	if (json) {
		printf("{\"version\":");
		json_str(stdout, st->version);
		printf(",\"stats\":{");
	} else {
		printf("%-22s %s\n", "version", st->version);
	}
	for (i = 0; i < st->nr; i++) {
		name = crosslat_nl_stat_name(st->stat[i].type);
		if (!name) {
			snprintf(unknown, sizeof(unknown), "stat_%u", st->stat[i].type);
			name = unknown;
		}
		if (json)
			printf("%s\"%s\":%" PRIu64, i ? "," : "", name, st->stat[i].value);
		else
			printf("%-22s %" PRIu64 "\n", name, st->stat[i].value);
	}
	if (json)
		printf("}}\n");
}

static int cmd_stats(int argc, char **argv, const struct ctl_opts *opts)
{
	struct crosslat_nl_stats st;
	struct crosslat_nl *nl = NULL;
	int ret = EXIT_RUNTIME;
	int err;

	(void)argc;
	(void)argv;
	if (open_family(&nl, NULL))
		goto cleanup;
	err = crosslat_nl_get_stats(nl, &st);
	if (err) {
		crosslat_nl_report("stats", nl, err, NULL);
		goto cleanup;
	}
	print_stats(&st, opts->json);
	ret = EXIT_SUCCESS;
cleanup:
	crosslat_nl_close(nl);
	return ret;
}

/* Emits crosslat_ust:mark; false when this build has no UST provider. */
static bool emit_ust_mark(uint64_t id, const char *label)
{
#ifdef CROSSLAT_WITH_UST
	lttng_ust_tracepoint(crosslat_ust, mark, id, label ? label : "");
	return true;
#else
	(void)id;
	(void)label;
	return false;
#endif
}

static int cmd_mark(int argc, char **argv, const struct ctl_opts *opts)
{
	const char *label = argc > 1 ? argv[1] : NULL;
	struct crosslat_nl *nl = NULL;
	int ret = EXIT_USAGE;
	bool ust;
	uint64_t id;
	int err;

	err = parse_id(argv[0], &id);
	if (err) {
		if (err == -ERANGE)
			fprintf(stderr, PROG ": mark: ID '%s' is out of range (max %" PRIu64 ")\n",
				argv[0], UINT64_MAX);
		else
			fprintf(stderr, PROG ": mark: invalid ID '%s': expected an unsigned integer, decimal or 0x-prefixed hex\n",
				argv[0]);
		goto cleanup;
	}
	if (crosslat_nl_check_label(label)) {
		fprintf(stderr, PROG ": mark: LABEL is %zu bytes; at most %d are allowed\n",
			strlen(label), CROSSLAT_MARK_LABEL_MAX - 1);
		goto cleanup;
	}
	if (opts->ust_only && !HAVE_UST) {
		fprintf(stderr, PROG ": mark: --ust-only: this " PROG
			" was built without lttng-ust (WITH_UST=0)\n");
		goto cleanup;
	}

	ret = EXIT_RUNTIME;
	/* UST first: it is recorded even if the kernel part fails. */
	ust = emit_ust_mark(id, label);
	if (!opts->ust_only) {
		if (open_family(&nl, NULL))
			goto cleanup;
		err = crosslat_nl_mark(nl, id, label);
		if (err) {
			crosslat_nl_report("mark", nl, err, NULL);
			goto cleanup;
		}
	}

	if (opts->json) {
		printf("{\"id\":%" PRIu64 ",\"label\":", id);
		if (label)
			json_str(stdout, label);
		else
			printf("null");
		printf(",\"kernel\":%s,\"ust\":%s}\n", opts->ust_only ? "false" : "true",
		       ust ? "true" : "false");
	} else {
		printf("mark %" PRIu64 " (0x%" PRIx64 ")%s%s%s: kernel %s, ust %s\n", id, id,
		       label ? " \"" : "", label ? label : "", label ? "\"" : "",
		       opts->ust_only ? "skipped" : "ok", ust ? "emitted" : "not built");
	}
	ret = EXIT_SUCCESS;
cleanup:
	crosslat_nl_close(nl);
	return ret;
}

/* ---- flows ---- */

struct flow_set {
	struct crosslat_nl_flow *v;
	size_t nr, cap;
	const struct ctl_opts *opts;
};

static bool flow_selected(const struct crosslat_nl_flow *f, const struct ctl_opts *opts)
{
	if ((opts->given & OPT_NETNS) && f->netns_inum != opts->netns_inum)
		return false;
	if ((opts->given & OPT_ADDR) && !cidr_match(&opts->addr, f->family, f->laddr) &&
	    !cidr_match(&opts->addr, f->family, f->raddr))
		return false;
	if ((opts->given & OPT_PORT) && f->lport != opts->port && f->rport != opts->port)
		return false;
	return true;
}

static int collect_flow(const struct crosslat_nl_flow *f, void *arg)
{
	struct flow_set *set = arg;
	struct crosslat_nl_flow *v;
	size_t cap;

	if (!flow_selected(f, set->opts))
		return 0;
	if (set->nr == set->cap) {
		cap = set->cap ? set->cap * 2 : 64;
		v = reallocarray(set->v, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		set->v = v;
		set->cap = cap;
	}
	set->v[set->nr++] = *f;
	return 0;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* f's value for key, or false when it has none (no sample yet). */
static bool sort_value(const struct crosslat_nl_flow *f, enum sort_key key, uint64_t *v)
{
	switch (key) {
	case SORT_SRTT:
		*v = f->srtt_ns;
		return f->present & CROSSLAT_NL_FLOW_RTT;
	case SORT_RTT_MAX:
		*v = f->rtt_max_ns;
		return f->present & CROSSLAT_NL_FLOW_RTT;
	case SORT_APP:
		*v = f->app_avg_ns;
		return f->present & CROSSLAT_NL_FLOW_APP;
	case SORT_BYTES:
		*v = sat_add(f->bytes_out, f->bytes_in);
		return true;
	case SORT_RETRANS:
		*v = f->retrans_segs;
		return true;
	case SORT_AGE:
		*v = f->last_ns;
		return true;
	case SORT_THROUGHPUT:
		*v = sat_add(f->throughput_out, f->throughput_in);
		return true;
	}
	return false;
}

#define CMP(a, b)	(((a) > (b)) - ((a) < (b)))

/* Compares the flows' identities: namespace cookie, then endpoints. */
static int flow_key_cmp(const struct crosslat_nl_flow *a, const struct crosslat_nl_flow *b)
{
	int c = CMP(a->netns_cookie, b->netns_cookie);

	if (!c)
		c = CMP(a->family, b->family);
	if (!c)
		c = memcmp(a->laddr, b->laddr, sizeof(a->laddr));
	if (!c)
		c = CMP(a->lport, b->lport);
	if (!c)
		c = memcmp(a->raddr, b->raddr, sizeof(a->raddr));
	if (!c)
		c = CMP(a->rport, b->rport);
	return c;
}

/* Largest value first, flows without one last, then by namespace and endpoints. */
static int flow_cmp(const void *pa, const void *pb, void *arg)
{
	const struct crosslat_nl_flow *a = pa, *b = pb;
	enum sort_key key = *(const enum sort_key *)arg;
	uint64_t va = 0, vb = 0;
	bool ha = sort_value(a, key, &va), hb = sort_value(b, key, &vb);
	int c;

	if (ha != hb)
		return hb - ha;
	if (va != vb)
		return CMP(vb, va);
	c = CMP(a->netns_inum, b->netns_inum);
	return c ? c : flow_key_cmp(a, b);
}

/* By identity, then the latest snapshot (last_ns) first. */
static int flow_id_cmp(const void *pa, const void *pb)
{
	const struct crosslat_nl_flow *a = pa, *b = pb;
	int c = flow_key_cmp(a, b);

	return c ? c : CMP(b->last_ns, a->last_ns);
}

/*
 * A dump racing with evictions may return a flow twice (the kernel walks a hash bucket
 * again rather than risk skipping one): keep each flow once, its latest snapshot.
 */
static size_t flows_dedupe(struct crosslat_nl_flow *v, size_t nr)
{
	size_t i, out = 0;

	if (!nr)
		return 0;
	qsort(v, nr, sizeof(*v), flow_id_cmp);
	for (i = 1; i < nr; i++)
		if (flow_key_cmp(&v[out], &v[i]))
			v[++out] = v[i];
	return out + 1;
}

static const char *family_name(uint8_t family)
{
	return family == AF_INET ? "ipv4" : "ipv6";
}

static void json_opt_u64(const char *key, bool has, uint64_t v)
{
	if (has)
		printf(",\"%s\":%" PRIu64, key, v);
	else
		printf(",\"%s\":null", key);
}

static void print_flow_json(const struct crosslat_nl_flow *f)
{
	bool rtt = f->present & CROSSLAT_NL_FLOW_RTT, app = f->present & CROSSLAT_NL_FLOW_APP;
	char a[INET6_ADDRSTRLEN];

	printf("{\"netns_inum\":%" PRIu32 ",\"netns_cookie\":%" PRIu64 ",\"family\":\"%s\"",
	       f->netns_inum, f->netns_cookie, family_name(f->family));
	printf(",\"laddr\":\"%s\",\"lport\":%u", addr_str(f->family, f->laddr, a), f->lport);
	printf(",\"raddr\":\"%s\",\"rport\":%u", addr_str(f->family, f->raddr, a), f->rport);
	printf(",\"first_ns\":%" PRIu64 ",\"last_ns\":%" PRIu64, f->first_ns, f->last_ns);
	json_opt_u64("srtt_ns", rtt, f->srtt_ns);
	json_opt_u64("rtt_min_ns", rtt, f->rtt_min_ns);
	json_opt_u64("rtt_max_ns", rtt, f->rtt_max_ns);
	json_opt_u64("rtt_last_ns", rtt, f->rtt_last_ns);
	json_opt_u64("rtt_samples", rtt, f->rtt_samples);
	json_opt_u64("app_avg_ns", app, f->app_avg_ns);
	json_opt_u64("app_max_ns", app, f->app_max_ns);
	json_opt_u64("app_samples", app, f->app_samples);
	printf(",\"bytes_out\":%" PRIu64 ",\"bytes_in\":%" PRIu64, f->bytes_out, f->bytes_in);
	printf(",\"pkts_out\":%" PRIu64 ",\"pkts_in\":%" PRIu64, f->pkts_out, f->pkts_in);
	printf(",\"retrans_segs\":%" PRIu64 ",\"retrans_bytes\":%" PRIu64, f->retrans_segs,
	       f->retrans_bytes);
	printf(",\"karn_skipped\":%" PRIu64, f->karn_skipped);
	printf(",\"throughput_out\":%" PRIu64 ",\"throughput_in\":%" PRIu64, f->throughput_out,
	       f->throughput_in);
	json_opt_u64("thresh_ns", f->present & CROSSLAT_NL_FLOW_THRESH, f->thresh_ns);
	printf(",\"alerts\":%" PRIu64 ",\"closed\":%s}", f->alerts, f->closed ? "true" : "false");
}

static const struct column flow_columns[] = {
	{ "NETNS", true }, { "LOCAL", false }, { "REMOTE", false },
	{ "SRTT_MS", true }, { "MIN_MS", true }, { "MAX_MS", true }, { "SAMPLES", true },
	{ "APP_AVG_MS", true }, { "APP_MAX_MS", true },
	{ "BYTES_OUT", true }, { "BYTES_IN", true }, { "RETRANS", true },
	{ "TPUT_OUT", true }, { "TPUT_IN", true },
	{ "THRESH_MS", true }, { "ALERTS", true }, { "STATE", false },
};

#define FLOW_COLS	ARRAY_SIZE(flow_columns)

/* f's row of the text table into FLOW_COLS cells. */
static void flow_cells(const struct crosslat_nl_flow *f, char (*cell)[CELL_MAX])
{
	bool rtt = f->present & CROSSLAT_NL_FLOW_RTT, app = f->present & CROSSLAT_NL_FLOW_APP;
	unsigned int c = 0;

	snprintf(cell[c++], CELL_MAX, "%" PRIu32, f->netns_inum);
	fmt_endpoint(cell[c++], CELL_MAX, f->family, f->laddr, f->lport);
	fmt_endpoint(cell[c++], CELL_MAX, f->family, f->raddr, f->rport);
	if (rtt) {
		fmt_ms(cell[c++], CELL_MAX, f->srtt_ns);
		fmt_ms(cell[c++], CELL_MAX, f->rtt_min_ns);
		fmt_ms(cell[c++], CELL_MAX, f->rtt_max_ns);
		snprintf(cell[c++], CELL_MAX, "%" PRIu64, f->rtt_samples);
	} else {
		for (; c < 7; c++)
			strcpy(cell[c], "-");
	}
	if (app) {
		fmt_ms(cell[c++], CELL_MAX, f->app_avg_ns);
		fmt_ms(cell[c++], CELL_MAX, f->app_max_ns);
	} else {
		for (; c < 9; c++)
			strcpy(cell[c], "-");
	}
	fmt_si(cell[c++], CELL_MAX, f->bytes_out, "B");
	fmt_si(cell[c++], CELL_MAX, f->bytes_in, "B");
	snprintf(cell[c++], CELL_MAX, "%" PRIu64, f->retrans_segs);
	fmt_si(cell[c++], CELL_MAX, f->throughput_out, "B/s");
	fmt_si(cell[c++], CELL_MAX, f->throughput_in, "B/s");
	if (f->present & CROSSLAT_NL_FLOW_THRESH)
		fmt_ms(cell[c++], CELL_MAX, f->thresh_ns);
	else
		strcpy(cell[c++], "-");
	snprintf(cell[c++], CELL_MAX, "%" PRIu64, f->alerts);
	strcpy(cell[c++], f->closed ? "closed" : "open");
}

static int print_flows(const struct crosslat_nl_flow *v, size_t nr, bool json)
{
	char (*cells)[CELL_MAX];
	size_t i;

	if (json) {
		printf("[");
		for (i = 0; i < nr; i++) {
			printf(i ? ",\n" : "\n");
			print_flow_json(&v[i]);
		}
		printf(nr ? "\n]\n" : "]\n");
		return 0;
	}
	cells = calloc(nr ? nr * FLOW_COLS : 1, CELL_MAX);
	if (!cells)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		flow_cells(&v[i], cells + i * FLOW_COLS);
	print_table(flow_columns, FLOW_COLS, (const char *)cells, nr);
	free(cells);
	return 0;
}

/* Dumps flagged inconsistent (the table changed meanwhile) are retried this many times. */
#define DUMP_TRIES	3

static int cmd_flows(int argc, char **argv, const struct ctl_opts *opts)
{
	struct flow_set set = { .opts = opts };
	struct crosslat_nl *nl = NULL;
	int ret = EXIT_RUNTIME;
	int err, tries = 0;

	(void)argc;
	(void)argv;
	if (open_family(&nl, RTT_MODULE))
		goto cleanup;
	do {
		set.nr = 0;
		err = crosslat_nl_flows(nl, collect_flow, &set);
	} while (err == -EINTR && ++tries < DUMP_TRIES);
	if (err) {
		crosslat_nl_report("flows", nl, err, RTT_MODULE);
		goto cleanup;
	}
	set.nr = flows_dedupe(set.v, set.nr);
	qsort_r(set.v, set.nr, sizeof(*set.v), flow_cmp, (void *)&opts->sort);
	if (opts->limit && set.nr > opts->limit)
		set.nr = opts->limit;
	if (print_flows(set.v, set.nr, opts->json)) {
		fprintf(stderr, PROG ": flows: %s\n", strerror(ENOMEM));
		goto cleanup;
	}
	ret = EXIT_SUCCESS;
cleanup:
	free(set.v);
	crosslat_nl_close(nl);
	return ret;
}

/* ---- threshold ---- */

struct thresh_set {
	struct crosslat_nl_thresh *v;
	size_t nr, cap;
};

static int collect_thresh(const struct crosslat_nl_thresh *th, void *arg)
{
	struct thresh_set *set = arg;
	struct crosslat_nl_thresh *v;
	size_t cap;

	if (set->nr == set->cap) {
		cap = set->cap ? set->cap * 2 : CROSSLAT_THRESH_MAX_RULES;
		v = reallocarray(set->v, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		set->v = v;
		set->cap = cap;
	}
	set->v[set->nr++] = *th;
	return 0;
}

/* th's selector in words: "netns 4026531840, remote 10.0.0.0/8, port 443". */
static const char *fmt_selector(char *buf, size_t len, const struct crosslat_nl_thresh *th)
{
	char a[INET6_ADDRSTRLEN];
	size_t n = 0;

	buf[0] = '\0';
	if (th->present & CROSSLAT_NL_THRESH_NETNS)
		n += snprintf(buf + n, len - n, "netns %" PRIu32, th->netns_inum);
	if (th->present & CROSSLAT_NL_THRESH_PREFIX)
		n += snprintf(buf + n, len - n, "%sremote %s/%u", n ? ", " : "",
			      addr_str(th->family, th->prefix, a), th->prefix_len);
	if (th->present & CROSSLAT_NL_THRESH_PORT)
		n += snprintf(buf + n, len - n, "%sport %u", n ? ", " : "", th->port);
	if (!n)
		snprintf(buf, len, "the global rule");
	return buf;
}

static const struct column thresh_columns[] = {
	{ "NETNS", false }, { "REMOTE_PREFIX", false }, { "PORT", false }, { "THRESHOLD", true },
};

#define THRESH_COLS	ARRAY_SIZE(thresh_columns)

static int print_thresholds(const struct crosslat_nl_thresh *v, size_t nr, bool json)
{
	char (*cells)[CELL_MAX], a[INET6_ADDRSTRLEN];
	const struct crosslat_nl_thresh *th;
	size_t i;

	if (json) {
		printf("[");
		for (i = 0; i < nr; i++) {
			th = &v[i];
			printf(i ? ",\n{" : "\n{");
			if (th->present & CROSSLAT_NL_THRESH_NETNS)
				printf("\"netns_inum\":%" PRIu32, th->netns_inum);
			else
				printf("\"netns_inum\":null");
			if (th->present & CROSSLAT_NL_THRESH_PREFIX)
				printf(",\"family\":\"%s\",\"prefix\":\"%s\",\"prefix_len\":%u",
				       family_name(th->family), addr_str(th->family, th->prefix, a),
				       th->prefix_len);
			else
				printf(",\"family\":null,\"prefix\":null,\"prefix_len\":null");
			json_opt_u64("port", th->present & CROSSLAT_NL_THRESH_PORT, th->port);
			printf(",\"rtt_ns\":%" PRIu64 "}", th->rtt_ns);
		}
		printf(nr ? "\n]\n" : "]\n");
		return 0;
	}
	cells = calloc(nr ? nr * THRESH_COLS : 1, CELL_MAX);
	if (!cells)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		char (*cell)[CELL_MAX] = cells + i * THRESH_COLS;

		th = &v[i];
		strcpy(cell[0], "*");
		strcpy(cell[1], "*");
		strcpy(cell[2], "*");
		if (th->present & CROSSLAT_NL_THRESH_NETNS)
			snprintf(cell[0], CELL_MAX, "%" PRIu32, th->netns_inum);
		if (th->present & CROSSLAT_NL_THRESH_PREFIX)
			snprintf(cell[1], CELL_MAX, "%s/%u", addr_str(th->family, th->prefix, a),
				 th->prefix_len);
		if (th->present & CROSSLAT_NL_THRESH_PORT)
			snprintf(cell[2], CELL_MAX, "%u", th->port);
		fmt_duration(cell[3], CELL_MAX, th->rtt_ns);
	}
	print_table(thresh_columns, THRESH_COLS, (const char *)cells, nr);
	free(cells);
	return 0;
}

enum thresh_action { TH_SET, TH_DEL, TH_FLUSH, TH_LIST };

/* threshold's actions; form indexes subcmds[]'s threshold forms. */
static const struct {
	const char *name;
	int nargs;		/* after the action */
	unsigned int opts;
} thresh_actions[] = {
	[TH_SET]	= { "set",	1, OPT_NETNS | OPT_PREFIX | OPT_PORT },
	[TH_DEL]	= { "del",	0, OPT_NETNS | OPT_PREFIX | OPT_PORT },
	[TH_FLUSH]	= { "flush",	0, 0 },
	[TH_LIST]	= { "list",	0, OPT_JSON },
};

/* "usage:" lines of cmd, all its forms or only form (>= 0). */
static void cmd_usage(const struct subcmd *cmd, int form)
{
	const char *lead = PROG ": usage:";
	int i;

	for (i = 0; i < FORMS_MAX && cmd->forms[i]; i++) {
		if (form >= 0 && i != form)
			continue;
		fprintf(stderr, "%-*s " PROG " %s%s%s\n", (int)strlen(PROG ": usage:"), lead,
			cmd->name, *cmd->forms[i] ? " " : "", cmd->forms[i]);
		lead = "";
	}
	usage_hint();
}

static const char *first_opt_name(unsigned int bits)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(opt_names); i++)
		if (bits & opt_names[i].bit)
			return opt_names[i].name;
	return "?";
}

static int thresh_list(struct crosslat_nl *nl, bool json)
{
	struct thresh_set set = { 0 };
	int err, tries = 0;

	do {
		set.nr = 0;
		err = crosslat_nl_thresh_list(nl, collect_thresh, &set);
	} while (err == -EINTR && ++tries < DUMP_TRIES);
	if (err) {
		crosslat_nl_report("threshold list", nl, err, RTT_MODULE);
		goto out;
	}
	err = print_thresholds(set.v, set.nr, json);
	if (err)
		fprintf(stderr, PROG ": threshold list: %s\n", strerror(-err));
out:
	free(set.v);
	return err;
}

static int cmd_threshold(int argc, char **argv, const struct ctl_opts *opts)
{
	const struct subcmd *cmd = find_subcmd("threshold");
	struct crosslat_nl_thresh th = { 0 };
	struct crosslat_nl *nl = NULL;
	char sel[128], dur[32], what[32];
	int ret = EXIT_USAGE;
	unsigned int a;
	int err;

	for (a = 0; a < ARRAY_SIZE(thresh_actions); a++)
		if (!strcmp(argv[0], thresh_actions[a].name))
			break;
	if (a == ARRAY_SIZE(thresh_actions)) {
		fprintf(stderr, PROG ": threshold: unknown action '%s' (set, del, flush or list)\n",
			argv[0]);
		cmd_usage(cmd, -1);
		goto cleanup;
	}
	snprintf(what, sizeof(what), "threshold %s", thresh_actions[a].name);
	if (opts->given & ~thresh_actions[a].opts) {
		fprintf(stderr, PROG ": %s: %s is not an option of this command\n", what,
			first_opt_name(opts->given & ~thresh_actions[a].opts));
		usage_hint();
		goto cleanup;
	}
	if (argc - 1 != thresh_actions[a].nargs) {
		if (a == TH_SET && argc == 1)
			fprintf(stderr, PROG ": threshold set: missing DURATION\n");
		cmd_usage(cmd, a);
		goto cleanup;
	}
	if (a == TH_SET && parse_duration(what, argv[1], &th.rtt_ns))
		goto cleanup;
	if (opts->given & OPT_NETNS) {
		th.present |= CROSSLAT_NL_THRESH_NETNS;
		th.netns_inum = opts->netns_inum;
	}
	if (opts->given & OPT_PREFIX) {
		th.present |= CROSSLAT_NL_THRESH_PREFIX;
		th.family = opts->prefix.family;
		th.prefix_len = opts->prefix.len;
		memcpy(th.prefix, opts->prefix.addr, sizeof(th.prefix));
	}
	if (opts->given & OPT_PORT) {
		th.present |= CROSSLAT_NL_THRESH_PORT;
		th.port = opts->port;
	}

	ret = EXIT_RUNTIME;
	if (open_family(&nl, RTT_MODULE))
		goto cleanup;
	switch (a) {
	case TH_SET:
		err = crosslat_nl_thresh_set(nl, &th);
		break;
	case TH_DEL:
		err = crosslat_nl_thresh_del(nl, &th);
		break;
	case TH_FLUSH:
		err = crosslat_nl_thresh_flush(nl);
		break;
	default:
		if (!thresh_list(nl, opts->json))
			ret = EXIT_SUCCESS;
		goto cleanup;
	}
	fmt_selector(sel, sizeof(sel), &th);
	if (err == -ENOENT && a == TH_DEL) {
		fprintf(stderr, PROG ": threshold del: no rule has this selector (%s)\n", sel);
		goto cleanup;
	}
	if (err == -ENOSPC && a == TH_SET) {
		fprintf(stderr, PROG ": threshold set: the kernel holds at most %d rules; delete one first\n",
			CROSSLAT_THRESH_MAX_RULES);
		goto cleanup;
	}
	if (err) {
		crosslat_nl_report(what, nl, err, RTT_MODULE);
		goto cleanup;
	}
	if (a == TH_SET)
		printf("threshold %s set for %s\n", fmt_duration(dur, sizeof(dur), th.rtt_ns), sel);
	else if (a == TH_DEL)
		printf("threshold deleted for %s\n", sel);
	else
		printf("thresholds flushed\n");
	ret = EXIT_SUCCESS;
cleanup:
	crosslat_nl_close(nl);
	return ret;
}

/* ---- map ---- */

struct map_set {
	struct crosslat_nl_map *v;
	size_t nr, cap;
};

static int collect_map(const struct crosslat_nl_map *m, void *arg)
{
	struct map_set *set = arg;
	struct crosslat_nl_map *v;
	size_t cap;

	if (set->nr == set->cap) {
		cap = set->cap ? set->cap * 2 : 64;
		v = reallocarray(set->v, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		set->v = v;
		set->cap = cap;
	}
	set->v[set->nr++] = *m;
	return 0;
}

static bool tuple_match(const struct tuple_filter *f, const struct crosslat_nl_tuple *t)
{
	unsigned int size = family_bytes(t->family);

	if ((f->given & TF_PROTO) && t->proto != f->proto)
		return false;
	if ((f->given & (TF_SADDR | TF_DADDR)) && t->family != f->family)
		return false;
	if ((f->given & TF_SADDR) && memcmp(t->saddr, f->saddr, size))
		return false;
	if ((f->given & TF_DADDR) && memcmp(t->daddr, f->daddr, size))
		return false;
	if ((f->given & TF_SPORT) && (!t->has_ports || t->sport != f->sport))
		return false;
	if ((f->given & TF_DPORT) && (!t->has_ports || t->dport != f->dport))
		return false;
	return true;
}

static bool map_selected(const struct crosslat_nl_map *m, const struct ctl_opts *opts)
{
	if ((opts->given & OPT_NETNS) && m->netns_inum != opts->netns_inum)
		return false;
	if ((opts->given & OPT_TUNNEL) && m->tunnel != opts->tunnel)
		return false;
	if ((opts->given & OPT_INNER) && !tuple_match(&opts->inner, &m->inner))
		return false;
	if ((opts->given & OPT_OUTER) && !tuple_match(&opts->outer, &m->outer))
		return false;
	return true;
}

/* Most recently seen first, then by namespace and identity. */
static int map_cmp(const void *pa, const void *pb)
{
	const struct crosslat_nl_map *a = pa, *b = pb;
	int c = CMP(b->last_ns, a->last_ns);

	if (!c)
		c = CMP(a->netns_inum, b->netns_inum);
	return c ? c : crosslat_nl_map_key_cmp(a, b);
}

static const char *proto_name(uint8_t proto, char *buf, size_t len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(proto_names); i++)
		if (proto_names[i].proto == proto)
			return proto_names[i].name;
	snprintf(buf, len, "%u", proto);
	return buf;
}

static const char *tunnel_name(uint8_t tunnel)
{
	return tunnel < ARRAY_SIZE(tunnel_names) && tunnel_names[tunnel] ? tunnel_names[tunnel] : "?";
}

static const char *dir_name(uint8_t dir)
{
	switch (dir) {
	case CROSSLAT_MAP_DIR_ENCAP:
		return "encap";
	case CROSSLAT_MAP_DIR_DECAP:
		return "decap";
	default:
		return "nat";
	}
}

/* A NAT mapping's translations: "snat", "dnat" or "snat+dnat". */
static const char *nat_name(uint8_t nat)
{
	if ((nat & CROSSLAT_MAP_NAT_SRC) && (nat & CROSSLAT_MAP_NAT_DST))
		return "snat+dnat";
	return nat & CROSSLAT_MAP_NAT_SRC ? "snat" : "dnat";
}

/* ---- cgroup v2 paths: a cgroup's id is its directory's inode number ---- */

#define CGROUP_ROOT	"/sys/fs/cgroup"

static struct {
	bool walked;
	size_t nr, cap;
	struct cgroup_dir {
		uint64_t ino;
		char *path;		/* below CGROUP_ROOT, "/" for the root */
	} *v;
} cgroups;

static int cgroup_dir_add(const char *fpath, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *rel = fpath + strlen(CGROUP_ROOT);
	struct cgroup_dir *v;

	(void)ftw;
	if (flag != FTW_D)
		return 0;
	if (cgroups.nr == cgroups.cap) {
		size_t cap = cgroups.cap ? cgroups.cap * 2 : 64;

		v = reallocarray(cgroups.v, cap, sizeof(*v));
		if (!v)
			return -1;
		cgroups.v = v;
		cgroups.cap = cap;
	}
	cgroups.v[cgroups.nr].ino = st->st_ino;
	cgroups.v[cgroups.nr].path = strdup(*rel ? rel : "/");
	if (!cgroups.v[cgroups.nr].path)
		return -1;
	cgroups.nr++;
	return 0;
}

/* The path of cgroup id below /sys/fs/cgroup, or NULL (not cgroup v2, gone, no memory). */
static const char *cgroup_path(uint64_t id)
{
	struct statfs sfs;
	size_t i;

	if (!cgroups.walked) {
		cgroups.walked = true;
		if (!statfs(CGROUP_ROOT, &sfs) && sfs.f_type == CGROUP2_SUPER_MAGIC)
			nftw(CGROUP_ROOT, cgroup_dir_add, 16, FTW_PHYS | FTW_MOUNT);
	}
	for (i = 0; i < cgroups.nr; i++)
		if (cgroups.v[i].ino == id)
			return cgroups.v[i].path;
	return NULL;
}

static void cgroups_free(void)
{
	size_t i;

	for (i = 0; i < cgroups.nr; i++)
		free(cgroups.v[i].path);
	free(cgroups.v);
	memset(&cgroups, 0, sizeof(cgroups));
}

/* One end of t as TUPLE writes it: "10.0.0.1:80", "[fd00::1]:80", "fd00::1", "10.0.0.1". */
static size_t fmt_tuple_end(char *buf, size_t len, const struct crosslat_nl_tuple *t,
			    const uint8_t *addr, uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	addr_str(t->family, addr, a);
	if (!t->has_ports)
		return snprintf(buf, len, "%s", a);
	if (t->family == AF_INET6)
		return snprintf(buf, len, "[%s]:%u", a, port);
	return snprintf(buf, len, "%s:%u", a, port);
}

/* t in TUPLE syntax, so that it can be given back to --inner or --outer. */
static const char *fmt_tuple(char *buf, size_t len, const struct crosslat_nl_tuple *t)
{
	char num[8];
	size_t n;

	n = snprintf(buf, len, "%s/", proto_name(t->proto, num, sizeof(num)));
	if (n < len)
		n += fmt_tuple_end(buf + n, len - n, t, t->saddr, t->sport);
	if (n < len)
		n += snprintf(buf + n, len - n, ">");
	if (n < len)
		fmt_tuple_end(buf + n, len - n, t, t->daddr, t->dport);
	return buf;
}

/* A time span in a few digits: 850ms, 12.3s, 5m02s, 3h07m, 2d04h. */
static const char *fmt_span(char *buf, size_t len, uint64_t ns)
{
	uint64_t ms = ns / 1000000, s = ns / 1000000000;

	if (ms < 1000)
		snprintf(buf, len, "%" PRIu64 "ms", ms);
	else if (s < 60)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "s", s, ms / 100 % 10);
	else if (s < 3600)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, s / 60 % 60);
	else
		snprintf(buf, len, "%" PRIu64 "d%02" PRIu64 "h", s / 86400, s / 3600 % 24);
	return buf;
}

/* CLOCK_MONOTONIC in ns: the clock of the kernel's timestamps (ktime_get_ns). */
static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void print_tuple_json(const char *key, const struct crosslat_nl_tuple *t)
{
	char a[INET6_ADDRSTRLEN], num[8];

	printf(",\"%s\":{\"family\":\"%s\",\"proto\":\"%s\"", key, family_name(t->family),
	       proto_name(t->proto, num, sizeof(num)));
	printf(",\"saddr\":\"%s\"", addr_str(t->family, t->saddr, a));
	json_opt_u64("sport", t->has_ports, t->sport);
	printf(",\"daddr\":\"%s\"", addr_str(t->family, t->daddr, a));
	json_opt_u64("dport", t->has_ports, t->dport);
	printf("}");
}

static void print_pod_json(const struct crosslat_nl_map *m)
{
	const struct crosslat_nl_pod *p = &m->pod;
	const char *cg;

	if (!m->pod_known) {
		printf(",\"pod\":null");
		return;
	}
	printf(",\"pod\":{\"netns_inum\":%" PRIu32 ",\"netns_cookie\":%" PRIu64, p->netns_inum,
	       p->netns_cookie);
	printf(",\"cgroup_id\":%" PRIu64 ",\"cgroup\":", p->cgroup_id);
	cg = cgroup_path(p->cgroup_id);
	if (cg)
		json_str(stdout, cg);
	else
		printf("null");
	json_opt_u64("pid", p->pid, p->pid);
	printf(",\"comm\":");
	if (p->pid)
		json_str(stdout, p->comm);
	else
		printf("null");
	printf("}");
}

static void print_map_json(const struct crosslat_nl_map *m)
{
	bool nat = m->dir == CROSSLAT_MAP_DIR_NAT;

	printf("{\"netns_inum\":%" PRIu32 ",\"netns_cookie\":%" PRIu64, m->netns_inum,
	       m->netns_cookie);
	printf(",\"dir\":\"%s\",\"tunnel\":", dir_name(m->dir));
	if (nat)
		printf("null,\"nat\":\"%s\"", nat_name(m->nat));
	else
		printf("\"%s\",\"nat\":null", tunnel_name(m->tunnel));
	json_opt_u64("vni", !nat && m->tunnel != CROSSLAT_MAP_TUNNEL_IPIP, m->vni);
	print_tuple_json("inner", &m->inner);
	print_tuple_json("outer", &m->outer);
	print_pod_json(m);
	printf(",\"first_ns\":%" PRIu64 ",\"last_ns\":%" PRIu64, m->first_ns, m->last_ns);
	printf(",\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 "}", m->packets, m->bytes);
}

static const struct column map_columns[] = {
	{ "NETNS", true }, { "DIR", false }, { "TUNNEL", false }, { "VNI", true },
	{ "INNER", false }, { "OUTER", false }, { "POD", false }, { "PACKETS", true },
	{ "BYTES", true }, { "AGE", true }, { "LAST_SEEN", true },
};

#define MAP_COLS	ARRAY_SIZE(map_columns)

/* "NETNS/COMM[PID]" (or "NETNS" without a process), "-" when unknown. */
static void fmt_pod(char *buf, size_t len, const struct crosslat_nl_map *m)
{
	if (!m->pod_known)
		snprintf(buf, len, "-");
	else if (m->pod.pid)
		snprintf(buf, len, "%" PRIu32 "/%s[%" PRIu32 "]", m->pod.netns_inum, m->pod.comm,
			 m->pod.pid);
	else
		snprintf(buf, len, "%" PRIu32, m->pod.netns_inum);
}

/* m's row of the text table into MAP_COLS cells; now: CLOCK_MONOTONIC ns. */
static void map_cells(const struct crosslat_nl_map *m, uint64_t now, char (*cell)[CELL_MAX])
{
	unsigned int c = 0;
	char span[32];

	snprintf(cell[c++], CELL_MAX, "%" PRIu32, m->netns_inum);
	snprintf(cell[c++], CELL_MAX, "%s", dir_name(m->dir));
	if (m->dir == CROSSLAT_MAP_DIR_NAT)
		snprintf(cell[c++], CELL_MAX, "%s", nat_name(m->nat));
	else
		snprintf(cell[c++], CELL_MAX, "%s", tunnel_name(m->tunnel));
	if (m->dir == CROSSLAT_MAP_DIR_NAT || m->tunnel == CROSSLAT_MAP_TUNNEL_IPIP)
		strcpy(cell[c++], "-");
	else
		snprintf(cell[c++], CELL_MAX, "%" PRIu32, m->vni);
	fmt_tuple(cell[c++], CELL_MAX, &m->inner);
	fmt_tuple(cell[c++], CELL_MAX, &m->outer);
	fmt_pod(cell[c++], CELL_MAX, m);
	snprintf(cell[c++], CELL_MAX, "%" PRIu64, m->packets);
	fmt_si(cell[c++], CELL_MAX, m->bytes, "B");
	/* A timestamp past now (another clock, e.g. a time namespace) shows as 0. */
	fmt_span(cell[c++], CELL_MAX, now > m->first_ns ? now - m->first_ns : 0);
	snprintf(cell[c++], CELL_MAX, "%s ago",
		 fmt_span(span, sizeof(span), now > m->last_ns ? now - m->last_ns : 0));
}

static int print_maps(const struct crosslat_nl_map *v, size_t nr, bool json)
{
	char (*cells)[CELL_MAX];
	uint64_t now;
	size_t i;

	if (json) {
		printf("[");
		for (i = 0; i < nr; i++) {
			printf(i ? ",\n" : "\n");
			print_map_json(&v[i]);
		}
		printf(nr ? "\n]\n" : "]\n");
		return 0;
	}
	cells = calloc(nr ? nr * MAP_COLS : 1, CELL_MAX);
	if (!cells)
		return -ENOMEM;
	now = monotonic_ns();
	for (i = 0; i < nr; i++)
		map_cells(&v[i], now, cells + i * MAP_COLS);
	print_table(map_columns, MAP_COLS, (const char *)cells, nr);
	free(cells);
	return 0;
}

static int cmd_map(int argc, char **argv, const struct ctl_opts *opts)
{
	struct map_set set = { 0 };
	struct crosslat_nl *nl = NULL;
	int ret = EXIT_RUNTIME;
	int err, tries = 0;
	size_t i, nr;

	(void)argc;
	(void)argv;
	if (open_family(&nl, MAP_MODULE))
		goto cleanup;
	do {
		set.nr = 0;
		err = crosslat_nl_maps(nl, collect_map, &set);
	} while (err == -EINTR && ++tries < DUMP_TRIES);
	if (err) {
		crosslat_nl_report("map", nl, err, MAP_MODULE);
		goto cleanup;
	}
	/* Filter after de-duplicating: the copies of a mapping may differ in their outer tuple. */
	set.nr = crosslat_nl_maps_dedupe(set.v, set.nr);
	for (i = 0, nr = 0; i < set.nr; i++)
		if (map_selected(&set.v[i], opts))
			set.v[nr++] = set.v[i];
	qsort(set.v, nr, sizeof(*set.v), map_cmp);
	if (opts->limit && nr > opts->limit)
		nr = opts->limit;
	if (print_maps(set.v, nr, opts->json)) {
		fprintf(stderr, PROG ": map: %s\n", strerror(ENOMEM));
		goto cleanup;
	}
	ret = EXIT_SUCCESS;
cleanup:
	free(set.v);
	cgroups_free();
	crosslat_nl_close(nl);
	return ret;
}

static int cmd_help(int argc, char **argv, const struct ctl_opts *opts)
{
	(void)argc;
	(void)argv;
	(void)opts;
	usage(stdout);
	return EXIT_SUCCESS;
}

/* Explains getopt's '?' for the word arg it stopped at. */
static void bad_option(const char *arg)
{
	if (optopt > 0 && optopt < 256 && strchr("jhu", optopt))
		fprintf(stderr, PROG ": option '%s' takes no value\n", arg);
	else if (optopt >= '0' && optopt <= '9')
		fprintf(stderr, PROG ": unknown option '-%c' (IDs are unsigned, durations positive)\n",
			optopt);
	else if (optopt)
		fprintf(stderr, PROG ": unknown option '-%c'; put -- before a LABEL that starts with '-'\n",
			optopt);
	else
		fprintf(stderr, PROG ": unknown option '%s'; put -- before a LABEL that starts with '-'\n",
			arg);
}

static const struct subcmd *find_subcmd(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(subcmds); i++)
		if (!strcmp(subcmds[i].name, name))
			return &subcmds[i];
	return NULL;
}

/* Records the value of a long option into opts; non-zero after explaining a bad one. */
static int set_value_option(int c, const char *val, struct ctl_opts *opts)
{
	static const unsigned int bits[] = {
		[LOPT_NETNS - LOPT_NETNS]	= OPT_NETNS,
		[LOPT_ADDR - LOPT_NETNS]	= OPT_ADDR,
		[LOPT_PORT - LOPT_NETNS]	= OPT_PORT,
		[LOPT_SORT - LOPT_NETNS]	= OPT_SORT,
		[LOPT_LIMIT - LOPT_NETNS]	= OPT_LIMIT,
		[LOPT_PREFIX - LOPT_NETNS]	= OPT_PREFIX,
		[LOPT_INNER - LOPT_NETNS]	= OPT_INNER,
		[LOPT_OUTER - LOPT_NETNS]	= OPT_OUTER,
		[LOPT_TUNNEL - LOPT_NETNS]	= OPT_TUNNEL,
	};
	unsigned int bit = bits[c - LOPT_NETNS];

	if (opts->given & bit) {
		fprintf(stderr, PROG ": option '%s' given twice\n", first_opt_name(bit));
		return -1;
	}
	opts->given |= bit;
	switch (c) {
	case LOPT_NETNS:
		return parse_netns(val, &opts->netns_inum);
	case LOPT_ADDR:
		return parse_cidr("--addr", val, false, &opts->addr);
	case LOPT_PORT:
		return parse_port(val, &opts->port);
	case LOPT_SORT:
		return parse_sort(val, &opts->sort);
	case LOPT_LIMIT:
		return parse_limit(val, &opts->limit);
	case LOPT_INNER:
		return parse_tuple_filter("--inner", val, &opts->inner);
	case LOPT_OUTER:
		return parse_tuple_filter("--outer", val, &opts->outer);
	case LOPT_TUNNEL:
		return parse_tunnel(val, &opts->tunnel);
	default:
		return parse_cidr("--prefix", val, true, &opts->prefix);
	}
}

int main(int argc, char **argv)
{
	struct ctl_opts opts = default_opts;
	const struct subcmd *cmd;
	int c, nargs;

	if (metrics_cmd_wanted(argc, argv))
		return metrics_cmd_main(argc, argv);
	if (arm_cmd_wanted(argc, argv))
		return arm_cmd_main(argc, argv);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jhu", long_options, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			opts.given |= OPT_JSON;
			break;
		case 'u':
			opts.ust_only = true;
			opts.given |= OPT_UST_ONLY;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case LOPT_NETNS:
		case LOPT_ADDR:
		case LOPT_PORT:
		case LOPT_SORT:
		case LOPT_LIMIT:
		case LOPT_PREFIX:
		case LOPT_INNER:
		case LOPT_OUTER:
		case LOPT_TUNNEL:
			if (set_value_option(c, optarg, &opts)) {
				usage_hint();
				return EXIT_USAGE;
			}
			break;
		case ':':
			fprintf(stderr, PROG ": option '%s' needs a value\n", argv[optind - 1]);
			usage_hint();
			return EXIT_USAGE;
		default:
			bad_option(argv[optind - 1]);
			usage_hint();
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, PROG ": missing COMMAND\n");
		usage_hint();
		return EXIT_USAGE;
	}
	cmd = find_subcmd(argv[optind]);
	if (!cmd) {
		fprintf(stderr, PROG ": unknown command '%s'\n", argv[optind]);
		usage_hint();
		return EXIT_USAGE;
	}
	if (opts.given & ~cmd->opts) {
		fprintf(stderr, PROG ": %s: %s is not an option of this command\n", cmd->name,
			first_opt_name(opts.given & ~cmd->opts));
		usage_hint();
		return EXIT_USAGE;
	}
	nargs = argc - optind - 1;
	if (nargs < cmd->min_args || nargs > cmd->max_args) {
		if (cmd->run == cmd_threshold && !nargs)
			fprintf(stderr, PROG ": threshold: missing action (set, del, flush or list)\n");
		cmd_usage(cmd, -1);
		return EXIT_USAGE;
	}
	return cmd->run(nargs, argv + optind + 1, &opts);
}
