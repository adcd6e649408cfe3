// SPDX-License-Identifier: GPL-2.0-only
/*
 * crosslatctl arm, disarm, armed: layer tracing of chosen flows or namespaces by
 * crosslat_rtt.ko (linux/crosslat_arm.h), parsed on their own.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/crosslat.h>
#include <linux/crosslat_arm.h>

#include "arm_cmd.h"
#include "nl_crosslat.h"

#define PROG		"crosslatctl"
#define MODULE		"crosslat_rtt"
#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

/* One armed entry, or the selector of a request. */
struct arm_entry {
	bool has_netns, has_flow;
	uint32_t netns_inum;
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t laddr[16], raddr[16];	/* network order */
	uint16_t lport, rport;
	uint64_t until_ns;
	uint8_t reason;
};

struct arm_list {
	struct arm_entry *v;
	size_t nr, cap;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " arm FLOW [--netns NS] [--ms N]\n"
		"       " PROG " arm --netns NS [--ms N]\n"
		"       " PROG " disarm FLOW [--netns NS] | --netns NS | --all\n"
		"       " PROG " armed [--json]\n"
		"\n"
		"Layer tracing of crosslat_rtt.ko: while a TCP flow is armed, its packets and socket\n"
		"calls make crosslat_rtt_layer_sock, _nf and _dev events (socket, netfilter, device\n"
		"queue/transmit/receive). A flow's crosslat_rtt_alert\n"
		"arms it for arm_ms (module parameter); arm does it by hand, for N ms (--ms,\n"
		"1-%d, default arm_ms), then it disarms by itself. arm and disarm need\n"
		"CAP_NET_ADMIN; at most max_armed entries are armed at once.\n"
		"  FLOW     LADDR:LPORT>RADDR:RPORT, the local end first as `" PROG " flows` shows\n"
		"           it (IPv6 in brackets: [fd09::1]:80>[fd09::2]:5201)\n"
		"  NS       the flow's network namespace, default " PROG "'s own: /run/netns/NAME,\n"
		"           /proc/PID/ns/net or an inode number; alone, every flow in it (a pod)\n"
		"  --all    disarm everything\n"
		"  --json   armed as one document: [{netns_inum, family, laddr, lport, raddr,\n"
		"           rport (the flow fields null for a namespace), reason (\"alert\" or\n"
		"           \"manual\"), until_ns (CLOCK_MONOTONIC), left_ms}]\n"
		"\n"
		"EXAMPLES\n"
		"  sudo " PROG " arm '10.9.0.1:45300>10.9.0.2:5201' --netns /run/netns/cla --ms 2000\n"
		"  sudo " PROG " arm --netns /run/netns/pod1\n"
		"  " PROG " armed\n"
		"  sudo " PROG " disarm --all\n",
		CROSSLAT_ARM_MS_MAX);
}

static const char *const cmds[] = { "arm", "disarm", "armed" };

bool arm_cmd_wanted(int argc, char **argv)
{
	unsigned int j;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			i++;
		else if (argv[i][0] == '-')
			continue;
		if (i >= argc)
			return false;
		for (j = 0; j < sizeof(cmds) / sizeof(cmds[0]); j++)
			if (!strcmp(argv[i], cmds[j]))
				return true;
		return false;
	}
	return false;
}

/* ---- arguments ---- */

static int parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

/* NS: an inode number or a namespace file (its inode). */
static int parse_ns(const char *s, uint32_t *inum)
{
	struct stat st;
	uint64_t v;

	if (!parse_uint(s, UINT32_MAX, &v)) {
		*inum = v;
		return 0;
	}
	if (stat(s, &st)) {
		fprintf(stderr, PROG ": --netns: cannot stat '%s': %s\n", s, strerror(errno));
		return -1;
	}
	if (st.st_ino > UINT32_MAX) {
		fprintf(stderr, PROG ": --netns: '%s' has an inode past 32 bits\n", s);
		return -1;
	}
	*inum = st.st_ino;
	return 0;
}

