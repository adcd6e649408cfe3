// SPDX-License-Identifier: GPL-2.0-only
/* Client side of the "crosslat" generic netlink family: message encode/decode and requests. */

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/crosslat.h>
#include <linux/crosslat_stat_names.h>

#include "nl_crosslat.h"

/* Messages are crosslatctl's: the tool this library serves. */
#define PROG	"crosslatctl"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define EXT_MSG_MAX		256
#define RX_BUF_SIZE		16384

struct crosslat_nl {
	struct mnl_socket *sock;	/* NULL when opened on a caller's fd */
	int fd;
	uint32_t seq;
	uint16_t family;
	char ext_msg[EXT_MSG_MAX];
	_Alignas(NLMSG_ALIGNTO) char req[CROSSLAT_NL_REQ_MAX];
	_Alignas(NLMSG_ALIGNTO) char rx[RX_BUF_SIZE];
};

/* The same names as /proc/crosslat/stats. */
static const char *const stat_names[__CROSSLAT_STAT_MAX] = CROSSLAT_STAT_NAMES;

const char *crosslat_nl_stat_name(unsigned int type)
{
	return type < ARRAY_SIZE(stat_names) ? stat_names[type] : NULL;
}

int crosslat_nl_stats_get(const struct crosslat_nl_stats *st, uint16_t type, uint64_t *value)
{
	unsigned int i;

	for (i = 0; i < st->nr; i++) {
		if (st->stat[i].type == type) {
			*value = st->stat[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- encoders ---- */

static struct nlmsghdr *put_genl_header(void *buf, uint16_t type, uint8_t cmd, uint8_t version,
					uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

int crosslat_nl_build_getfamily(void *buf, size_t len, uint32_t seq)
{
	struct nlmsghdr *nlh;

	if (len < CROSSLAT_NL_REQ_MAX)
		return -ENOBUFS;
	nlh = put_genl_header(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, seq);
	if (!mnl_attr_put_strz_check(nlh, len, CTRL_ATTR_FAMILY_NAME, CROSSLAT_GENL_NAME))
		return -ENOBUFS;
	return nlh->nlmsg_len;
}

int crosslat_nl_build_get_stats(void *buf, size_t len, uint16_t family, uint32_t seq)
{
	struct nlmsghdr *nlh;

	if (len < CROSSLAT_NL_REQ_MAX)
		return -ENOBUFS;
	nlh = put_genl_header(buf, family, CROSSLAT_CMD_GET_STATS, CROSSLAT_GENL_VERSION, seq);
	return nlh->nlmsg_len;
}

int crosslat_nl_check_label(const char *label)
{
	if (label && strnlen(label, CROSSLAT_MARK_LABEL_MAX) >= CROSSLAT_MARK_LABEL_MAX)
		return -ENAMETOOLONG;
	return 0;
}

int crosslat_nl_build_mark(void *buf, size_t len, uint16_t family, uint32_t seq,
			   uint64_t id, const char *label)
{
	struct nlmsghdr *nlh;
	int err;

	if (len < CROSSLAT_NL_REQ_MAX)
		return -ENOBUFS;
	err = crosslat_nl_check_label(label);
	if (err)
		return err;
	nlh = put_genl_header(buf, family, CROSSLAT_CMD_MARK, CROSSLAT_GENL_VERSION, seq);
	if (!mnl_attr_put_check(nlh, len, CROSSLAT_A_MARK_ID, sizeof(id), &id))
		return -ENOBUFS;
	if (label && !mnl_attr_put_strz_check(nlh, len, CROSSLAT_A_MARK_LABEL, label))
		return -ENOBUFS;
	return nlh->nlmsg_len;
}

/* Address bytes of an AF_INET or AF_INET6 address, 0 for another family. */
static unsigned int addr_size(uint8_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* True if no bit of the size-byte address a is set past its first len bits. */
static bool host_bits_zero(const uint8_t *a, unsigned int size, unsigned int len)
{
	unsigned int i;

	if (len % 8 && (a[len / 8] & (0xff >> (len % 8))))
		return false;
	for (i = (len + 7) / 8; i < size; i++)
		if (a[i])
			return false;
	return true;
}

static int check_selector(const struct crosslat_nl_thresh *th)
{
	unsigned int size;

	if (th->present & CROSSLAT_NL_THRESH_PREFIX) {
		size = addr_size(th->family);
		if (!size || th->prefix_len > size * 8 ||
		    !host_bits_zero(th->prefix, size, th->prefix_len))
			return -EINVAL;
	}
	if ((th->present & CROSSLAT_NL_THRESH_PORT) && !th->port)
		return -EINVAL;
	return 0;
}

int crosslat_nl_check_thresh(const struct crosslat_nl_thresh *th, bool need_rtt)
{
	int err = check_selector(th);

	if (err)
		return err;
	if (need_rtt && (!th->rtt_ns || th->rtt_ns > CROSSLAT_THRESH_RTT_MAX_NS))
		return -ERANGE;
	return 0;
}

static int build_dump(void *buf, size_t len, uint16_t family, uint32_t seq, uint8_t cmd)
{
	struct nlmsghdr *nlh;

	if (len < CROSSLAT_NL_REQ_MAX)
		return -ENOBUFS;
	nlh = put_genl_header(buf, family, cmd, CROSSLAT_GENL_VERSION, seq);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	return nlh->nlmsg_len;
}

int crosslat_nl_build_flow_dump(void *buf, size_t len, uint16_t family, uint32_t seq)
{
	return build_dump(buf, len, family, seq, CROSSLAT_CMD_FLOW_GET);
}

int crosslat_nl_build_thresh_dump(void *buf, size_t len, uint16_t family, uint32_t seq)
{
	return build_dump(buf, len, family, seq, CROSSLAT_CMD_THRESH_GET);
}

int crosslat_nl_build_map_dump(void *buf, size_t len, uint16_t family, uint32_t seq)
{
	return build_dump(buf, len, family, seq, CROSSLAT_CMD_MAP_GET);
}

/* A THRESH_SET (with_rtt) or THRESH_DEL request carrying th in CROSSLAT_A_THRESH. */
static int build_thresh(void *buf, size_t len, uint16_t family, uint32_t seq, uint8_t cmd,
			const struct crosslat_nl_thresh *th, bool with_rtt)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int err;

	if (len < CROSSLAT_NL_REQ_MAX)
		return -ENOBUFS;
	err = crosslat_nl_check_thresh(th, with_rtt);
	if (err)
		return err;
	nlh = put_genl_header(buf, family, cmd, CROSSLAT_GENL_VERSION, seq);
	nest = mnl_attr_nest_start_check(nlh, len, CROSSLAT_A_THRESH);
	if (!nest)
		return -ENOBUFS;
	if ((th->present & CROSSLAT_NL_THRESH_NETNS) &&
	    !mnl_attr_put_u32_check(nlh, len, CROSSLAT_THRESH_A_NETNS_INUM, th->netns_inum))
		return -ENOBUFS;
	if ((th->present & CROSSLAT_NL_THRESH_PREFIX) &&
	    (!mnl_attr_put_u8_check(nlh, len, CROSSLAT_THRESH_A_FAMILY, th->family) ||
	     !mnl_attr_put_check(nlh, len, CROSSLAT_THRESH_A_PREFIX, addr_size(th->family),
				 th->prefix) ||
	     !mnl_attr_put_u8_check(nlh, len, CROSSLAT_THRESH_A_PREFIX_LEN, th->prefix_len)))
		return -ENOBUFS;
	if ((th->present & CROSSLAT_NL_THRESH_PORT) &&
	    !mnl_attr_put_u16_check(nlh, len, CROSSLAT_THRESH_A_PORT, th->port))
		return -ENOBUFS;
	if (with_rtt && !mnl_attr_put_u64_check(nlh, len, CROSSLAT_THRESH_A_RTT_NS, th->rtt_ns))
		return -ENOBUFS;
	mnl_attr_nest_end(nlh, nest);
	return nlh->nlmsg_len;
}

int crosslat_nl_build_thresh_set(void *buf, size_t len, uint16_t family, uint32_t seq,
				 const struct crosslat_nl_thresh *th)
{
	return build_thresh(buf, len, family, seq, CROSSLAT_CMD_THRESH_SET, th, true);
}

int crosslat_nl_build_thresh_del(void *buf, size_t len, uint16_t family, uint32_t seq,
				 const struct crosslat_nl_thresh *sel)
{
	return build_thresh(buf, len, family, seq, CROSSLAT_CMD_THRESH_DEL, sel, false);
}

int crosslat_nl_build_thresh_flush(void *buf, size_t len, uint16_t family, uint32_t seq)
{
	struct nlmsghdr *nlh;

	if (len < CROSSLAT_NL_REQ_MAX)
		return -ENOBUFS;
	nlh = put_genl_header(buf, family, CROSSLAT_CMD_THRESH_DEL, CROSSLAT_GENL_VERSION, seq);
	if (!mnl_attr_put_check(nlh, len, CROSSLAT_A_FLUSH, 0, NULL))
		return -ENOBUFS;
	return nlh->nlmsg_len;
}

/* ---- decoders ---- */

typedef int (*attr_fn)(const struct nlattr *attr, void *data);

/*
 * Calls fn for each attribute in [start, start + len). Unlike mnl_attr_parse(), a
 * truncated attribute is an error instead of the silent end of the list; only the
 * alignment padding of the last one may be missing.
 */
static int walk_attrs(const void *start, size_t len, attr_fn fn, void *data)
{
	const struct nlattr *attr = start;
	long rem = len;
	int err;

	if (len > INT_MAX)
		return -EBADMSG;
	while (rem > 0) {
		if (!mnl_attr_ok(attr, rem))
			return -EBADMSG;
		err = fn(attr, data);
		if (err)
			return err;
		rem -= MNL_ALIGN(attr->nla_len);
		attr = (const struct nlattr *)((const char *)attr + MNL_ALIGN(attr->nla_len));
	}
	return 0;
}

/* The string payload of attr, or NULL unless it is NUL-terminated and shorter than max. */
static const char *attr_str(const struct nlattr *attr, size_t max)
{
	const char *s = mnl_attr_get_payload(attr);
	size_t n = mnl_attr_get_payload_len(attr);

	if (!n || strnlen(s, n) != n - 1 || n > max)
		return NULL;
	return s;
}

/* Attributes after the genetlink header, or -EBADMSG if the message cannot hold one. */
static int genl_payload(const struct nlmsghdr *nlh, const struct genlmsghdr **genl,
			const void **attrs, size_t *len)
{
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(**genl)))
		return -EBADMSG;
	*genl = mnl_nlmsg_get_payload(nlh);
	*attrs = mnl_nlmsg_get_payload_offset(nlh, sizeof(**genl));
	*len = nlh->nlmsg_len - MNL_NLMSG_HDRLEN - MNL_ALIGN(sizeof(**genl));
	return 0;
}

struct family_parse {
	uint16_t id;
	bool have_id;
};

static int family_attr(const struct nlattr *attr, void *data)
{
	struct family_parse *fp = data;
	const char *name;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (fp->have_id || mnl_attr_get_payload_len(attr) != sizeof(uint16_t))
			return -EBADMSG;
		fp->id = mnl_attr_get_u16(attr);
		fp->have_id = true;
		break;
	case CTRL_ATTR_FAMILY_NAME:
		name = attr_str(attr, GENL_NAMSIZ);
		if (!name)
			return -EBADMSG;
		if (strcmp(name, CROSSLAT_GENL_NAME))
			return -EPROTO;
		break;
	}
	return 0;
}

int crosslat_nl_parse_family(const struct nlmsghdr *nlh, uint16_t *family)
{
	struct family_parse fp = { 0 };
	const struct genlmsghdr *genl;
	const void *attrs;
	size_t len;
	int err;

	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return -EPROTO;
	err = genl_payload(nlh, &genl, &attrs, &len);
	if (err)
		return err;
	if (genl->cmd != CTRL_CMD_NEWFAMILY)
		return -EPROTO;
	err = walk_attrs(attrs, len, family_attr, &fp);
	if (err)
		return err;
	if (!fp.have_id)
		return -ENODATA;
	*family = fp.id;
	return 0;
}

static int stats_counter(const struct nlattr *attr, void *data)
{
	struct crosslat_nl_stats *st = data;
	uint16_t type = mnl_attr_get_type(attr);
	unsigned int i;

	if (type == CROSSLAT_STAT_UNSPEC || type == CROSSLAT_STAT_PAD)
		return 0;
	if (mnl_attr_get_payload_len(attr) != sizeof(uint64_t))
		return -EBADMSG;
	for (i = 0; i < st->nr; i++)
		if (st->stat[i].type == type)
			return -EBADMSG;
	if (st->nr == CROSSLAT_NL_STATS_CAP)
		return -E2BIG;
	st->stat[st->nr].type = type;
	st->stat[st->nr].value = mnl_attr_get_u64(attr);
	st->nr++;
	return 0;
}

struct stats_parse {
	struct crosslat_nl_stats *st;
	bool have_version;
	bool have_stats;
};

static int stats_attr(const struct nlattr *attr, void *data)
{
	struct stats_parse *sp = data;
	const char *version;

	switch (mnl_attr_get_type(attr)) {
	case CROSSLAT_A_VERSION:
		version = attr_str(attr, sizeof(sp->st->version));
		if (sp->have_version || !version)
			return -EBADMSG;
		strcpy(sp->st->version, version);
		sp->have_version = true;
		break;
	case CROSSLAT_A_STATS:
		if (sp->have_stats)
			return -EBADMSG;
		sp->have_stats = true;
		return walk_attrs(mnl_attr_get_payload(attr), mnl_attr_get_payload_len(attr),
				  stats_counter, sp->st);
	}
	return 0;
}

int crosslat_nl_parse_stats(const struct nlmsghdr *nlh, struct crosslat_nl_stats *st)
{
	struct stats_parse sp = { .st = st };
	const struct genlmsghdr *genl;
	const void *attrs;
	size_t len;
	int err;

	memset(st, 0, sizeof(*st));
	err = genl_payload(nlh, &genl, &attrs, &len);
	if (err)
		return err;
	if (genl->cmd != CROSSLAT_CMD_GET_STATS)
		return -EPROTO;
	err = walk_attrs(attrs, len, stats_attr, &sp);
	if (err)
		return err;
	if (!sp.have_version || !sp.have_stats)
		return -ENODATA;
	return 0;
}

/*
 * Nests of fixed-size attributes (CROSSLAT_A_FLOW, CROSSLAT_A_THRESH, CROSSLAT_A_MAP and
 * the tuples inside it) decode through a table indexed by attribute type: what the payload
 * must be and where it goes.
 */
enum field_kind {
	F_NONE,		/* not decoded: UNSPEC, PAD, unknown */
	F_U8,
	F_U16,
	F_U32,
	F_U64,
	F_FLAG,		/* bool set to true; empty payload */
	F_ADDR,		/* 4 or 16 bytes into uint8_t[16]; the size is checked later */
	F_TUPLE,	/* nested CROSSLAT_TUPLE_A_* into struct crosslat_nl_tuple, validated */
	F_COMM,		/* NUL-terminated string into char[CROSSLAT_NL_COMM_LEN] */
};

struct field {
	uint8_t kind;
	uint16_t off;	/* in the decoded struct */
};

/* Attribute types a nest table may hold: one bit each in nest_parse.seen. */
#define NEST_TYPES	64
#define BIT64(n)	(1ULL << (n))

struct nest_parse {
	const struct field *fields;
	unsigned int nr;		/* entries in fields */
	void *out;
	uint64_t seen;			/* types decoded */
	uint8_t addr_len[NEST_TYPES];	/* payload size of each F_ADDR */
};

static int parse_tuple(const void *attrs, size_t len, struct crosslat_nl_tuple *t);

static int nest_field(const struct nlattr *attr, void *data)
{
	struct nest_parse *np = data;
	uint16_t type = mnl_attr_get_type(attr);
	uint16_t len = mnl_attr_get_payload_len(attr);
	const void *payload = mnl_attr_get_payload(attr);
	const struct field *f;
	char *dst;

	if (type >= np->nr || np->fields[type].kind == F_NONE)
		return 0;
	if (np->seen & BIT64(type))
		return -EBADMSG;
	np->seen |= BIT64(type);
	f = &np->fields[type];
	dst = (char *)np->out + f->off;
	switch (f->kind) {
	case F_U8:
		if (len != sizeof(uint8_t))
			return -EBADMSG;
		memcpy(dst, payload, len);
		break;
	case F_U16:
		if (len != sizeof(uint16_t))
			return -EBADMSG;
		memcpy(dst, payload, len);
		break;
	case F_U32:
		if (len != sizeof(uint32_t))
			return -EBADMSG;
		memcpy(dst, payload, len);
		break;
	case F_U64:
		if (len != sizeof(uint64_t))
			return -EBADMSG;
		memcpy(dst, payload, len);
		break;
	case F_FLAG:
		if (len)
			return -EBADMSG;
		*(bool *)dst = true;
		break;
	case F_ADDR:
		if (len != 4 && len != 16)
			return -EBADMSG;
		memcpy(dst, payload, len);
		np->addr_len[type] = len;
		break;
	case F_TUPLE:
		return parse_tuple(payload, len, (struct crosslat_nl_tuple *)dst);
	case F_COMM:
		if (!len || len > CROSSLAT_NL_COMM_LEN || !memchr(payload, 0, len))
			return -EBADMSG;
		memcpy(dst, payload, len);
		break;
	}
	return 0;
}

/* Types fields decodes. */
static uint64_t table_types(const struct field *fields, unsigned int nr)
{
	uint64_t mask = 0;
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (fields[i].kind != F_NONE)
			mask |= BIT64(i);
	return mask;
}

/* True if group is all in seen or none of it. */
static bool whole_or_none(uint64_t seen, uint64_t group)
{
	return !(seen & group) || (seen & group) == group;
}

struct nest_msg {
	uint16_t attr;			/* the nest's type at top level */
	bool found;
	struct nest_parse *np;
};

static int nest_msg_attr(const struct nlattr *attr, void *data)
{
	struct nest_msg *nm = data;

	if (mnl_attr_get_type(attr) != nm->attr)
		return 0;
	if (nm->found)
		return -EBADMSG;
	nm->found = true;
	return walk_attrs(mnl_attr_get_payload(attr), mnl_attr_get_payload_len(attr),
			  nest_field, nm->np);
}

/* Decodes the one nest of type attr in a cmd message into np; other attributes ignored. */
static int parse_nest_msg(const struct nlmsghdr *nlh, uint8_t cmd, uint16_t attr,
			  struct nest_parse *np)
{
	struct nest_msg nm = { .attr = attr, .np = np };
	const struct genlmsghdr *genl;
	const void *attrs;
	size_t len;
	int err;

	err = genl_payload(nlh, &genl, &attrs, &len);
	if (err)
		return err;
	if (genl->cmd != cmd)
		return -EPROTO;
	err = walk_attrs(attrs, len, nest_msg_attr, &nm);
	if (err)
		return err;
	return nm.found ? 0 : -ENODATA;
}

#define FLOW_FIELD(type, kind, member) \
	[type] = { kind, offsetof(struct crosslat_nl_flow, member) }

static const struct field flow_fields[] = {
	FLOW_FIELD(CROSSLAT_FLOW_A_NETNS_COOKIE,	F_U64,	netns_cookie),
	FLOW_FIELD(CROSSLAT_FLOW_A_NETNS_INUM,		F_U32,	netns_inum),
	FLOW_FIELD(CROSSLAT_FLOW_A_FAMILY,		F_U8,	family),
	FLOW_FIELD(CROSSLAT_FLOW_A_LADDR,		F_ADDR,	laddr),
	FLOW_FIELD(CROSSLAT_FLOW_A_RADDR,		F_ADDR,	raddr),
	FLOW_FIELD(CROSSLAT_FLOW_A_LPORT,		F_U16,	lport),
	FLOW_FIELD(CROSSLAT_FLOW_A_RPORT,		F_U16,	rport),
	FLOW_FIELD(CROSSLAT_FLOW_A_FIRST_NS,		F_U64,	first_ns),
	FLOW_FIELD(CROSSLAT_FLOW_A_LAST_NS,		F_U64,	last_ns),
	FLOW_FIELD(CROSSLAT_FLOW_A_SRTT_NS,		F_U64,	srtt_ns),
	FLOW_FIELD(CROSSLAT_FLOW_A_RTT_MIN_NS,		F_U64,	rtt_min_ns),
	FLOW_FIELD(CROSSLAT_FLOW_A_RTT_MAX_NS,		F_U64,	rtt_max_ns),
	FLOW_FIELD(CROSSLAT_FLOW_A_RTT_LAST_NS,		F_U64,	rtt_last_ns),
	FLOW_FIELD(CROSSLAT_FLOW_A_RTT_SAMPLES,		F_U64,	rtt_samples),
	FLOW_FIELD(CROSSLAT_FLOW_A_APP_AVG_NS,		F_U64,	app_avg_ns),
	FLOW_FIELD(CROSSLAT_FLOW_A_APP_MAX_NS,		F_U64,	app_max_ns),
	FLOW_FIELD(CROSSLAT_FLOW_A_APP_SAMPLES,		F_U64,	app_samples),
	FLOW_FIELD(CROSSLAT_FLOW_A_BYTES_OUT,		F_U64,	bytes_out),
	FLOW_FIELD(CROSSLAT_FLOW_A_BYTES_IN,		F_U64,	bytes_in),
	FLOW_FIELD(CROSSLAT_FLOW_A_PKTS_OUT,		F_U64,	pkts_out),
	FLOW_FIELD(CROSSLAT_FLOW_A_PKTS_IN,		F_U64,	pkts_in),
	FLOW_FIELD(CROSSLAT_FLOW_A_RETRANS_SEGS,	F_U64,	retrans_segs),
	FLOW_FIELD(CROSSLAT_FLOW_A_RETRANS_BYTES,	F_U64,	retrans_bytes),
	FLOW_FIELD(CROSSLAT_FLOW_A_KARN_SKIPPED,	F_U64,	karn_skipped),
	FLOW_FIELD(CROSSLAT_FLOW_A_THROUGHPUT_OUT,	F_U64,	throughput_out),
	FLOW_FIELD(CROSSLAT_FLOW_A_THROUGHPUT_IN,	F_U64,	throughput_in),
	FLOW_FIELD(CROSSLAT_FLOW_A_THRESH_NS,		F_U64,	thresh_ns),
	FLOW_FIELD(CROSSLAT_FLOW_A_ALERTS,		F_U64,	alerts),
	FLOW_FIELD(CROSSLAT_FLOW_A_CLOSED,		F_FLAG,	closed),
};

_Static_assert(ARRAY_SIZE(flow_fields) <= NEST_TYPES, "flow attributes exceed nest_parse.seen");

#define FLOW_RTT_TYPES	(BIT64(CROSSLAT_FLOW_A_SRTT_NS) | BIT64(CROSSLAT_FLOW_A_RTT_MIN_NS) | \
			 BIT64(CROSSLAT_FLOW_A_RTT_MAX_NS) | BIT64(CROSSLAT_FLOW_A_RTT_LAST_NS) | \
			 BIT64(CROSSLAT_FLOW_A_RTT_SAMPLES))
#define FLOW_APP_TYPES	(BIT64(CROSSLAT_FLOW_A_APP_AVG_NS) | BIT64(CROSSLAT_FLOW_A_APP_MAX_NS) | \
			 BIT64(CROSSLAT_FLOW_A_APP_SAMPLES))
