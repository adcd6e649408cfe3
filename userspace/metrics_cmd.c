// SPDX-License-Identifier: GPL-2.0-only
/*
 * crosslatctl metrics: per-cgroup histograms of crosslat_metrics.ko (table, JSON,
 * Prometheus text exposition) and their per-cgroup configuration (set, off, and apply: a
 * declarative file, metrics_file.h).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/magic.h>
#include <linux/crosslat.h>
#include <linux/crosslat_metrics.h>

#include "core/log2_hist.h"
#include "core/metrics_conf.h"
#include "metrics_cmd.h"
#include "metrics_file.h"
#include "nl_crosslat.h"

#define PROG		"crosslatctl"
#define MODULE		"crosslat_metrics"
#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define CGROUP_ROOT	"/sys/fs/cgroup"
/* Prometheus buckets: le = 2^i - 1 ns for i below this (2^35 ns is 34 s), then +Inf. */
#define PROM_BUCKETS	36

struct hist {
	bool present;
	uint64_t count, sum, min, max;
	uint64_t bucket[CROSSLAT_LOG2_BUCKETS];
};

struct cg {
	uint64_t id;
	uint32_t mask, every;
	uint64_t events[__CROSSLAT_METRIC_MAX];
	uint64_t drops[__CROSSLAT_METRIC_MAX];
	struct hist hist[__CROSSLAT_METRICS_HIST_MAX];
};

struct cg_set {
	struct cg *v;
	size_t nr, cap;
};

struct mopts {
	bool json, prometheus;
	const char *cgroup;	/* --cgroup */
	uint32_t every;		/* --sample */
	bool every_given;
	bool dry_run;		/* apply --dry-run */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " metrics [--cgroup PATH] [--json | --prometheus]\n"
		"       " PROG " metrics set PATH METRIC[,METRIC...] [--sample N]\n"
		"       " PROG " metrics off PATH [METRIC[,METRIC...]]\n"
		"       " PROG " metrics apply FILE [--dry-run]\n"
		"\n"
		"Per-cgroup kernel metrics of crosslat_metrics.ko, as log2 histograms (ns).\n"
		"  METRIC   runq    runqueue latency: wakeup or preemption to running\n"
		"           faults  page faults, minor and major as /proc/PID/stat counts them\n"
		"                   (histograms of the time the kernel took to handle each)\n"
		"           tcp_retrans  TCP segments retransmitted by the cgroup's sockets\n"
		"                   (histogram of their flow's smoothed RTT)\n"
		"           blkio   block I/O of the cgroup's tasks: each read and write from its\n"
		"                   submission to its completion (blkio_read, blkio_write), and\n"
		"                   its size (blkio_bytes, in bytes)\n"
		"           dns     DNS over UDP: from a query leaving a socket of the cgroup to\n"
		"                   the arrival of its answer\n"
		"           all     every metric\n"
		"  PATH     a cgroup v2 directory: /sys/fs/cgroup/web, or below the cgroup2\n"
		"           mount: web, /web (a task counts for its own cgroup, not its parents)\n"
		"  set      enables the metrics (replacing the cgroup's list) at one event in N on\n"
		"           each CPU (--sample N, 1-%d, default 1); needs CAP_NET_ADMIN\n"
		"  off      disables those metrics (all when none is named); their histograms\n"
		"           are dropped\n"
		"  apply    makes FILE the whole configuration: each line 'PATH METRIC[,...]\n"
		"           [sample=N]' sets its cgroup (a changed one only: the others keep\n"
		"           their histograms), every other configured cgroup is turned off.\n"
		"           '#' starts a comment; FILE '-' is stdin. Nothing is changed when a\n"
		"           line is wrong. Prints each change; --dry-run prints them only\n"
		"  --json   one document: [{cgroup_id, cgroup, metrics, sample_every, events{},\n"
		"           drops{}, hists{NAME: {count, sum_ns, min_ns, max_ns, buckets: [{lo,\n"
		"           hi, count}...]}}}], buckets in ns, empty ones left out (blkio_bytes:\n"
		"           sum_bytes, min_bytes, max_bytes, buckets in bytes); drops: measurements\n"
		"           lost for want of room in the module's tables (blkio, dns)\n"
		"  --prometheus  the text exposition format (node_exporter's textfile collector):\n"
		"           crosslat_runq_latency_seconds, crosslat_page_fault_minor_seconds,\n"
		"           crosslat_page_fault_major_seconds,\n"
		"           crosslat_tcp_retransmit_srtt_seconds, crosslat_block_io_read_seconds,\n"
		"           crosslat_block_io_write_seconds, crosslat_block_io_size_bytes,\n"
		"           crosslat_dns_latency_seconds histograms and\n"
		"           crosslat_metrics_events_total, crosslat_metrics_drops_total,\n"
		"           labelled cgroup=\"/PATH\"\n"
		"\n"
		"EXAMPLES\n"
		"  sudo " PROG " metrics set /sys/fs/cgroup/web runq,faults\n"
		"  sudo " PROG " metrics set web runq --sample 100\n"
		"  sudo " PROG " metrics set web blkio,dns\n"
		"  " PROG " metrics --cgroup web\n"
		"  " PROG " metrics --prometheus > /var/lib/node_exporter/crosslat.prom\n"
		"  sudo " PROG " metrics off web faults\n"
		"  sudo " PROG " metrics apply /etc/crosslat/metrics.conf\n",
		CROSSLAT_METRICS_SAMPLE_MAX);
}