/* ADDR:PORT or [ADDR6]:PORT into family, addr, port. */
static int parse_end(const char *s, uint8_t *family, uint8_t *addr, uint16_t *port)
{
	char buf[INET6_ADDRSTRLEN + 2];
	const char *colon;
	uint64_t v;
	size_t n;

	if (*s == '[') {
		colon = strstr(s, "]:");
		if (!colon)
			return -1;
		n = colon - s - 1;
		s++;
		colon++;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		n = colon - s;
	}
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		*family = AF_INET6;
	else
		return -1;
	/* 0 is passed on for the kernel to refuse */
	if (parse_uint(colon + 1, UINT16_MAX, &v))
		return -1;
	*port = v;
	return 0;
}

static int parse_flow(const char *s, struct arm_entry *e)
{
	char local[INET6_ADDRSTRLEN + 16];
	const char *gt = strchr(s, '>');
	uint8_t rfamily;

	if (!gt || (size_t)(gt - s) >= sizeof(local))
		goto bad;
	memcpy(local, s, gt - s);
	local[gt - s] = '\0';
	memset(e->laddr, 0, sizeof(e->laddr));
	memset(e->raddr, 0, sizeof(e->raddr));
	if (parse_end(local, &e->family, e->laddr, &e->lport) ||
	    parse_end(gt + 1, &rfamily, e->raddr, &e->rport) || rfamily != e->family)
		goto bad;
	e->has_flow = true;
	return 0;
bad:
	fprintf(stderr, PROG ": invalid FLOW '%s': expected LADDR:LPORT>RADDR:RPORT, both ends of one family\n",
		s);
	return -1;
}

/* ---- requests ---- */

/* ms < 0: no CROSSLAT_ARM_A_MS (0 and too long are sent, for the kernel to refuse). */
static bool put_sel(struct nlmsghdr *nlh, const struct arm_entry *e, int64_t ms)
{
	size_t alen = e->family == AF_INET ? 4 : 16;
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, CROSSLAT_NL_REQ_MAX, CROSSLAT_A_ARM);

	if (!nest)
		return false;
	if (e->has_netns &&
	    !mnl_attr_put_u32_check(nlh, CROSSLAT_NL_REQ_MAX, CROSSLAT_ARM_A_NETNS_INUM,
				    e->netns_inum))
		return false;
	if (e->has_flow &&
	    (!mnl_attr_put_u8_check(nlh, CROSSLAT_NL_REQ_MAX, CROSSLAT_ARM_A_FAMILY, e->family) ||
	     !mnl_attr_put_check(nlh, CROSSLAT_NL_REQ_MAX, CROSSLAT_ARM_A_LADDR, alen, e->laddr) ||
	     !mnl_attr_put_check(nlh, CROSSLAT_NL_REQ_MAX, CROSSLAT_ARM_A_RADDR, alen, e->raddr) ||
	     !mnl_attr_put_u16_check(nlh, CROSSLAT_NL_REQ_MAX, CROSSLAT_ARM_A_LPORT, e->lport) ||
	     !mnl_attr_put_u16_check(nlh, CROSSLAT_NL_REQ_MAX, CROSSLAT_ARM_A_RPORT, e->rport)))
		return false;
	if (ms >= 0 && !mnl_attr_put_u32_check(nlh, CROSSLAT_NL_REQ_MAX, CROSSLAT_ARM_A_MS, ms))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}