#define FLOW_OPTIONAL	(FLOW_RTT_TYPES | FLOW_APP_TYPES | BIT64(CROSSLAT_FLOW_A_THRESH_NS) | \
			 BIT64(CROSSLAT_FLOW_A_CLOSED))

int crosslat_nl_parse_flow(const struct nlmsghdr *nlh, struct crosslat_nl_flow *flow)
{
	struct nest_parse np = {
		.fields = flow_fields,
		.nr = ARRAY_SIZE(flow_fields),
		.out = flow,
	};
	uint64_t required = table_types(flow_fields, ARRAY_SIZE(flow_fields)) & ~FLOW_OPTIONAL;
	unsigned int size;
	int err;

	memset(flow, 0, sizeof(*flow));
	err = parse_nest_msg(nlh, CROSSLAT_CMD_FLOW_GET, CROSSLAT_A_FLOW, &np);
	if (err)
		goto fail;
	err = -ENODATA;
	if ((np.seen & required) != required)
		goto fail;
	err = -EBADMSG;
	if (!whole_or_none(np.seen, FLOW_RTT_TYPES) || !whole_or_none(np.seen, FLOW_APP_TYPES))
		goto fail;
	size = addr_size(flow->family);
	if (!size || np.addr_len[CROSSLAT_FLOW_A_LADDR] != size ||
	    np.addr_len[CROSSLAT_FLOW_A_RADDR] != size)
		goto fail;
	if (np.seen & FLOW_RTT_TYPES)
		flow->present |= CROSSLAT_NL_FLOW_RTT;
	if (np.seen & FLOW_APP_TYPES)
		flow->present |= CROSSLAT_NL_FLOW_APP;
	if (np.seen & BIT64(CROSSLAT_FLOW_A_THRESH_NS))
		flow->present |= CROSSLAT_NL_FLOW_THRESH;
	return 0;
fail:
	memset(flow, 0, sizeof(*flow));
	return err;
}