bool metrics_cmd_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return i + 1 < argc && !strcmp(argv[i + 1], "metrics");
		if (argv[i][0] != '-')
			return !strcmp(argv[i], "metrics");
	}
	return false;
}

int metrics_cmd_run(int argc, char **argv, const struct ctl_opts *opts)
{
	(void)argc;
	(void)argv;
	(void)opts;
	usage(stderr);
	return EXIT_USAGE;
}

/* ---- cgroup paths: a cgroup v2 id is its directory's inode number ---- */

static int resolve_cgroup(const char *arg, uint64_t *id)
{
	char buf[PATH_MAX];
	const char *path = arg;
	struct statfs sfs;
	struct stat st;

	if (statfs(path, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		if (snprintf(buf, sizeof(buf), CGROUP_ROOT "%s%s", arg[0] == '/' ? "" : "/",
			     arg) >= (int)sizeof(buf))
			return -ENAMETOOLONG;
		path = buf;
		if (statfs(path, &sfs))
			return -errno;
		if (sfs.f_type != CGROUP2_SUPER_MAGIC)
			return -ENOTDIR;
	}
	if (stat(path, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*id = st.st_ino;
	return 0;
}

static struct {
	struct cg_dir {
		uint64_t ino;
		char *path;
	} *v;
	size_t nr, cap;
	bool walked;
} dirs;

static int dir_add(const char *fpath, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *rel = fpath + strlen(CGROUP_ROOT);
	struct cg_dir *v;

	(void)ftw;
	if (flag != FTW_D)
		return 0;
	if (dirs.nr == dirs.cap) {
		v = reallocarray(dirs.v, dirs.cap ? dirs.cap * 2 : 64, sizeof(*v));
		if (!v)
			return 1;
		dirs.v = v;
		dirs.cap = dirs.cap ? dirs.cap * 2 : 64;
	}
	dirs.v[dirs.nr].path = strdup(*rel ? rel : "/");
	if (!dirs.v[dirs.nr].path)
		return 1;
	dirs.v[dirs.nr++].ino = st->st_ino;
	return 0;
}

/* "/web" for cgroup id, or NULL when no directory of the cgroup2 mount has it. */
static const char *cgroup_name(uint64_t id)
{
	size_t i;

	if (!dirs.walked) {
		dirs.walked = true;
		nftw(CGROUP_ROOT, dir_add, 16, FTW_PHYS | FTW_MOUNT);
	}
	for (i = 0; i < dirs.nr; i++)
		if (dirs.v[i].ino == id)
			return dirs.v[i].path;
	return NULL;
}

static void dirs_free(void)
{
	size_t i;

	for (i = 0; i < dirs.nr; i++)
		free(dirs.v[i].path);
	free(dirs.v);
}

/* ---- decoding CROSSLAT_CMD_METRICS_GET messages ---- */

static int parse_hist(const struct nlattr *nest, struct cg *c)
{
	const struct nlattr *a;
	struct hist h = { .present = true };
	int id = -1;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case CROSSLAT_METRICS_HIST_A_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -EBADMSG;
			id = mnl_attr_get_u8(a);
			break;
		case CROSSLAT_METRICS_HIST_A_COUNT:
		case CROSSLAT_METRICS_HIST_A_SUM:
		case CROSSLAT_METRICS_HIST_A_MIN_VALUE:
		case CROSSLAT_METRICS_HIST_A_MAX_VALUE:
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				return -EBADMSG;
			*(mnl_attr_get_type(a) == CROSSLAT_METRICS_HIST_A_COUNT ? &h.count :
			  mnl_attr_get_type(a) == CROSSLAT_METRICS_HIST_A_SUM ? &h.sum :
			  mnl_attr_get_type(a) == CROSSLAT_METRICS_HIST_A_MIN_VALUE ? &h.min : &h.max) =
				mnl_attr_get_u64(a);
			break;
		case CROSSLAT_METRICS_HIST_A_BUCKETS:
			if (mnl_attr_get_payload_len(a) > sizeof(h.bucket) ||
			    mnl_attr_get_payload_len(a) % sizeof(uint64_t))
				return -EBADMSG;
			memcpy(h.bucket, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
			break;
		}
	}
	if (id < 0 || id >= __CROSSLAT_METRICS_HIST_MAX)
		return id < 0 ? -ENODATA : 0;	/* a newer kernel's histogram: skipped */
	c->hist[id] = h;
	return 0;
}

static int parse_cg(const struct nlattr *nest, struct cg *c)
{
	const struct nlattr *a;
	unsigned int seen = 0;
	size_t n;
	int err;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case CROSSLAT_METRICS_A_CGROUP_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				return -EBADMSG;
			c->id = mnl_attr_get_u64(a);
			seen |= 1;
			break;
		case CROSSLAT_METRICS_A_MASK:
		case CROSSLAT_METRICS_A_SAMPLE_EVERY:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EBADMSG;
			*(mnl_attr_get_type(a) == CROSSLAT_METRICS_A_MASK ? &c->mask : &c->every) =
				mnl_attr_get_u32(a);
			seen |= mnl_attr_get_type(a) == CROSSLAT_METRICS_A_MASK ? 2 : 4;
			break;
		case CROSSLAT_METRICS_A_EVENTS:
		case CROSSLAT_METRICS_A_DROPS:
			n = mnl_attr_get_payload_len(a);
			if (n % sizeof(uint64_t))
				return -EBADMSG;
			memcpy(mnl_attr_get_type(a) == CROSSLAT_METRICS_A_EVENTS ? c->events : c->drops,
			       mnl_attr_get_payload(a),
			       n < sizeof(c->events) ? n : sizeof(c->events));
			break;
		case CROSSLAT_METRICS_A_HIST:
			err = parse_hist(a, c);
			if (err)
				return err;
			break;
		}
	}
	return seen == 7 ? 0 : -ENODATA;
}