static int parse_entry(const struct nlattr *nest, struct arm_entry *e)
{
	const struct nlattr *a;
	size_t len;

	memset(e, 0, sizeof(*e));
	mnl_attr_for_each_nested(a, nest) {
		len = mnl_attr_get_payload_len(a);
		switch (mnl_attr_get_type(a)) {
		case CROSSLAT_ARM_A_NETNS_INUM:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EBADMSG;
			e->netns_inum = mnl_attr_get_u32(a);
			e->has_netns = true;
			break;
		case CROSSLAT_ARM_A_FAMILY:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -EBADMSG;
			e->family = mnl_attr_get_u8(a);
			e->has_flow = true;
			break;
		case CROSSLAT_ARM_A_LADDR:
		case CROSSLAT_ARM_A_RADDR:
			if (len != 4 && len != 16)
				return -EBADMSG;
			memcpy(mnl_attr_get_type(a) == CROSSLAT_ARM_A_LADDR ? e->laddr : e->raddr,
			       mnl_attr_get_payload(a), len);
			break;
		case CROSSLAT_ARM_A_LPORT:
		case CROSSLAT_ARM_A_RPORT:
			if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
				return -EBADMSG;
			*(mnl_attr_get_type(a) == CROSSLAT_ARM_A_LPORT ? &e->lport : &e->rport) =
				mnl_attr_get_u16(a);
			break;
		case CROSSLAT_ARM_A_UNTIL_NS:
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				return -EBADMSG;
			e->until_ns = mnl_attr_get_u64(a);
			break;
		case CROSSLAT_ARM_A_REASON:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -EBADMSG;
			e->reason = mnl_attr_get_u8(a);
			break;
		}
	}
	if (!e->has_netns || !e->until_ns ||
	    (e->has_flow && e->family != AF_INET && e->family != AF_INET6))
		return -EBADMSG;
	return 0;
}

static int collect_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct arm_list *l = arg;
	const struct nlattr *a;
	struct arm_entry *v;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != CROSSLAT_A_ARM)
			continue;
		if (l->nr == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 16;
			v = realloc(l->v, l->cap * sizeof(*v));
			if (!v)
				return -ENOMEM;
			l->v = v;
		}
		return parse_entry(a, &l->v[l->nr++]);
	}
	return -ENODATA;
}

/* ---- commands ---- */

static void fmt_end(char *buf, size_t len, uint8_t family, const uint8_t *addr, uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, a, sizeof(a));
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

static const char *reason_name(uint8_t r)
{
	return r == CROSSLAT_ARM_REASON_ALERT ? "alert" :
	       r == CROSSLAT_ARM_REASON_MANUAL ? "manual" : "unknown";
}