#define THRESH_FIELD(type, kind, member) \
	[type] = { kind, offsetof(struct crosslat_nl_thresh, member) }

static const struct field thresh_fields[] = {
	THRESH_FIELD(CROSSLAT_THRESH_A_NETNS_INUM,	F_U32,	netns_inum),
	THRESH_FIELD(CROSSLAT_THRESH_A_FAMILY,		F_U8,	family),
	THRESH_FIELD(CROSSLAT_THRESH_A_PREFIX,		F_ADDR,	prefix),
	THRESH_FIELD(CROSSLAT_THRESH_A_PREFIX_LEN,	F_U8,	prefix_len),
	THRESH_FIELD(CROSSLAT_THRESH_A_PORT,		F_U16,	port),
	THRESH_FIELD(CROSSLAT_THRESH_A_RTT_NS,		F_U64,	rtt_ns),
};

_Static_assert(ARRAY_SIZE(thresh_fields) <= NEST_TYPES, "thresh attributes exceed nest_parse.seen");

#define THRESH_PREFIX_TYPES (BIT64(CROSSLAT_THRESH_A_FAMILY) | BIT64(CROSSLAT_THRESH_A_PREFIX) | \
			     BIT64(CROSSLAT_THRESH_A_PREFIX_LEN))

int crosslat_nl_parse_thresh(const struct nlmsghdr *nlh, struct crosslat_nl_thresh *th)
{
	struct nest_parse np = {
		.fields = thresh_fields,
		.nr = ARRAY_SIZE(thresh_fields),
		.out = th,
	};
	int err;

	memset(th, 0, sizeof(*th));
	err = parse_nest_msg(nlh, CROSSLAT_CMD_THRESH_GET, CROSSLAT_A_THRESH, &np);
	if (err)
		goto fail;
	err = -ENODATA;
	if (!(np.seen & BIT64(CROSSLAT_THRESH_A_RTT_NS)))
		goto fail;
	err = -EBADMSG;
	if (!whole_or_none(np.seen, THRESH_PREFIX_TYPES))
		goto fail;
	if (np.seen & BIT64(CROSSLAT_THRESH_A_NETNS_INUM))
		th->present |= CROSSLAT_NL_THRESH_NETNS;
	if (np.seen & THRESH_PREFIX_TYPES) {
		if (np.addr_len[CROSSLAT_THRESH_A_PREFIX] != addr_size(th->family))
			goto fail;
		th->present |= CROSSLAT_NL_THRESH_PREFIX;
	}
	if (np.seen & BIT64(CROSSLAT_THRESH_A_PORT))
		th->present |= CROSSLAT_NL_THRESH_PORT;
	if (crosslat_nl_check_thresh(th, true))
		goto fail;
	return 0;
fail:
	memset(th, 0, sizeof(*th));
	return err;
}