static int collect_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct cg_set *set = arg;
	const struct nlattr *a;
	struct cg *v;
	int err;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != CROSSLAT_A_METRICS)
			continue;
		if (set->nr == set->cap) {
			v = reallocarray(set->v, set->cap ? set->cap * 2 : 16, sizeof(*v));
			if (!v)
				return -ENOMEM;
			set->v = v;
			set->cap = set->cap ? set->cap * 2 : 16;
		}
		memset(&set->v[set->nr], 0, sizeof(set->v[0]));
		err = parse_cg(a, &set->v[set->nr]);
		if (err)
			return err;
		set->nr++;
		return 0;
	}
	return -ENODATA;
}

/* ---- requests ---- */

static int get_all(struct crosslat_nl *nl, struct cg_set *set)
{
	struct nlmsghdr *nlh = crosslat_nl_req_start(nl, CROSSLAT_CMD_METRICS_GET, true);

	return crosslat_nl_req_run(nl, nlh, collect_cb, set);
}

static int set_conf(struct crosslat_nl *nl, uint64_t id, uint32_t mask, uint32_t every)
{
	struct nlmsghdr *nlh = crosslat_nl_req_start(nl, CROSSLAT_CMD_METRICS_SET, false);
	struct nlattr *nest;

	nest = mnl_attr_nest_start_check(nlh, CROSSLAT_NL_REQ_MAX, CROSSLAT_A_METRICS);
	if (!nest ||
	    !mnl_attr_put_u64_check(nlh, CROSSLAT_NL_REQ_MAX, CROSSLAT_METRICS_A_CGROUP_ID, id) ||
	    !mnl_attr_put_u32_check(nlh, CROSSLAT_NL_REQ_MAX, CROSSLAT_METRICS_A_MASK, mask) ||
	    !mnl_attr_put_u32_check(nlh, CROSSLAT_NL_REQ_MAX, CROSSLAT_METRICS_A_SAMPLE_EVERY,
				    every))
		return -ENOBUFS;
	mnl_attr_nest_end(nlh, nest);
	return crosslat_nl_req_run(nl, nlh, NULL, NULL);
}

/* ---- output ---- */

/* Copies h into the core's histogram type for its quantile. */
static uint64_t quantile(const struct hist *h, unsigned int permille)
{
	struct crosslat_log2_hist k;

	memcpy(k.bucket, h->bucket, sizeof(k.bucket));
	k.count = h->count;
	k.sum = h->sum;
	k.min = h->min;
	k.max = h->max;
	return crosslat_log2_hist_quantile(&k, permille);
}

static bool hist_bytes(unsigned int i)
{
	return !strcmp(crosslat_metrics_hist_unit(i), "bytes");
}

