// SPDX-License-Identifier: GPL-2.0-only
/* crosslatctl: command-line control of the crosslat kernel modules (counters, trace markers). */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/crosslat.h>

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

enum {
	OPT_JSON	= 1 << 0,
	OPT_UST_ONLY	= 1 << 1,
};

struct ctl_opts {
	bool json;		/* one JSON object on stdout instead of text */
	bool ust_only;		/* mark: UST event only, no netlink */
	unsigned int given;	/* OPT_* seen on the command line */
};

static const struct ctl_opts default_opts = {
	.json		= false,
	.ust_only	= false,
	.given		= 0,
};

struct subcmd {
	const char *name;
	const char *args;	/* synopsis after the name */
	const char *summary;
	int min_args, max_args;
	unsigned int opts;	/* OPT_* the command accepts */
	int (*run)(int argc, char **argv, const struct ctl_opts *opts);
};

static int cmd_stats(int argc, char **argv, const struct ctl_opts *opts);
static int cmd_mark(int argc, char **argv, const struct ctl_opts *opts);
static int cmd_help(int argc, char **argv, const struct ctl_opts *opts);

static const struct subcmd subcmds[] = {
	{ "stats", "[--json]", "print the module version and its counters",
	  0, 0, OPT_JSON, cmd_stats },
	{ "mark", "[--ust-only] [--json] ID [LABEL]", "put marker ID into the kernel and UST traces",
	  1, 2, OPT_JSON | OPT_UST_ONLY, cmd_mark },
	{ "help", "", "show this help",
	  0, 0, 0, cmd_help },
};

static const struct option long_options[] = {
	{ "json",	no_argument,	NULL, 'j' },
	{ "ust-only",	no_argument,	NULL, 'u' },
	{ "help",	no_argument,	NULL, 'h' },
	{ NULL,		0,		NULL, 0 },
};

static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f,
		"NAME\n"
		"  " PROG " - control the crosslat kernel modules (counters, trace markers)\n"
		"\n"
		"SYNOPSIS\n"
		"  " PROG " [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"COMMANDS\n");
	for (i = 0; i < ARRAY_SIZE(subcmds); i++)
		fprintf(f, "  %-5s %-34s %s\n",
			subcmds[i].name, subcmds[i].args, subcmds[i].summary);
	fprintf(f,
		"\n"
		"OPTIONS\n"
		"  -j, --json       print one JSON object on stdout instead of text\n"
		"  -u, --ust-only   mark: emit only the UST event, do not ask the kernel\n"
		"  -h, --help       show this help\n"
		"\n"
		"ARGUMENTS\n"
		"  ID     unsigned 64-bit marker id, decimal (42) or hex with 0x (0x2a)\n"
		"  LABEL  optional text, at most %d bytes\n"
		"\n"
		"DESCRIPTION\n"
		"  Talks to crosslat.ko through the generic netlink family \"" CROSSLAT_GENL_NAME "\".\n"
		"\n"
		"  stats reads the module's counters (any user may). Counters this build has no\n"
		"  name for are shown as stat_<n>.\n"
		"\n"
		"  mark fires the kernel tracepoint crosslat_mark with ID and LABEL (needs\n"
		"  CAP_NET_ADMIN) and waits for the kernel's answer. When built with lttng-ust it\n"
		"  first emits the UST event crosslat_ust:mark with the same ID and LABEL, so a\n"
		"  trace holding both can align kernel and userspace time; record them with\n"
		"  `lttng enable-event -k crosslat_mark` and `lttng enable-event -u crosslat_ust:mark`.\n"
		"  The UST event is emitted even when the kernel part then fails.\n"
		"  This build: lttng-ust %s.\n"
		"\n"
		"EXIT STATUS\n"
		"  0  success\n"
		"  1  runtime error: module not loaded, permission denied, kernel refused the request\n"
		"  2  usage error: unknown command or option, bad ID or LABEL\n"
		"\n"
		"EXAMPLES\n"
		"  modprobe crosslat                    # or: insmod path/to/crosslat.ko\n"
		"  " PROG " stats                    # version and counters, one per line\n"
		"  " PROG " stats --json | jq .stats.marks\n"
		"  sudo " PROG " mark 1 warmup-done\n"
		"  sudo " PROG " mark 0xdeadbeef \"before failover\"\n"
		"  " PROG " mark --ust-only 42 checkpoint   # UST event only, no module needed\n",
		CROSSLAT_MARK_LABEL_MAX - 1, HAVE_UST ? "enabled" : "disabled (built with WITH_UST=0)");
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

/* Opens the family; on failure explains it on stderr and returns non-zero. */
static int open_family(struct crosslat_nl **nl)
{
	int err = crosslat_nl_open(nl);

	switch (err) {
	case 0:
		return 0;
	case -ENOENT:
		fprintf(stderr,
			PROG ": crosslat module not loaded (generic netlink family \"%s\" not found).\n"
			"Load it with `modprobe crosslat`, or `insmod crosslat.ko` from the build tree.\n",
			CROSSLAT_GENL_NAME);
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

static void report_request_error(const char *what, const struct crosslat_nl *nl, int err)
{
	const char *ext = crosslat_nl_ext_msg(nl);

	switch (err) {
	case -EPERM:
		fprintf(stderr, PROG ": %s: permission denied (it needs CAP_NET_ADMIN; try sudo)\n",
			what);
		return;
	case -EOPNOTSUPP:
		fprintf(stderr, PROG ": %s: the loaded crosslat module lacks this command (is it older?)\n",
			what);
		return;
	case -EBADMSG:
	case -EPROTO:
	case -ENODATA:
	case -E2BIG:
		fprintf(stderr, PROG ": %s: unexpected reply from the kernel (%s); are crosslatctl and crosslat.ko from the same build?\n",
			what, strerror(-err));
		return;
	}
	if (ext)
		fprintf(stderr, PROG ": %s: kernel refused the request: %s: %s\n",
			what, strerror(-err), ext);
	else
		fprintf(stderr, PROG ": %s: %s\n", what, strerror(-err));
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
		printf("%-16s %s\n", "version", st->version);
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
			printf("%-16s %" PRIu64 "\n", name, st->stat[i].value);
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
	if (open_family(&nl))
		goto cleanup;
	err = crosslat_nl_get_stats(nl, &st);
	if (err) {
		report_request_error("stats", nl, err);
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
		if (open_family(&nl))
			goto cleanup;
		err = crosslat_nl_mark(nl, id, label);
		if (err) {
			report_request_error("mark", nl, err);
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
	if (optopt && strchr("jhu", optopt))
		fprintf(stderr, PROG ": option '%s' takes no value\n", arg);
	else if (optopt >= '0' && optopt <= '9')
		fprintf(stderr, PROG ": unknown option '-%c' (IDs are unsigned)\n", optopt);
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

int main(int argc, char **argv)
{
	struct ctl_opts opts = default_opts;
	const struct subcmd *cmd;
	int c, nargs;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "jhu", long_options, NULL)) != -1) {
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
			(opts.given & ~cmd->opts & OPT_JSON) ? "--json" : "--ust-only");
		usage_hint();
		return EXIT_USAGE;
	}
	nargs = argc - optind - 1;
	if (nargs < cmd->min_args || nargs > cmd->max_args) {
		fprintf(stderr, PROG ": usage: " PROG " %s %s\n", cmd->name, cmd->args);
		usage_hint();
		return EXIT_USAGE;
	}
	return cmd->run(nargs, argv + optind + 1, &opts);
}