#define TUPLE_FIELD(type, kind, member) \
	[type] = { kind, offsetof(struct crosslat_nl_tuple, member) }

static const struct field tuple_fields[] = {
	TUPLE_FIELD(CROSSLAT_TUPLE_A_FAMILY,	F_U8,	family),
	TUPLE_FIELD(CROSSLAT_TUPLE_A_PROTO,	F_U8,	proto),
	TUPLE_FIELD(CROSSLAT_TUPLE_A_SADDR,	F_ADDR,	saddr),
	TUPLE_FIELD(CROSSLAT_TUPLE_A_DADDR,	F_ADDR,	daddr),
	TUPLE_FIELD(CROSSLAT_TUPLE_A_SPORT,	F_U16,	sport),
	TUPLE_FIELD(CROSSLAT_TUPLE_A_DPORT,	F_U16,	dport),
};

_Static_assert(ARRAY_SIZE(tuple_fields) <= NEST_TYPES, "tuple attributes exceed nest_parse.seen");

#define TUPLE_PORT_TYPES (BIT64(CROSSLAT_TUPLE_A_SPORT) | BIT64(CROSSLAT_TUPLE_A_DPORT))

/* The CROSSLAT_TUPLE_A_* nest of len bytes at attrs into t (see crosslat_nl_parse_map()). */
static int parse_tuple(const void *attrs, size_t len, struct crosslat_nl_tuple *t)
{
	struct nest_parse np = {
		.fields = tuple_fields,
		.nr = ARRAY_SIZE(tuple_fields),
		.out = t,
	};
	uint64_t required = table_types(tuple_fields, ARRAY_SIZE(tuple_fields)) & ~TUPLE_PORT_TYPES;
	unsigned int size;
	int err;

	memset(t, 0, sizeof(*t));
	err = walk_attrs(attrs, len, nest_field, &np);
	if (err)
		return err;
	if ((np.seen & required) != required)
		return -ENODATA;
	size = addr_size(t->family);
	if (!size || np.addr_len[CROSSLAT_TUPLE_A_SADDR] != size ||
	    np.addr_len[CROSSLAT_TUPLE_A_DADDR] != size ||
	    !whole_or_none(np.seen, TUPLE_PORT_TYPES))
		return -EBADMSG;
	t->has_ports = np.seen & TUPLE_PORT_TYPES;
	if (!t->has_ports && (t->proto == IPPROTO_TCP || t->proto == IPPROTO_UDP))
		return -EBADMSG;
	return 0;
}