/* A time in ns or a size in bytes for a person: "850.0us", "20.13ms", "4.0KiB". */
static const char *human(char *buf, size_t len, double v, bool bytes)
{
	static const char *const tunit[] = { "ns", "us", "ms", "s" };
	static const char *const bunit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0, last = bytes ? 4 : 3;
	double step;

	for (; u < last; u++) {
		step = bytes ? 1024.0 : u < 3 ? 1000.0 : 60.0;
		if (v < step)
			break;
		v /= step;
	}
	/* whole ns and bytes; three significant digits or more in the larger units */
	snprintf(buf, len, "%.*f%s", u ? v < 100 ? 2 : 1 : 0, v, bytes ? bunit[u] : tunit[u]);
	return buf;
}

static void print_table(const struct cg_set *set)
{
	char sample[24], sum[16], avg[16], p50[16], p99[16], max[16];
	const struct hist *h;
	const char *name;
	unsigned int i, m;
	size_t k;
	bool b;

	printf("%-24s %-12s %-9s %10s %8s %10s %10s %10s %10s %10s %10s\n", "CGROUP", "HIST",
	       "SAMPLE", "EVENTS", "DROPS", "COUNT", "SUM", "AVG", "P50", "P99", "MAX");
	for (k = 0; k < set->nr; k++) {
		const struct cg *c = &set->v[k];

		name = cgroup_name(c->id);
		snprintf(sample, sizeof(sample), "1/%" PRIu32, c->every);
		for (i = 0; i < __CROSSLAT_METRICS_HIST_MAX; i++) {
			h = &c->hist[i];
			if (!h->present)
				continue;
			if (name)
				printf("%-24s ", name);
			else
				printf("id:%-21" PRIu64 " ", c->id);
			m = crosslat_metrics_hist_metric(i);
			b = hist_bytes(i);
			printf("%-12s %-9s %10" PRIu64 " %8" PRIu64 " %10" PRIu64
			       " %10s %10s %10s %10s %10s\n",
			       crosslat_metrics_hist_name(i), sample, c->events[m], c->drops[m],
			       h->count, human(sum, sizeof(sum), h->sum, b),
			       human(avg, sizeof(avg), h->count ? (double)h->sum / h->count : 0, b),
			       human(p50, sizeof(p50), quantile(h, 500), b),
			       human(p99, sizeof(p99), quantile(h, 990), b),
			       human(max, sizeof(max), h->count ? h->max : 0, b));
		}
	}
}

static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* ,"key":{"runq":N,...}: a counter of each metric */
static void print_json_per_metric(const char *key, const uint64_t *v)
{
	unsigned int m;

	printf(",\"%s\":{", key);
	for (m = 0; m < __CROSSLAT_METRIC_MAX; m++)
		printf("%s\"%s\":%" PRIu64, m ? "," : "", crosslat_metrics_name(m), v[m]);
	printf("}");
}

static void print_json(const struct cg_set *set)
{
	const struct hist *h;
	const char *name, *unit;
	unsigned int i, m, b;
	bool first;
	size_t k;

	printf("[");
	for (k = 0; k < set->nr; k++) {
		const struct cg *c = &set->v[k];

		printf("%s{\"cgroup_id\":%" PRIu64 ",\"cgroup\":", k ? "," : "", c->id);
		name = cgroup_name(c->id);
		if (name)
			print_json_string(name);
		else
			printf("null");
		printf(",\"metrics\":[");
		for (m = 0, first = true; m < __CROSSLAT_METRIC_MAX; m++)
			if (c->mask & (1u << m)) {
				printf("%s\"%s\"", first ? "" : ",", crosslat_metrics_name(m));
				first = false;
			}
		printf("],\"sample_every\":%" PRIu32, c->every);
		print_json_per_metric("events", c->events);
		print_json_per_metric("drops", c->drops);
		printf(",\"hists\":{");
		for (i = 0, first = true; i < __CROSSLAT_METRICS_HIST_MAX; i++) {
			h = &c->hist[i];
			if (!h->present)
				continue;
			unit = crosslat_metrics_hist_unit(i);
			printf("%s\"%s\":{\"count\":%" PRIu64 ",\"sum_%s\":%" PRIu64,
			       first ? "" : ",", crosslat_metrics_hist_name(i), h->count, unit, h->sum);
			first = false;
			if (h->count)
				printf(",\"min_%s\":%" PRIu64 ",\"max_%s\":%" PRIu64, unit, h->min,
				       unit, h->max);
			printf(",\"buckets\":[");
			for (b = 0, m = 0; b < CROSSLAT_LOG2_BUCKETS; b++) {
				if (!h->bucket[b])
					continue;
				printf("%s{\"lo\":%" PRIu64 ",\"hi\":%" PRIu64 ",\"count\":%" PRIu64 "}",
				       m++ ? "," : "", crosslat_log2_hist_bucket_lo(b),
				       crosslat_log2_hist_bucket_hi(b), h->bucket[b]);
			}
			printf("]}");
		}
		printf("}}");
	}
	printf("]\n");
}

