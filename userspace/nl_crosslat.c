// SPDX-License-Identifier: GPL-2.0-only
/* Client side of the "crosslat" generic netlink family: message encode/decode and requests. */

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/crosslat.h>

#include "nl_crosslat.h"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define EXT_MSG_MAX		256
#define RX_BUF_SIZE		16384

struct crosslat_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	char ext_msg[EXT_MSG_MAX];
	_Alignas(NLMSG_ALIGNTO) char req[CROSSLAT_NL_REQ_MAX];
	_Alignas(NLMSG_ALIGNTO) char rx[RX_BUF_SIZE];
};

static const char *const stat_names[__CROSSLAT_STAT_MAX] = {
	[CROSSLAT_STAT_MARKS]		= "marks",
	[CROSSLAT_STAT_NL_INVALID]	= "nl_invalid",
};

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

/* ---- requests ---- */

struct txn {
	struct crosslat_nl *nl;
	uint16_t reply_type;
	int (*parse)(const struct nlmsghdr *nlh, void *out);	/* NULL: no reply expected */
	void *out;
	unsigned int replies;
	int parse_err;
	int error;
};

static int txn_data(const struct nlmsghdr *nlh, void *data)
{
	struct txn *t = data;
	int err;

	if (!t->parse || nlh->nlmsg_type != t->reply_type || t->replies++)
		err = -EPROTO;
	else
		err = t->parse(nlh, t->out);
	if (err && !t->parse_err)
		t->parse_err = err;
	return MNL_CB_OK;
}

static int txn_error(const struct nlmsghdr *nlh, void *data)
{
	struct txn *t = data;
	const char *msg;
	int err;

	err = crosslat_nl_parse_ack(nlh, &t->error, &msg);
	if (err)
		t->error = err;
	else if (msg)
		snprintf(t->nl->ext_msg, sizeof(t->nl->ext_msg), "%s", msg);
	return MNL_CB_STOP;
}

static int txn_done(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_STOP;
}

static int txn_overrun(const struct nlmsghdr *nlh, void *data)
{
	struct txn *t = data;

	(void)nlh;
	t->error = -EOVERFLOW;
	return MNL_CB_STOP;
}

/* Not const: mnl_cb_run2() takes a non-const array. */
static mnl_cb_t txn_ctl[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR]	= txn_error,
	[NLMSG_DONE]	= txn_done,
	[NLMSG_OVERRUN]	= txn_overrun,
};

/* Sends the len-byte request in nl->req and reads up to its ACK. */
static int transact(struct crosslat_nl *nl, int len, struct txn *t)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)nl->req;
	ssize_t n;
	int ret;

	nl->ext_msg[0] = '\0';
	if (mnl_socket_sendto(nl->sock, nl->req, len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, nl->rx, sizeof(nl->rx));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		errno = 0;
		ret = mnl_cb_run2(nl->rx, n, req->nlmsg_seq, nl->portid, txn_data, t,
				  txn_ctl, ARRAY_SIZE(txn_ctl));
		if (ret < 0)
			return errno ? -errno : -EPROTO;
		if (ret == MNL_CB_STOP)
			break;
	}

	if (t->error)
		return t->error;
	if (t->parse_err)
		return t->parse_err;
	if (t->parse && !t->replies)
		return -ENODATA;
	return 0;
}

static int parse_family_cb(const struct nlmsghdr *nlh, void *out)
{
	return crosslat_nl_parse_family(nlh, out);
}

static int parse_stats_cb(const struct nlmsghdr *nlh, void *out)
{
	return crosslat_nl_parse_stats(nlh, out);
}

int crosslat_nl_open(struct crosslat_nl **nlp)
{
	struct txn t = { .reply_type = GENL_ID_CTRL, .parse = parse_family_cb };
	struct crosslat_nl *nl;
	int one = 1;
	int err;

	nl = calloc(1, sizeof(*nl));
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
	nl->portid = mnl_socket_get_portid(nl->sock);
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

void crosslat_nl_close(struct crosslat_nl *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->sock);
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

const char *crosslat_nl_ext_msg(const struct crosslat_nl *nl)
{
	return nl->ext_msg[0] ? nl->ext_msg : NULL;
}