#define MAP_FIELD(type, kind, member) \
	[type] = { kind, offsetof(struct crosslat_nl_map, member) }

static const struct field map_fields[] = {
	MAP_FIELD(CROSSLAT_MAP_A_NETNS_COOKIE,	F_U64,		netns_cookie),
	MAP_FIELD(CROSSLAT_MAP_A_NETNS_INUM,	F_U32,		netns_inum),
	MAP_FIELD(CROSSLAT_MAP_A_DIR,		F_U8,		dir),
	MAP_FIELD(CROSSLAT_MAP_A_TUNNEL,	F_U8,		tunnel),
	MAP_FIELD(CROSSLAT_MAP_A_VNI,		F_U32,		vni),
	MAP_FIELD(CROSSLAT_MAP_A_INNER,		F_TUPLE,	inner),
	MAP_FIELD(CROSSLAT_MAP_A_OUTER,		F_TUPLE,	outer),
	MAP_FIELD(CROSSLAT_MAP_A_FIRST_NS,	F_U64,		first_ns),
	MAP_FIELD(CROSSLAT_MAP_A_LAST_NS,	F_U64,		last_ns),
	MAP_FIELD(CROSSLAT_MAP_A_PACKETS,	F_U64,		packets),
	MAP_FIELD(CROSSLAT_MAP_A_BYTES,		F_U64,		bytes),
	MAP_FIELD(CROSSLAT_MAP_A_NAT,		F_U8,		nat),
	MAP_FIELD(CROSSLAT_MAP_A_POD_NETNS_COOKIE, F_U64,	pod.netns_cookie),
	MAP_FIELD(CROSSLAT_MAP_A_POD_NETNS_INUM, F_U32,		pod.netns_inum),
	MAP_FIELD(CROSSLAT_MAP_A_POD_CGROUP_ID,	F_U64,		pod.cgroup_id),
	MAP_FIELD(CROSSLAT_MAP_A_POD_PID,	F_U32,		pod.pid),
	MAP_FIELD(CROSSLAT_MAP_A_POD_COMM,	F_COMM,		pod.comm),
};

_Static_assert(ARRAY_SIZE(map_fields) <= NEST_TYPES, "map attributes exceed nest_parse.seen");

#define VNI_MAX		0xffffffu

/* The outer tuple fits the tunnel that carried the inner one. */
static bool outer_fits(const struct crosslat_nl_map *m)
{
	const struct crosslat_nl_tuple *o = &m->outer;

	if (m->tunnel != CROSSLAT_MAP_TUNNEL_IPIP)
		return o->proto == IPPROTO_UDP;
	if (o->has_ports)
		return false;
	return (o->proto == IPPROTO_IPIP && m->inner.family == AF_INET) ||
	       (o->proto == IPPROTO_IPV6 && m->inner.family == AF_INET6);
}

#define MAP_POD_TYPES	(BIT64(CROSSLAT_MAP_A_POD_NETNS_COOKIE) |	\
			 BIT64(CROSSLAT_MAP_A_POD_NETNS_INUM) | BIT64(CROSSLAT_MAP_A_POD_CGROUP_ID))