/* A Prometheus label value: backslash, double quote and newline escaped. */
static void print_label(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			printf("\\%c", *s);
		else if (*s == '\n')
			printf("\\n");
		else
			putchar(*s);
	}
}

/* ns as seconds, exactly: 1023 -> 0.000001023; bytes as they are */
static void print_value(uint64_t v, bool bytes)
{
	if (bytes)
		printf("%" PRIu64, v);
	else
		printf("%" PRIu64 ".%09" PRIu64, v / 1000000000, v % 1000000000);
}

static void cg_label(const struct cg *c)
{
	const char *name = cgroup_name(c->id);
	char buf[32];

	if (!name) {
		snprintf(buf, sizeof(buf), "id:%" PRIu64, c->id);
		name = buf;
	}
	printf("cgroup=\"");
	print_label(name);
	printf("\"");
}

/* A counter of each enabled metric of each cgroup: the uint64_t array at off in struct cg. */
static void print_prom_per_metric(const struct cg_set *set, const char *name, const char *help,
				  size_t off)
{
	const uint64_t *v;
	unsigned int m;
	size_t k;

	printf("# HELP %s %s\n# TYPE %s counter\n", name, help, name);
	for (k = 0; k < set->nr; k++) {
		v = (const uint64_t *)((const char *)&set->v[k] + off);
		for (m = 0; m < __CROSSLAT_METRIC_MAX; m++) {
			if (!(set->v[k].mask & (1u << m)))
				continue;
			printf("%s{", name);
			cg_label(&set->v[k]);
			printf(",metric=\"%s\"} %" PRIu64 "\n", crosslat_metrics_name(m), v[m]);
		}
	}
}