static int cmd_armed(struct crosslat_nl *nl, bool json)
{
	struct nlmsghdr *nlh = crosslat_nl_req_start(nl, CROSSLAT_CMD_ARM_GET, true);
	char l[INET6_ADDRSTRLEN + 10], r[INET6_ADDRSTRLEN + 10], a[2 * sizeof(l) + 2];
	struct arm_list list = { 0 };
	struct timespec ts;
	uint64_t now;
	double left;
	size_t i;
	int err;

	err = crosslat_nl_req_run(nl, nlh, collect_cb, &list);
	if (err) {
		crosslat_nl_report("armed", nl, err, MODULE);
		free(list.v);
		return EXIT_RUNTIME;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
	if (!json)
		printf("%-10s %-48s %-6s %s\n", "NETNS", "FLOW", "REASON", "LEFT_MS");
	else
		printf("[");
	for (i = 0; i < list.nr; i++) {
		const struct arm_entry *e = &list.v[i];

		left = e->until_ns > now ? (e->until_ns - now) / 1e6 : 0;
		if (json) {
			printf("%s{\"netns_inum\":%" PRIu32 ",", i ? "," : "", e->netns_inum);
			if (e->has_flow) {
				inet_ntop(e->family, e->laddr, a, sizeof(a));
				printf("\"family\":%u,\"laddr\":\"%s\",\"lport\":%u,",
				       e->family == AF_INET ? 4 : 6, a, e->lport);
				inet_ntop(e->family, e->raddr, a, sizeof(a));
				printf("\"raddr\":\"%s\",\"rport\":%u,", a, e->rport);
			} else {
				printf("\"family\":null,\"laddr\":null,\"lport\":null,\"raddr\":null,\"rport\":null,");
			}
			printf("\"reason\":\"%s\",\"until_ns\":%" PRIu64 ",\"left_ms\":%.3f}",
			       reason_name(e->reason), e->until_ns, left);
			continue;
		}
		if (e->has_flow) {
			fmt_end(l, sizeof(l), e->family, e->laddr, e->lport);
			fmt_end(r, sizeof(r), e->family, e->raddr, e->rport);
			snprintf(a, sizeof(a), "%s>%s", l, r);
		}
		printf("%-10" PRIu32 " %-48s %-6s %.0f\n", e->netns_inum,
		       e->has_flow ? a : "(namespace)", reason_name(e->reason), left);
	}
	if (json)
		printf("]\n");
	free(list.v);
	return 0;
}

static int cmd_change(struct crosslat_nl *nl, bool arm, bool all, const struct arm_entry *sel,
		      int64_t ms)
{
	struct nlmsghdr *nlh = crosslat_nl_req_start(nl, arm ? CROSSLAT_CMD_ARM :
							       CROSSLAT_CMD_DISARM, false);
	const char *what = arm ? "arm" : "disarm";
	int err;

	if (all ? !mnl_attr_put_check(nlh, CROSSLAT_NL_REQ_MAX, CROSSLAT_A_FLUSH, 0, NULL) :
		  !put_sel(nlh, sel, ms)) {
		crosslat_nl_report(what, nl, -ENOBUFS, MODULE);
		return EXIT_RUNTIME;
	}
	err = crosslat_nl_req_run(nl, nlh, NULL, NULL);
	if (err) {
		crosslat_nl_report(what, nl, err, MODULE);
		return EXIT_RUNTIME;
	}
	return 0;
}

int arm_cmd_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "ms", required_argument, NULL, 'm' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct arm_entry sel = { 0 };
	struct crosslat_nl *nl = NULL;
	bool all = false, json = false, ms_given = false;
	const char *cmd = NULL, *flow = NULL;
	int c, ret = EXIT_USAGE, err;
	uint64_t ms = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_ns(optarg, &sel.netns_inum))
				goto usage;
			sel.has_netns = true;
			break;
		case 'm':
			/* 0 and too long are passed on for the kernel to refuse */
			if (parse_uint(optarg, UINT32_MAX, &ms)) {
				fprintf(stderr, PROG ": --ms: invalid '%s'\n", optarg);
				goto usage;
			}
			ms_given = true;
			break;
		case 'a':
			all = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, PROG ": invalid option '%s'\n", argv[optind - 1]);
			goto usage;
		}
	}
	if (optind >= argc)
		goto usage;
	for (; optind < argc; optind++) {
		if (!cmd)
			cmd = argv[optind];
		else if (!flow)
			flow = argv[optind];
		else
			goto extra;
	}
	if (!strcmp(cmd, "armed")) {
		if (flow || all || ms_given || sel.has_netns)
			goto extra;
	} else {
		if (json || (all && (flow || sel.has_netns || strcmp(cmd, "disarm"))) ||
		    (ms_given && strcmp(cmd, "arm")))
			goto extra;
		if (!all && !flow && !sel.has_netns) {
			fprintf(stderr, PROG ": %s: a FLOW or --netns NS is needed\n", cmd);
			goto usage;
		}
		if (flow && parse_flow(flow, &sel))
			goto usage;
	}
	err = crosslat_nl_open(&nl);
	if (err) {
		crosslat_nl_report(cmd, NULL, err, MODULE);
		ret = EXIT_RUNTIME;
		goto cleanup;
	}
	if (!strcmp(cmd, "armed"))
		ret = cmd_armed(nl, json);
	else
		ret = cmd_change(nl, !strcmp(cmd, "arm"), all, &sel, ms_given ? (int64_t)ms : -1);
	goto cleanup;

extra:
	fprintf(stderr, PROG ": %s: unexpected arguments or options\n", cmd ? cmd : "arm");
usage:
	fprintf(stderr, "Try '" PROG " arm --help'.\n");
cleanup:
	crosslat_nl_close(nl);
	return ret;
}