#define MAP_PID_TYPES	(BIT64(CROSSLAT_MAP_A_POD_PID) | BIT64(CROSSLAT_MAP_A_POD_COMM))
#define MAP_NAT_ALL	(CROSSLAT_MAP_NAT_SRC | CROSSLAT_MAP_NAT_DST)

/* A NAT mapping: TCP or UDP, both tuples of the same family and protocol, a translation. */
static bool nat_fits(const struct crosslat_nl_map *m, uint64_t seen)
{
	const struct crosslat_nl_tuple *i = &m->inner, *o = &m->outer;

	if (!(seen & BIT64(CROSSLAT_MAP_A_NAT)) || !m->nat || (m->nat & ~MAP_NAT_ALL) ||
	    m->tunnel || (seen & BIT64(CROSSLAT_MAP_A_VNI)))
		return false;
	return (i->proto == IPPROTO_TCP || i->proto == IPPROTO_UDP) &&
	       i->family == o->family && i->proto == o->proto;
}

/* A tunnel mapping: a known tunnel, a VNI exactly for VXLAN and GENEVE. */
static int tunnel_fits(const struct crosslat_nl_map *m, uint64_t seen)
{
	bool vni;

	if (seen & BIT64(CROSSLAT_MAP_A_NAT))
		return -EBADMSG;
	switch (m->tunnel) {
	case CROSSLAT_MAP_TUNNEL_VXLAN:
	case CROSSLAT_MAP_TUNNEL_GENEVE:
		vni = true;
		break;
	case CROSSLAT_MAP_TUNNEL_IPIP:
		vni = false;
		break;
	default:
		return -EBADMSG;
	}
	if (vni && !(seen & BIT64(CROSSLAT_MAP_A_VNI)))
		return -ENODATA;
	if ((!vni && (seen & BIT64(CROSSLAT_MAP_A_VNI))) || m->vni > VNI_MAX)
		return -EBADMSG;
	return outer_fits(m) ? 0 : -EBADMSG;
}

int crosslat_nl_parse_map(const struct nlmsghdr *nlh, struct crosslat_nl_map *map)
{
	struct nest_parse np = {
		.fields = map_fields,
		.nr = ARRAY_SIZE(map_fields),
		.out = map,
	};
	uint64_t optional = BIT64(CROSSLAT_MAP_A_VNI) | BIT64(CROSSLAT_MAP_A_NAT) |
			    BIT64(CROSSLAT_MAP_A_TUNNEL) | MAP_POD_TYPES | MAP_PID_TYPES;
	uint64_t required = table_types(map_fields, ARRAY_SIZE(map_fields)) & ~optional;
	int err;

	memset(map, 0, sizeof(*map));
	err = parse_nest_msg(nlh, CROSSLAT_CMD_MAP_GET, CROSSLAT_A_MAP, &np);
	if (err)
		goto fail;
	err = -ENODATA;
	if ((np.seen & required) != required)
		goto fail;
	err = -EBADMSG;
	/* the pod's attributes come all or none; its process only with it */
	if (!whole_or_none(np.seen, MAP_POD_TYPES) || !whole_or_none(np.seen, MAP_PID_TYPES) ||
	    ((np.seen & MAP_PID_TYPES) && !(np.seen & MAP_POD_TYPES)))
		goto fail;
	map->pod_known = np.seen & MAP_POD_TYPES;
	if (map->pod_known && !map->pod.netns_cookie)
		goto fail;
	switch (map->dir) {
	case CROSSLAT_MAP_DIR_ENCAP:
	case CROSSLAT_MAP_DIR_DECAP:
		err = -ENODATA;
		if (!(np.seen & BIT64(CROSSLAT_MAP_A_TUNNEL)))
			goto fail;
		err = tunnel_fits(map, np.seen);
		if (err)
			goto fail;
		break;
	case CROSSLAT_MAP_DIR_NAT:
		if (!nat_fits(map, np.seen))
			goto fail;
		break;
	default:
		goto fail;
	}
	return 0;
fail:
	memset(map, 0, sizeof(*map));
	return err;
}

#define CMP(a, b)	(((a) > (b)) - ((a) < (b)))

static int tuple_cmp(const struct crosslat_nl_tuple *a, const struct crosslat_nl_tuple *b)
{
	int c = CMP(a->family, b->family);

	if (!c)
		c = CMP(a->proto, b->proto);
	if (!c)
		c = memcmp(a->saddr, b->saddr, sizeof(a->saddr));
	if (!c)
		c = memcmp(a->daddr, b->daddr, sizeof(a->daddr));
	if (!c)
		c = CMP(a->has_ports, b->has_ports);
	if (!c)
		c = CMP(a->sport, b->sport);
	if (!c)
		c = CMP(a->dport, b->dport);
	return c;
}

int crosslat_nl_map_key_cmp(const struct crosslat_nl_map *a, const struct crosslat_nl_map *b)
{
	int c = CMP(a->netns_cookie, b->netns_cookie);

	if (!c)
		c = CMP(a->dir, b->dir);
	return c ? c : tuple_cmp(&a->inner, &b->inner);
}

/* By identity, then the latest snapshot first. */
static int map_snapshot_cmp(const void *pa, const void *pb)
{
	const struct crosslat_nl_map *a = pa, *b = pb;
	int c = crosslat_nl_map_key_cmp(a, b);

	if (!c)
		c = CMP(b->last_ns, a->last_ns);
	return c ? c : CMP(b->packets, a->packets);
}

size_t crosslat_nl_maps_dedupe(struct crosslat_nl_map *v, size_t nr)
{
	size_t i, out = 0;

	if (!nr)
		return 0;
	qsort(v, nr, sizeof(*v), map_snapshot_cmp);
	for (i = 1; i < nr; i++)
		if (crosslat_nl_map_key_cmp(&v[out], &v[i]))
			v[++out] = v[i];
	return out + 1;
}

static int ack_attr(const struct nlattr *attr, void *data)
{
	const char **ext_msg = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
		*ext_msg = attr_str(attr, mnl_attr_get_payload_len(attr));
	return 0;
}

int crosslat_nl_parse_ack(const struct nlmsghdr *nlh, int *error, const char **ext_msg)
{
	const struct nlmsgerr *err;
	size_t off, len;

	*ext_msg = NULL;
	if (nlh->nlmsg_type != NLMSG_ERROR)
		return -EPROTO;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*err))
		return -EBADMSG;
	len = nlh->nlmsg_len - MNL_NLMSG_HDRLEN;
	err = mnl_nlmsg_get_payload(nlh);
	*error = err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;

	/* TLVs follow the echoed request: its header only when capped, else all of it. */
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < MNL_NLMSG_HDRLEN)
			return 0;
		off += err->msg.nlmsg_len - MNL_NLMSG_HDRLEN;
	}
	off = MNL_ALIGN(off);
	/* A malformed extended ACK only costs the message: the error code stands. */
	if (off > len || walk_attrs((const char *)err + off, len - off, ack_attr, ext_msg))
		*ext_msg = NULL;
	return 0;
}