static void print_prometheus(const struct cg_set *set)
{
	static const char *const prom_names[__CROSSLAT_METRICS_HIST_MAX] = {
		[CROSSLAT_METRICS_HIST_RUNQ] = "crosslat_runq_latency_seconds",
		[CROSSLAT_METRICS_HIST_FAULT_MINOR] = "crosslat_page_fault_minor_seconds",
		[CROSSLAT_METRICS_HIST_FAULT_MAJOR] = "crosslat_page_fault_major_seconds",
		[CROSSLAT_METRICS_HIST_TCP_RETRANS] = "crosslat_tcp_retransmit_srtt_seconds",
		[CROSSLAT_METRICS_HIST_BLKIO_READ] = "crosslat_block_io_read_seconds",
		[CROSSLAT_METRICS_HIST_BLKIO_WRITE] = "crosslat_block_io_write_seconds",
		[CROSSLAT_METRICS_HIST_BLKIO_BYTES] = "crosslat_block_io_size_bytes",
		[CROSSLAT_METRICS_HIST_DNS] = "crosslat_dns_latency_seconds",
		[CROSSLAT_METRICS_HIST_ONCPU] = "crosslat_cpu_on_seconds",
		[CROSSLAT_METRICS_HIST_OFFCPU] = "crosslat_cpu_off_seconds",
		[CROSSLAT_METRICS_HIST_TCP_SYNACK_RETRANS] = "crosslat_tcp_synack_retransmit_age_seconds",
	};
	static const char *const prom_help[__CROSSLAT_METRICS_HIST_MAX] = {
		[CROSSLAT_METRICS_HIST_RUNQ] = "Time tasks waited in a runqueue, from wakeup or preemption to running.",
		[CROSSLAT_METRICS_HIST_FAULT_MINOR] = "Minor page faults (as /proc/PID/stat minflt counts them), by the time the kernel took to handle each.",
		[CROSSLAT_METRICS_HIST_FAULT_MAJOR] = "Major page faults (as /proc/PID/stat majflt counts them), by the time the kernel took to handle each.",
		[CROSSLAT_METRICS_HIST_TCP_RETRANS] = "TCP segments retransmitted by the cgroup's sockets, by their flow's smoothed RTT.",
		[CROSSLAT_METRICS_HIST_BLKIO_READ] = "Block I/O reads of the cgroup's tasks, from submission to completion.",
		[CROSSLAT_METRICS_HIST_BLKIO_WRITE] = "Block I/O writes of the cgroup's tasks, from submission to completion.",
		[CROSSLAT_METRICS_HIST_BLKIO_BYTES] = "Sizes of the block I/O reads and writes of the cgroup's tasks.",
		[CROSSLAT_METRICS_HIST_DNS] = "DNS queries over UDP from the cgroup's sockets, from the query sent to its answer received.",
		[CROSSLAT_METRICS_HIST_ONCPU] = "Stretches the cgroup's tasks ran on a CPU, from switch in to switch out.",
		[CROSSLAT_METRICS_HIST_OFFCPU] = "Times the cgroup's tasks blocked (sleep, I/O, lock), from switch out to their next switch in.",
		[CROSSLAT_METRICS_HIST_TCP_SYNACK_RETRANS] = "SYN-ACKs retransmitted by the cgroup's listening sockets, by the time since the request's first SYN-ACK.",
	};
	const struct hist *h;
	uint64_t cum;
	unsigned int i, b;
	size_t k;

	for (i = 0; i < __CROSSLAT_METRICS_HIST_MAX; i++) {
		printf("# HELP %s %s\n# TYPE %s histogram\n", prom_names[i], prom_help[i],
		       prom_names[i]);
		for (k = 0; k < set->nr; k++) {
			h = &set->v[k].hist[i];
			if (!h->present)
				continue;
			for (b = 0, cum = 0; b < PROM_BUCKETS; b++) {
				cum += h->bucket[b];
				printf("%s_bucket{", prom_names[i]);
				cg_label(&set->v[k]);
				printf(",le=\"");
				print_value(crosslat_log2_hist_bucket_hi(b), hist_bytes(i));
				printf("\"} %" PRIu64 "\n", cum);
			}
			printf("%s_bucket{", prom_names[i]);
			cg_label(&set->v[k]);
			printf(",le=\"+Inf\"} %" PRIu64 "\n%s_sum{", h->count, prom_names[i]);
			cg_label(&set->v[k]);
			printf("} ");
			print_value(h->sum, hist_bytes(i));
			printf("\n%s_count{", prom_names[i]);
			cg_label(&set->v[k]);
			printf("} %" PRIu64 "\n", h->count);
		}
	}
	print_prom_per_metric(set, "crosslat_metrics_events_total",
			      "Events of the cgroup seen by a metric, measured or sampled out.",
			      offsetof(struct cg, events));
	print_prom_per_metric(set, "crosslat_metrics_drops_total",
			      "Measurements of the cgroup lost for want of room in the module's tables.",
			      offsetof(struct cg, drops));
	printf("# HELP crosslat_metrics_sample_every One event in this many is measured.\n"
	       "# TYPE crosslat_metrics_sample_every gauge\n");
	for (k = 0; k < set->nr; k++) {
		printf("crosslat_metrics_sample_every{");
		cg_label(&set->v[k]);
		printf("} %" PRIu32 "\n", set->v[k].every);
	}
}

/* ---- the command ---- */

static int parse_opts(int argc, char **argv, struct mopts *o)
{
	static const struct option longopts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "prometheus",	no_argument,		NULL, 'P' },
		{ "cgroup",	required_argument,	NULL, 'c' },
		{ "sample",	required_argument,	NULL, 's' },
		{ "dry-run",	no_argument,		NULL, 'n' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	unsigned long v;
	char *end;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'P':
			o->prometheus = true;
			break;
		case 'c':
			o->cgroup = optarg;
			break;
		case 's':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] < '0' || optarg[0] > '9' || v < 1 ||
			    v > CROSSLAT_METRICS_SAMPLE_MAX) {
				fprintf(stderr, PROG ": metrics: --sample takes 1 to %d, not '%s'\n",
					CROSSLAT_METRICS_SAMPLE_MAX, optarg);
				return -1;
			}
			o->every = v;
			o->every_given = true;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		case ':':
			fprintf(stderr, PROG ": metrics: option '%s' needs a value\n", argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, PROG ": metrics: unknown option '%s'\n", argv[optind - 1]);
			return -1;
		}
	}
	return 0;
}

static int cmd_show(struct crosslat_nl *nl, const struct mopts *o)
{
	struct cg_set set = { 0 };
	uint64_t id = 0;
	size_t i, n;
	int err;

	if (o->cgroup) {
		err = resolve_cgroup(o->cgroup, &id);
		if (err) {
			fprintf(stderr, PROG ": metrics: --cgroup %s: not a cgroup v2 directory: %s\n",
				o->cgroup, strerror(-err));
			return EXIT_USAGE;
		}
	}
	err = get_all(nl, &set);
	if (err) {
		crosslat_nl_report("metrics", nl, err, MODULE);
		free(set.v);
		return EXIT_RUNTIME;
	}
	for (i = 0, n = 0; i < set.nr; i++)
		if (!o->cgroup || set.v[i].id == id)
			set.v[n++] = set.v[i];
	set.nr = n;
	if (o->json)
		print_json(&set);
	else if (o->prometheus)
		print_prometheus(&set);
	else
		print_table(&set);
	free(set.v);
	return EXIT_SUCCESS;
}