int crosslat_nl_parse_done(const struct nlmsghdr *nlh, int *error, const char **ext_msg)
{
	const char *payload = mnl_nlmsg_get_payload(nlh);
	size_t len, off = MNL_ALIGN(sizeof(int));

	*error = 0;
	*ext_msg = NULL;
	if (nlh->nlmsg_type != NLMSG_DONE)
		return -EPROTO;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(int))
		return -EBADMSG;
	len = nlh->nlmsg_len - MNL_NLMSG_HDRLEN;
	memcpy(error, payload, sizeof(int));
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off > len)
		return 0;
	if (walk_attrs(payload + off, len - off, ack_attr, ext_msg))
		*ext_msg = NULL;
	return 0;
}

/* ---- requests ---- */

/*
 * One request and its replies. A plain request ends at its NLMSG_ERROR (the ACK), a dump
 * at NLMSG_DONE or an NLMSG_ERROR. Each data message goes to parse (NULL: none expected).
 */
struct txn {
	struct crosslat_nl *nl;
	uint16_t reply_type;
	bool dump;
	int (*parse)(const struct nlmsghdr *nlh, struct txn *t);
	void *out;			/* plain requests: where parse decodes the reply */
	crosslat_nl_flow_cb flow_cb;	/* dumps: the caller's callback and its argument */
	crosslat_nl_thresh_cb thresh_cb;
	crosslat_nl_map_cb map_cb;
	crosslat_nl_msg_cb msg_cb;
	void *arg;
	unsigned int replies;
	int parse_err;			/* first decoder or callback error: later data skipped */
	int error;			/* the kernel's */
	bool intr;			/* a message had NLM_F_DUMP_INTR */
	bool done;
};

static void save_ext_msg(struct crosslat_nl *nl, const char *msg)
{
	if (msg)
		snprintf(nl->ext_msg, sizeof(nl->ext_msg), "%s", msg);
}

static void txn_msg(const struct nlmsghdr *nlh, struct txn *t)
{
	const char *msg = NULL;
	int err;

	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		err = crosslat_nl_parse_ack(nlh, &t->error, &msg);
		goto end;
	case NLMSG_DONE:
		err = t->dump ? crosslat_nl_parse_done(nlh, &t->error, &msg) : 0;
		goto end;
	case NLMSG_OVERRUN:
		err = -EOVERFLOW;
		goto end;
	}
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		return;		/* NLMSG_NOOP, reserved types */
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		t->intr = true;
	if (t->parse_err)
		return;
	if (!t->parse || nlh->nlmsg_type != t->reply_type || (!t->dump && t->replies))
		err = -EPROTO;
	else
		err = t->parse(nlh, t);
	t->replies++;
	if (err)
		t->parse_err = err;
	return;

end:
	if (err)
		t->error = err;
	save_ext_msg(t->nl, msg);
	t->done = true;
}

/*
 * Sends the len-byte request in nl->req and reads its replies to the end. Messages of
 * another sequence number (left over by an earlier request) and datagrams from anyone but
 * the kernel are dropped.
 */
static int transact(struct crosslat_nl *nl, int len, struct txn *t)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)nl->req;
	struct sockaddr_storage from;
	const struct nlmsghdr *nlh;
	struct iovec iov = { .iov_base = nl->rx, .iov_len = sizeof(nl->rx) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	int rem;

	nl->ext_msg[0] = '\0';
	if (send(nl->fd, nl->req, len, MSG_NOSIGNAL) != len)
		return errno ? -errno : -EIO;
	while (!t->done) {
		mh.msg_name = &from;
		mh.msg_namelen = sizeof(from);
		n = recvmsg(nl->fd, &mh, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ECONNRESET;
		if (mh.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		if (mh.msg_namelen >= sizeof(struct sockaddr_nl) && from.ss_family == AF_NETLINK &&
		    ((struct sockaddr_nl *)&from)->nl_pid != 0)
			continue;
		rem = n;	/* at most sizeof(nl->rx) */
		for (nlh = (const struct nlmsghdr *)nl->rx; mnl_nlmsg_ok(nlh, rem);
		     nlh = mnl_nlmsg_next(nlh, &rem)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq)
				continue;
			txn_msg(nlh, t);
			if (t->done)
				break;
		}
		/* Bytes left that do not make a message: nothing after them can be trusted. */
		if (!t->done && rem > 0)
			return -EBADMSG;
	}

	if (t->error)
		return t->error;
	if (t->intr)
		return -EINTR;
	if (t->parse_err)
		return t->parse_err;
	if (t->parse && !t->dump && !t->replies)
		return -ENODATA;
	return 0;
}

static int parse_family_cb(const struct nlmsghdr *nlh, struct txn *t)
{
	return crosslat_nl_parse_family(nlh, t->out);
}

static int parse_stats_cb(const struct nlmsghdr *nlh, struct txn *t)
{
	return crosslat_nl_parse_stats(nlh, t->out);
}

static int parse_flow_cb(const struct nlmsghdr *nlh, struct txn *t)
{
	struct crosslat_nl_flow flow;
	int err;

	err = crosslat_nl_parse_flow(nlh, &flow);
	if (err)
		return err;
	err = t->flow_cb(&flow, t->arg);
	return err < 0 ? err : 0;
}

static int parse_thresh_cb(const struct nlmsghdr *nlh, struct txn *t)
{
	struct crosslat_nl_thresh th;
	int err;

	err = crosslat_nl_parse_thresh(nlh, &th);
	if (err)
		return err;
	err = t->thresh_cb(&th, t->arg);
	return err < 0 ? err : 0;
}

static int parse_map_cb(const struct nlmsghdr *nlh, struct txn *t)
{
	struct crosslat_nl_map map;
	int err;

	err = crosslat_nl_parse_map(nlh, &map);
	if (err)
		return err;
	err = t->map_cb(&map, t->arg);
	return err < 0 ? err : 0;
}

static int msg_cb(const struct nlmsghdr *nlh, struct txn *t)
{
	int err = t->msg_cb(nlh, t->arg);

	return err < 0 ? err : 0;
}

static struct crosslat_nl *nl_alloc(void)
{
	return calloc(1, sizeof(struct crosslat_nl));
}

int crosslat_nl_open(struct crosslat_nl **nlp)
{
	struct txn t = { .reply_type = GENL_ID_CTRL, .parse = parse_family_cb };
	struct crosslat_nl *nl;
	int one = 1;
	int err;

	nl = nl_alloc();
	if (!nl)
		return -ENOMEM;
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock) {
		err = -errno;
		goto err_free;
	}
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto err_sock;
	}
	/* Best effort: older kernels lack them and still answer. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->fd = mnl_socket_get_fd(nl->sock);
	nl->seq = (uint32_t)time(NULL);

	t.nl = nl;
	t.out = &nl->family;
	err = crosslat_nl_build_getfamily(nl->req, sizeof(nl->req), ++nl->seq);
	if (err < 0)
		goto err_sock;
	err = transact(nl, err, &t);
	if (err)
		goto err_sock;
	*nlp = nl;
	return 0;

err_sock:
	mnl_socket_close(nl->sock);
err_free:
	free(nl);
	return err;
}

int crosslat_nl_open_fd(struct crosslat_nl **nlp, int fd, uint16_t family)
{
	struct crosslat_nl *nl = nl_alloc();

	if (!nl) {
		close(fd);
		return -ENOMEM;
	}
	nl->fd = fd;
	nl->family = family;
	*nlp = nl;
	return 0;
}

void crosslat_nl_close(struct crosslat_nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	else
		close(nl->fd);
	free(nl);
}

int crosslat_nl_get_stats(struct crosslat_nl *nl, struct crosslat_nl_stats *st)
{
	struct txn t = {
		.nl = nl,
		.reply_type = nl->family,
		.parse = parse_stats_cb,
		.out = st,
	};
	int len;

	len = crosslat_nl_build_get_stats(nl->req, sizeof(nl->req), nl->family, ++nl->seq);
	if (len < 0)
		return len;
	return transact(nl, len, &t);
}

int crosslat_nl_mark(struct crosslat_nl *nl, uint64_t id, const char *label)
{
	struct txn t = { .nl = nl };
	int len;

	len = crosslat_nl_build_mark(nl->req, sizeof(nl->req), nl->family, ++nl->seq, id, label);
	if (len < 0)
		return len;
	return transact(nl, len, &t);
}

int crosslat_nl_flows(struct crosslat_nl *nl, crosslat_nl_flow_cb cb, void *arg)
{
	struct txn t = {
		.nl = nl,
		.reply_type = nl->family,
		.dump = true,
		.parse = parse_flow_cb,
		.flow_cb = cb,
		.arg = arg,
	};
	int len;

	len = crosslat_nl_build_flow_dump(nl->req, sizeof(nl->req), nl->family, ++nl->seq);
	if (len < 0)
		return len;
	return transact(nl, len, &t);
}

int crosslat_nl_thresh_list(struct crosslat_nl *nl, crosslat_nl_thresh_cb cb, void *arg)
{
	struct txn t = {
		.nl = nl,
		.reply_type = nl->family,
		.dump = true,
		.parse = parse_thresh_cb,
		.thresh_cb = cb,
		.arg = arg,
	};
	int len;

	len = crosslat_nl_build_thresh_dump(nl->req, sizeof(nl->req), nl->family, ++nl->seq);
	if (len < 0)
		return len;
	return transact(nl, len, &t);
}

int crosslat_nl_maps(struct crosslat_nl *nl, crosslat_nl_map_cb cb, void *arg)
{
	struct txn t = {
		.nl = nl,
		.reply_type = nl->family,
		.dump = true,
		.parse = parse_map_cb,
		.map_cb = cb,
		.arg = arg,
	};
	int len;

	len = crosslat_nl_build_map_dump(nl->req, sizeof(nl->req), nl->family, ++nl->seq);
	if (len < 0)
		return len;
	return transact(nl, len, &t);
}

int crosslat_nl_thresh_set(struct crosslat_nl *nl, const struct crosslat_nl_thresh *th)
{
	struct txn t = { .nl = nl };
	int len;

	len = crosslat_nl_build_thresh_set(nl->req, sizeof(nl->req), nl->family, ++nl->seq, th);
	if (len < 0)
		return len;
	return transact(nl, len, &t);
}

int crosslat_nl_thresh_del(struct crosslat_nl *nl, const struct crosslat_nl_thresh *sel)
{
	struct txn t = { .nl = nl };
	int len;

	len = crosslat_nl_build_thresh_del(nl->req, sizeof(nl->req), nl->family, ++nl->seq, sel);
	if (len < 0)
		return len;
	return transact(nl, len, &t);
}

int crosslat_nl_thresh_flush(struct crosslat_nl *nl)
{
	struct txn t = { .nl = nl };
	int len;

	len = crosslat_nl_build_thresh_flush(nl->req, sizeof(nl->req), nl->family, ++nl->seq);
	if (len < 0)
		return len;
	return transact(nl, len, &t);
}

struct nlmsghdr *crosslat_nl_req_start(struct crosslat_nl *nl, uint8_t cmd, bool dump)
{
	struct nlmsghdr *nlh = put_genl_header(nl->req, nl->family, cmd, CROSSLAT_GENL_VERSION,
					       ++nl->seq);

	if (dump)
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	return nlh;
}

int crosslat_nl_req_run(struct crosslat_nl *nl, const struct nlmsghdr *nlh, crosslat_nl_msg_cb cb,
			void *arg)
{
	struct txn t = {
		.nl = nl,
		.reply_type = nl->family,
		.dump = nlh->nlmsg_flags & NLM_F_DUMP,
		.parse = cb ? msg_cb : NULL,
		.msg_cb = cb,
		.arg = arg,
	};

	if ((const void *)nlh != (const void *)nl->req || nlh->nlmsg_len > sizeof(nl->req))
		return -ENOBUFS;
	return transact(nl, nlh->nlmsg_len, &t);
}

const char *crosslat_nl_ext_msg(const struct crosslat_nl *nl)
{
	return nl->ext_msg[0] ? nl->ext_msg : NULL;
}

/*
 * Explains a failed request on stderr, with the kernel's extended-ACK message if any.
 * module: the module serving the command ("crosslat_rtt"...), or NULL for crosslat.ko; nl
 * NULL: the family was not found (err -ENOENT).
 */
void crosslat_nl_report(const char *what, const struct crosslat_nl *nl, int err, const char *module)
{
	const char *ext = nl ? crosslat_nl_ext_msg(nl) : NULL;

	switch (err) {
	case -ENOENT:
		if (nl)
			break;
		fprintf(stderr, PROG ": crosslat module not loaded (generic netlink family \"%s\" not found)\n",
			CROSSLAT_GENL_NAME);
		return;
	case -EPERM:
		fprintf(stderr, PROG ": %s: permission denied (it needs CAP_NET_ADMIN; try sudo)\n",
			what);
		return;
	case -EOPNOTSUPP:
		if (!module) {
			fprintf(stderr, PROG ": %s: the loaded crosslat module lacks this command (is it older?)\n",
				what);
			return;
		}
		fprintf(stderr, PROG ": %s: %s module not loaded (the kernel answered: %s%s%s).\n"
			"Load it with `modprobe %s`, or `insmod %s.ko` from the build tree;\n"
			"a crosslat.ko older than this " PROG " answers the same.\n",
			what, module, strerror(-err), ext ? ": " : "", ext ? ext : "", module, module);
		return;
	case -EINTR:
		fprintf(stderr, PROG ": %s: the kernel's table kept changing during the dump; try again\n",
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