/* set PATH LIST / off PATH [LIST] */
static int cmd_change(struct crosslat_nl *nl, bool on, int nargs, char **args,
		      const struct mopts *o)
{
	struct cg_set set = { 0 };
	uint32_t list = CROSSLAT_METRICS_ALL, mask, every = o->every_given ? o->every : 1;
	const char *what = on ? "metrics set" : "metrics off";
	uint64_t id;
	size_t i;
	int err;

	if ((on && nargs != 2) || (!on && (nargs < 1 || nargs > 2)) || (!on && o->every_given)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	err = resolve_cgroup(args[0], &id);
	if (err) {
		fprintf(stderr, PROG ": %s: %s: not a cgroup v2 directory: %s\n", what, args[0],
			strerror(-err));
		return EXIT_USAGE;
	}
	if (nargs == 2 && crosslat_metrics_parse_list(args[1], strlen(args[1]), &list)) {
		fprintf(stderr, PROG ": %s: '%s': expected metric names (runq, faults, tcp_retrans, blkio, dns, cpu, all) separated by commas\n",
			what, args[1]);
		return EXIT_USAGE;
	}
	mask = list;
	if (!on) {
		/* the metrics the cgroup keeps, at its sample rate */
		err = get_all(nl, &set);
		if (err) {
			crosslat_nl_report(what, nl, err, MODULE);
			free(set.v);
			return EXIT_RUNTIME;
		}
		mask = 0;
		for (i = 0; i < set.nr; i++)
			if (set.v[i].id == id) {
				mask = set.v[i].mask & ~list;
				every = set.v[i].every;
			}
		free(set.v);
	}
	err = set_conf(nl, id, mask, every);
	if (err) {
		crosslat_nl_report(what, nl, err, MODULE);
		return EXIT_RUNTIME;
	}
	return EXIT_SUCCESS;
}

/* "runq,faults" for mask (into buf). */
static const char *mask_names(char *buf, size_t len, uint32_t mask)
{
	size_t off = 0;
	unsigned int m;

	buf[0] = '\0';
	for (m = 0; m < __CROSSLAT_METRIC_MAX && off < len; m++)
		if (mask & (1u << m))
			off += snprintf(buf + off, len - off, "%s%s", off ? "," : "",
					crosslat_metrics_name(m));
	return buf;
}

/* A configuration file read and its cgroups resolved, before any change. */
struct apply_plan {
	struct metrics_file mf;
	uint64_t *ids;		/* of mf->v[i] */
};

static void apply_plan_free(struct apply_plan *p)
{
	free(p->ids);
	metrics_file_free(&p->mf);
}

/* Reads file into p: 0, or EXIT_USAGE after saying why. */
static int apply_read(const char *file, struct apply_plan *p)
{
	char err_msg[320];
	size_t i, k;
	FILE *f;
	int err;

	memset(p, 0, sizeof(*p));
	f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f) {
		fprintf(stderr, PROG ": metrics apply: %s: %s\n", file, strerror(errno));
		return EXIT_USAGE;
	}
	err = metrics_file_parse(f, file, &p->mf, err_msg, sizeof(err_msg));
	if (f != stdin)
		fclose(f);
	if (err) {
		fprintf(stderr, PROG ": metrics apply: %s\n", err_msg);
		return EXIT_USAGE;
	}
	p->ids = calloc(p->mf.nr ? p->mf.nr : 1, sizeof(*p->ids));
	if (!p->ids) {
		fprintf(stderr, PROG ": metrics apply: out of memory\n");
		return EXIT_USAGE;
	}
	for (i = 0; i < p->mf.nr; i++) {
		const struct metrics_file_line *l = &p->mf.v[i];

		err = resolve_cgroup(l->path, &p->ids[i]);
		if (err) {
			fprintf(stderr, PROG ": metrics apply: %s:%u: %s: not a cgroup v2 directory: %s\n",
				file, l->line, l->path, strerror(-err));
			return EXIT_USAGE;
		}
		for (k = 0; k < i; k++)
			if (p->ids[k] == p->ids[i]) {
				fprintf(stderr, PROG ": metrics apply: %s:%u: %s is the cgroup of line %u\n",
					file, l->line, l->path, p->mf.v[k].line);
				return EXIT_USAGE;
			}
	}
	return 0;
}

/* apply FILE: the file's cgroups set as it says (when changed), every other one off. */
static int cmd_apply(struct crosslat_nl *nl, const struct apply_plan *p, const struct mopts *o)
{
	const char *verb = o->dry_run ? "would " : "";
	const struct metrics_file *mf = &p->mf;
	unsigned int set = 0, off = 0, same = 0;
	const uint64_t *ids = p->ids;
	struct cg_set cur = { 0 };
	int ret = EXIT_RUNTIME, err;
	char names[96];
	size_t i, k;

	err = get_all(nl, &cur);
	if (err) {
		crosslat_nl_report("metrics apply", nl, err, MODULE);
		goto out;
	}
	for (i = 0; i < mf->nr; i++) {
		const struct cg *c = NULL;

		for (k = 0; k < cur.nr; k++)
			if (cur.v[k].id == ids[i])
				c = &cur.v[k];
		if (c && c->mask == mf->v[i].mask && c->every == mf->v[i].every) {
			same++;
			continue;
		}
		printf("%sset %s %s sample=%" PRIu32 "\n", verb, mf->v[i].path,
		       mask_names(names, sizeof(names), mf->v[i].mask), mf->v[i].every);
		set++;
		if (!o->dry_run && (err = set_conf(nl, ids[i], mf->v[i].mask, mf->v[i].every))) {
			crosslat_nl_report("metrics apply", nl, err, MODULE);
			goto out;
		}
	}
	for (k = 0; k < cur.nr; k++) {
		const char *name;

		for (i = 0; i < mf->nr && ids[i] != cur.v[k].id; i++)
			;
		if (i < mf->nr || !cur.v[k].mask)
			continue;
		name = cgroup_name(cur.v[k].id);
		if (name)
			printf("%soff %s\n", verb, name);
		else
			printf("%soff id:%" PRIu64 "\n", verb, cur.v[k].id);
		off++;
		if (!o->dry_run && (err = set_conf(nl, cur.v[k].id, 0, cur.v[k].every))) {
			crosslat_nl_report("metrics apply", nl, err, MODULE);
			goto out;
		}
	}
	printf("%s%u set, %u off, %u unchanged\n", o->dry_run ? "dry run: " : "", set, off,
	       same);
	ret = EXIT_SUCCESS;
out:
	free(cur.v);
	return ret;
}

int metrics_cmd_main(int argc, char **argv)
{
	struct apply_plan plan = { 0 };
	struct mopts o = { 0 };
	struct crosslat_nl *nl = NULL;
	int ret = EXIT_USAGE, nargs, err;
	char **args;

	if (parse_opts(argc, argv, &o))
		goto usage;
	/* argv[optind] is "metrics" (getopt moved the options before it) */
	args = argv + optind + 1;
	nargs = argc - optind - 1;
	if (o.json + o.prometheus > 1) {
		fprintf(stderr, PROG ": metrics: --json and --prometheus exclude each other\n");
		goto usage;
	}
	if (nargs && (o.json || o.prometheus || o.cgroup)) {
		fprintf(stderr, PROG ": metrics %s: --json, --prometheus and --cgroup are for listing\n",
			args[0]);
		goto usage;
	}
	if (!nargs && o.every_given) {
		fprintf(stderr, PROG ": metrics: --sample goes with set\n");
		goto usage;
	}
	if (nargs && strcmp(args[0], "set") && strcmp(args[0], "off") &&
	    strcmp(args[0], "apply")) {
		fprintf(stderr, PROG ": metrics: unknown action '%s' (set, off or apply)\n",
			args[0]);
		goto usage;
	}
	if (o.dry_run && (!nargs || strcmp(args[0], "apply"))) {
		fprintf(stderr, PROG ": metrics: --dry-run goes with apply\n");
		goto usage;
	}
	if (nargs && !strcmp(args[0], "apply") && (nargs != 2 || o.every_given)) {
		fprintf(stderr, PROG ": metrics apply takes one FILE (sample=N goes in it)\n");
		goto usage;
	}
	/* a wrong file changes nothing, module or not */
	if (nargs && !strcmp(args[0], "apply") && apply_read(args[1], &plan))
		goto cleanup;
	err = crosslat_nl_open(&nl);
	if (err) {
		crosslat_nl_report("metrics", NULL, err, MODULE);
		ret = EXIT_RUNTIME;
		goto cleanup;
	}
	if (!nargs)
		ret = cmd_show(nl, &o);
	else if (!strcmp(args[0], "apply"))
		ret = cmd_apply(nl, &plan, &o);
	else
		ret = cmd_change(nl, !strcmp(args[0], "set"), nargs - 1, args + 1, &o);
	goto cleanup;

usage:
	fprintf(stderr, "Try '" PROG " metrics --help'.\n");
cleanup:
	crosslat_nl_close(nl);
	apply_plan_free(&plan);
	dirs_free();
	return ret;
}
