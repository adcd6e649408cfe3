// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of userspace/nl_crosslat.c: hand-built netlink messages in, decoded values out. */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/crosslat.h>

#include "nl_crosslat.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define FAMILY		0x1c
#define SEQ		0x1234

/* Each test returns 0, or -1 after CHECK printed why. */
#define CHECK(cond) do {							\
	if (!(cond)) {								\
		fprintf(stderr, "# %s:%d: CHECK(%s) failed\n",			\
			__FILE__, __LINE__, #cond);				\
		return -1;							\
	}									\
} while (0)

#define CHECK_EQ(a, b) do {							\
	long long _a = (long long)(a), _b = (long long)(b);			\
	if (_a != _b) {								\
		fprintf(stderr, "# %s:%d: %s == %lld, expected %s == %lld\n",	\
			__FILE__, __LINE__, #a, _a, #b, _b);			\
		return -1;							\
	}									\
} while (0)

static _Alignas(8) char buf[16384];
static struct crosslat_nl_stats st;

/* ---- message builders (the kernel's side) ---- */

static struct nlmsghdr *genl_msg(uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = SEQ;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = CROSSLAT_GENL_VERSION;
	return nlh;
}

/* A GET_STATS reply: version "1.2.3", marks 7, nl_invalid 3. */
static struct nlmsghdr *stats_reply(void)
{
	struct nlmsghdr *nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, "1.2.3");
	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_STATS);
	mnl_attr_put_u64(nlh, CROSSLAT_STAT_MARKS, 7);
	mnl_attr_put_u64(nlh, CROSSLAT_STAT_NL_INVALID, 3);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static struct nlattr *find_attr(const struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == type)
			return attr;
	return NULL;
}

static unsigned int count_attrs(const struct nlmsghdr *nlh)
{
	const struct nlattr *attr;
	unsigned int n = 0;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		n++;
	return n;
}

static uint64_t stat_of(uint16_t type)
{
	uint64_t v = UINT64_MAX;

	crosslat_nl_stats_get(&st, type, &v);
	return v;
}

/* ---- GET_STATS reply decoding ---- */

static int stats_valid(void)
{
	CHECK_EQ(crosslat_nl_parse_stats(stats_reply(), &st), 0);
	CHECK(!strcmp(st.version, "1.2.3"));
	CHECK_EQ(st.nr, 2);
	CHECK_EQ(stat_of(CROSSLAT_STAT_MARKS), 7);
	CHECK_EQ(stat_of(CROSSLAT_STAT_NL_INVALID), 3);
	CHECK_EQ(st.stat[0].type, CROSSLAT_STAT_MARKS);
	CHECK_EQ(crosslat_nl_stats_get(&st, 99, &(uint64_t){ 0 }), -ENOENT);
	return 0;
}

static int stats_full_u64(void)
{
	struct nlmsghdr *nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_STATS);
	mnl_attr_put_u64(nlh, CROSSLAT_STAT_MARKS, UINT64_MAX);
	mnl_attr_put_u64(nlh, CROSSLAT_STAT_NL_INVALID, 0x0123456789abcdefULL);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, "");
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), 0);
	CHECK(st.stat[0].value == UINT64_MAX);
	CHECK(st.stat[1].value == 0x0123456789abcdefULL);
	CHECK(!strcmp(st.version, ""));
	return 0;
}

static int stats_unknown_kept(void)
{
	struct nlmsghdr *nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	struct nlattr *nest;

	mnl_attr_put_u32(nlh, 200, 5);				/* unknown top-level: ignored */
	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, "9.9");
	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_STATS);
	mnl_attr_put_u64(nlh, CROSSLAT_STAT_MARKS, 1);
	mnl_attr_put_u64(nlh, 77, 1234);			/* a newer kernel's counter */
	mnl_attr_nest_end(nlh, nest);
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), 0);
	CHECK_EQ(st.nr, 2);
	CHECK_EQ(st.stat[1].type, 77);
	CHECK_EQ(stat_of(77), 1234);
	CHECK(crosslat_nl_stat_name(77) == NULL);
	return 0;
}

static int stats_pad_skipped(void)
{
	struct nlmsghdr *nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	struct nlattr *nest;

	mnl_attr_put(nlh, CROSSLAT_A_PAD, 0, NULL);
	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, "1");
	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_STATS);
	mnl_attr_put(nlh, CROSSLAT_STAT_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, CROSSLAT_STAT_MARKS, 5);
	mnl_attr_put(nlh, CROSSLAT_STAT_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, CROSSLAT_STAT_NL_INVALID, 6);
	mnl_attr_nest_end(nlh, nest);
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), 0);
	CHECK_EQ(st.nr, 2);
	CHECK_EQ(stat_of(CROSSLAT_STAT_MARKS), 5);
	CHECK_EQ(stat_of(CROSSLAT_STAT_NL_INVALID), 6);
	return 0;
}

static int stats_empty_nest(void)
{
	struct nlmsghdr *nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);

	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, "1");
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CROSSLAT_A_STATS));
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), 0);
	CHECK_EQ(st.nr, 0);
	return 0;
}

static int stats_nested_flag_optional(void)
{
	struct nlmsghdr *nlh = stats_reply();
	struct nlattr *nest = find_attr(nlh, CROSSLAT_A_STATS);

	CHECK(nest);
	nest->nla_type ^= NLA_F_NESTED;
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), 0);
	nest->nla_type ^= NLA_F_NESTED;
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), 0);
	CHECK_EQ(stat_of(CROSSLAT_STAT_MARKS), 7);
	return 0;
}

/* The last attribute may lack its alignment padding. */
static int stats_unpadded_tail(void)
{
	struct nlmsghdr *nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);

	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CROSSLAT_A_STATS));
	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, "abcd");	/* 9-byte attribute */
	nlh->nlmsg_len -= 3;
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), 0);
	CHECK(!strcmp(st.version, "abcd"));
	return 0;
}

static int stats_truncated_message(void)
{
	struct nlmsghdr *nlh = stats_reply();
	uint32_t full = nlh->nlmsg_len, len;

	/* Every cut inside the attributes loses part of one: all must be refused. */
	for (len = full - 1; len > MNL_NLMSG_HDRLEN + GENL_HDRLEN; len--) {
		nlh->nlmsg_len = len;
		if (crosslat_nl_parse_stats(nlh, &st) == 0) {
			fprintf(stderr, "# accepted at nlmsg_len %u of %u\n", len, full);
			return -1;
		}
	}
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + GENL_HDRLEN - 1;
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -EBADMSG);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + GENL_HDRLEN;
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -ENODATA);
	return 0;
}

static int stats_truncated_nested(void)
{
	struct nlmsghdr *nlh = stats_reply();
	struct nlattr *nest = find_attr(nlh, CROSSLAT_A_STATS);
	struct nlattr *counter;

	CHECK(nest);
	counter = mnl_attr_get_payload(nest);
	counter->nla_len += 8;				/* runs past the nest */
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -EBADMSG);
	counter->nla_len = 2;				/* shorter than its own header */
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -EBADMSG);
	counter->nla_len = 4 + 8;
	nest->nla_len -= 2;				/* nest cuts the last counter */
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -EBADMSG);
	return 0;
}

static int stats_bad_counter_size(void)
{
	struct nlmsghdr *nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	struct nlattr *nest;
	char twelve[12] = { 0 };

	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, "1");
	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_STATS);
	mnl_attr_put_u32(nlh, CROSSLAT_STAT_MARKS, 1);
	mnl_attr_nest_end(nlh, nest);
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -EBADMSG);

	nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, "1");
	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_STATS);
	mnl_attr_put(nlh, 50, sizeof(twelve), twelve);
	mnl_attr_nest_end(nlh, nest);
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -EBADMSG);
	return 0;
}

static int stats_duplicates_refused(void)
{
	struct nlmsghdr *nlh = stats_reply();
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, "again");
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -EBADMSG);

	nlh = stats_reply();
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CROSSLAT_A_STATS));
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -EBADMSG);

	nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, "1");
	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_STATS);
	mnl_attr_put_u64(nlh, CROSSLAT_STAT_MARKS, 1);
	mnl_attr_put_u64(nlh, CROSSLAT_STAT_MARKS, 2);
	mnl_attr_nest_end(nlh, nest);
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -EBADMSG);
	return 0;
}

static int stats_bad_version(void)
{
	struct nlmsghdr *nlh;
	char longv[CROSSLAT_NL_VERSION_MAX + 1];

	nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	mnl_attr_put_str(nlh, CROSSLAT_A_VERSION, "1.0");	/* no NUL */
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CROSSLAT_A_STATS));
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -EBADMSG);

	nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	mnl_attr_put(nlh, CROSSLAT_A_VERSION, 0, NULL);		/* empty */
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CROSSLAT_A_STATS));
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -EBADMSG);

	nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	mnl_attr_put(nlh, CROSSLAT_A_VERSION, 4, "a\0bc");	/* NUL inside */
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CROSSLAT_A_STATS));
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -EBADMSG);

	/* Longest kept: CROSSLAT_NL_VERSION_MAX - 1 characters; one more is refused. */
	memset(longv, 'v', sizeof(longv));
	longv[CROSSLAT_NL_VERSION_MAX - 1] = '\0';
	nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, longv);
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CROSSLAT_A_STATS));
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), 0);
	CHECK_EQ(strlen(st.version), CROSSLAT_NL_VERSION_MAX - 1);

	longv[CROSSLAT_NL_VERSION_MAX - 1] = 'v';
	longv[CROSSLAT_NL_VERSION_MAX] = '\0';
	nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, longv);
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CROSSLAT_A_STATS));
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -EBADMSG);
	return 0;
}

static int stats_missing_or_wrong(void)
{
	struct nlmsghdr *nlh;

	nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, "1");
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -ENODATA);

	nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CROSSLAT_A_STATS));
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -ENODATA);

	nlh = stats_reply();
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd = CROSSLAT_CMD_MARK;
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -EPROTO);
	return 0;
}

static int stats_cap(void)
{
	struct nlmsghdr *nlh = genl_msg(FAMILY, CROSSLAT_CMD_GET_STATS);
	struct nlattr *nest;
	unsigned int i;

	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, "1");
	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_STATS);
	for (i = 0; i < CROSSLAT_NL_STATS_CAP; i++)
		mnl_attr_put_u64(nlh, 2 + i, i);
	mnl_attr_nest_end(nlh, nest);
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), 0);
	CHECK_EQ(st.nr, CROSSLAT_NL_STATS_CAP);
	CHECK_EQ(stat_of(2 + CROSSLAT_NL_STATS_CAP - 1), CROSSLAT_NL_STATS_CAP - 1);

	nest = find_attr(nlh, CROSSLAT_A_STATS);
	mnl_attr_put_u64(nlh, 2 + CROSSLAT_NL_STATS_CAP, 0);
	nest->nla_len += MNL_ATTR_HDRLEN + 8;
	CHECK_EQ(crosslat_nl_parse_stats(nlh, &st), -E2BIG);
	return 0;
}

/*
 * Random corruption of a valid reply: never a crash or an out-of-bounds read (ASan
 * watches), and anything accepted is well-formed.
 */
static int stats_mutations(void)
{
	_Alignas(8) char good[512];
	uint32_t good_len, i, n;
	unsigned int seed = 12345;
	struct nlmsghdr *nlh;

	nlh = stats_reply();
	mnl_attr_put_u64(nlh, 300, 1);
	good_len = nlh->nlmsg_len;
	memcpy(good, buf, good_len);

	for (i = 0; i < 20000; i++) {
		char *msg = malloc(good_len);	/* exact size: ASan flags any overread */
		int err;

		CHECK(msg);
		memcpy(msg, good, good_len);
		for (n = 1 + rand_r(&seed) % 4; n; n--)
			msg[MNL_NLMSG_HDRLEN + rand_r(&seed) % (good_len - MNL_NLMSG_HDRLEN)] =
				rand_r(&seed);
		nlh = (struct nlmsghdr *)msg;
		nlh->nlmsg_len = MNL_NLMSG_HDRLEN +
				 rand_r(&seed) % (good_len - MNL_NLMSG_HDRLEN + 1);
		err = crosslat_nl_parse_stats(nlh, &st);
		free(msg);
		if (err == 0) {
			CHECK(st.nr <= CROSSLAT_NL_STATS_CAP);
			CHECK(strlen(st.version) < sizeof(st.version));
		} else {
			CHECK(err == -EBADMSG || err == -EPROTO || err == -ENODATA);
		}
	}
	return 0;
}

/* ---- request encoding ---- */

static int mark_request(void)
{
	_Alignas(4) char req[CROSSLAT_NL_REQ_MAX];
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct genlmsghdr *genl;
	struct nlattr *attr;
	int len;

	len = crosslat_nl_build_mark(req, sizeof(req), FAMILY, 77, 0xfeedface12345678ULL, "phase-2");
	CHECK(len > 0);
	CHECK_EQ(nlh->nlmsg_len, len);
	CHECK_EQ(nlh->nlmsg_type, FAMILY);
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	CHECK_EQ(nlh->nlmsg_seq, 77);
	genl = mnl_nlmsg_get_payload(nlh);
	CHECK_EQ(genl->cmd, CROSSLAT_CMD_MARK);
	CHECK_EQ(genl->version, CROSSLAT_GENL_VERSION);
	CHECK_EQ(count_attrs(nlh), 2);
	attr = find_attr(nlh, CROSSLAT_A_MARK_ID);
	CHECK(attr);
	CHECK_EQ(mnl_attr_get_payload_len(attr), 8);
	CHECK(mnl_attr_get_u64(attr) == 0xfeedface12345678ULL);
	attr = find_attr(nlh, CROSSLAT_A_MARK_LABEL);
	CHECK(attr);
	CHECK_EQ(mnl_attr_validate(attr, MNL_TYPE_NUL_STRING), 0);
	CHECK(!strcmp(mnl_attr_get_str(attr), "phase-2"));
	CHECK_EQ(mnl_attr_get_payload_len(attr), strlen("phase-2") + 1);
	return 0;
}

static int mark_request_no_label(void)
{
	_Alignas(4) char req[CROSSLAT_NL_REQ_MAX];
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct nlattr *attr;

	CHECK(crosslat_nl_build_mark(req, sizeof(req), FAMILY, 1, 0, NULL) > 0);
	CHECK_EQ(count_attrs(nlh), 1);
	attr = find_attr(nlh, CROSSLAT_A_MARK_ID);
	CHECK(attr);
	CHECK(mnl_attr_get_u64(attr) == 0);
	CHECK(find_attr(nlh, CROSSLAT_A_MARK_LABEL) == NULL);
	return 0;
}

static int mark_label_limit(void)
{
	_Alignas(4) char req[CROSSLAT_NL_REQ_MAX];
	char label[CROSSLAT_MARK_LABEL_MAX + 1];
	struct nlattr *attr;

	memset(label, 'x', sizeof(label));
	label[CROSSLAT_MARK_LABEL_MAX - 1] = '\0';		/* longest allowed */
	CHECK_EQ(crosslat_nl_check_label(label), 0);
	CHECK(crosslat_nl_build_mark(req, sizeof(req), FAMILY, 1, 1, label) > 0);
	attr = find_attr((struct nlmsghdr *)req, CROSSLAT_A_MARK_LABEL);
	CHECK(attr);
	CHECK_EQ(mnl_attr_get_payload_len(attr), CROSSLAT_MARK_LABEL_MAX);

	label[CROSSLAT_MARK_LABEL_MAX - 1] = 'x';
	label[CROSSLAT_MARK_LABEL_MAX] = '\0';			/* one byte too many */
	CHECK_EQ(crosslat_nl_check_label(label), -ENAMETOOLONG);
	CHECK_EQ(crosslat_nl_build_mark(req, sizeof(req), FAMILY, 1, 1, label), -ENAMETOOLONG);
	CHECK_EQ(crosslat_nl_check_label(NULL), 0);
	CHECK_EQ(crosslat_nl_check_label(""), 0);
	return 0;
}

static int requests_small_buffer(void)
{
	_Alignas(4) char req[CROSSLAT_NL_REQ_MAX];

	CHECK_EQ(crosslat_nl_build_mark(req, sizeof(req) - 1, FAMILY, 1, 1, "a"), -ENOBUFS);
	CHECK_EQ(crosslat_nl_build_get_stats(req, 16, FAMILY, 1), -ENOBUFS);
	CHECK_EQ(crosslat_nl_build_getfamily(req, 0, 1), -ENOBUFS);
	return 0;
}

static int get_stats_request(void)
{
	_Alignas(4) char req[CROSSLAT_NL_REQ_MAX];
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct genlmsghdr *genl;
	int len;

	len = crosslat_nl_build_get_stats(req, sizeof(req), FAMILY, 9);
	CHECK_EQ(len, MNL_NLMSG_HDRLEN + GENL_HDRLEN);
	CHECK_EQ(nlh->nlmsg_type, FAMILY);
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	genl = mnl_nlmsg_get_payload(nlh);
	CHECK_EQ(genl->cmd, CROSSLAT_CMD_GET_STATS);
	CHECK_EQ(count_attrs(nlh), 0);
	return 0;
}

static int getfamily_request(void)
{
	_Alignas(4) char req[CROSSLAT_NL_REQ_MAX];
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct nlattr *attr;

	CHECK(crosslat_nl_build_getfamily(req, sizeof(req), 3) > 0);
	CHECK_EQ(nlh->nlmsg_type, GENL_ID_CTRL);
	CHECK_EQ(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd, CTRL_CMD_GETFAMILY);
	attr = find_attr(nlh, CTRL_ATTR_FAMILY_NAME);
	CHECK(attr);
	CHECK(!strcmp(mnl_attr_get_str(attr), CROSSLAT_GENL_NAME));
	return 0;
}

/* ---- controller and ACK decoding ---- */

static int family_reply(void)
{
	struct nlmsghdr *nlh;
	uint16_t id = 0;

	nlh = genl_msg(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, CROSSLAT_GENL_NAME);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x2a);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	CHECK_EQ(crosslat_nl_parse_family(nlh, &id), 0);
	CHECK_EQ(id, 0x2a);

	nlh = genl_msg(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nl80211");
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x2a);
	CHECK_EQ(crosslat_nl_parse_family(nlh, &id), -EPROTO);

	nlh = genl_msg(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, CROSSLAT_GENL_NAME);
	CHECK_EQ(crosslat_nl_parse_family(nlh, &id), -ENODATA);

	nlh = genl_msg(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u32(nlh, CTRL_ATTR_FAMILY_ID, 0x2a);
	CHECK_EQ(crosslat_nl_parse_family(nlh, &id), -EBADMSG);

	nlh = genl_msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x2a);
	CHECK_EQ(crosslat_nl_parse_family(nlh, &id), -EPROTO);

	nlh = genl_msg(FAMILY, CTRL_CMD_NEWFAMILY);
	CHECK_EQ(crosslat_nl_parse_family(nlh, &id), -EPROTO);
	return 0;
}

/* An NLMSG_ERROR answering a request of req_payload bytes, echoed unless capped. */
static struct nlmsghdr *error_msg(int error, size_t req_payload, bool capped)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *err;
	size_t echo = capped ? 0 : req_payload;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	err = mnl_nlmsg_put_extra_header(nlh, MNL_ALIGN(sizeof(*err) + echo));
	err->error = error;
	err->msg.nlmsg_len = MNL_NLMSG_HDRLEN + req_payload;
	err->msg.nlmsg_type = FAMILY;
	return nlh;
}

static int ack_plain(void)
{
	const char *msg = "junk";
	int error = 1;

	CHECK_EQ(crosslat_nl_parse_ack(error_msg(0, 20, true), &error, &msg), 0);
	CHECK_EQ(error, 0);
	CHECK(msg == NULL);
	CHECK_EQ(crosslat_nl_parse_ack(error_msg(-EPERM, 20, false), &error, &msg), 0);
	CHECK_EQ(error, -EPERM);
	CHECK(msg == NULL);
	return 0;
}

static int ack_extack(void)
{
	struct nlmsghdr *nlh;
	const char *msg;
	int error;

	nlh = error_msg(-EINVAL, 0, true);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "label too long");
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 24);
	CHECK_EQ(crosslat_nl_parse_ack(nlh, &error, &msg), 0);
	CHECK_EQ(error, -EINVAL);
	CHECK(msg && !strcmp(msg, "label too long"));

	/* Not capped: the TLVs follow the whole echoed request (27 bytes, padded). */
	nlh = error_msg(-EINVAL, 27, false);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 24);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "missing id");
	CHECK_EQ(crosslat_nl_parse_ack(nlh, &error, &msg), 0);
	CHECK(msg && !strcmp(msg, "missing id"));
	return 0;
}

static int ack_malformed(void)
{
	struct nlmsghdr *nlh;
	const char *msg;
	int error;

	/* A broken extended ACK drops the message, never the error code. */
	nlh = error_msg(-EINVAL, 0, true);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_str(nlh, NLMSGERR_ATTR_MSG, "no nul");
	CHECK_EQ(crosslat_nl_parse_ack(nlh, &error, &msg), 0);
	CHECK_EQ(error, -EINVAL);
	CHECK(msg == NULL);

	nlh = error_msg(-EINVAL, 0, true);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "cut");
	nlh->nlmsg_len -= 6;
	CHECK_EQ(crosslat_nl_parse_ack(nlh, &error, &msg), 0);
	CHECK(msg == NULL);

	/* Echo length claims more than the message holds. */
	nlh = error_msg(-EINVAL, 0, false);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 4000;
	CHECK_EQ(crosslat_nl_parse_ack(nlh, &error, &msg), 0);
	CHECK_EQ(error, -EINVAL);
	CHECK(msg == NULL);

	nlh = error_msg(-EINVAL, 0, true);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + sizeof(struct nlmsgerr) - 1;
	CHECK_EQ(crosslat_nl_parse_ack(nlh, &error, &msg), -EBADMSG);

	nlh = stats_reply();
	CHECK_EQ(crosslat_nl_parse_ack(nlh, &error, &msg), -EPROTO);
	return 0;
}

/* ---- counter names ---- */

static int stat_names_complete(void)
{
	unsigned int i, j;

	CHECK(crosslat_nl_stat_name(CROSSLAT_STAT_UNSPEC) == NULL);
	CHECK(crosslat_nl_stat_name(CROSSLAT_STAT_PAD) == NULL);
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_MARKS), "marks"));
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_NL_INVALID), "nl_invalid"));
	/* A counter added to the uapi needs a name here too. */
	for (i = CROSSLAT_STAT_PAD + 1; i <= CROSSLAT_STAT_MAX; i++) {
		if (!crosslat_nl_stat_name(i)) {
			fprintf(stderr, "# enum crosslat_stat value %u has no name\n", i);
			return -1;
		}
		for (j = CROSSLAT_STAT_PAD + 1; j < i; j++)
			CHECK(strcmp(crosslat_nl_stat_name(i), crosslat_nl_stat_name(j)));
	}
	CHECK(crosslat_nl_stat_name(CROSSLAT_STAT_MAX + 1) == NULL);
	CHECK(crosslat_nl_stat_name(65535) == NULL);
	return 0;
}

struct test {
	const char *name;
	int (*fn)(void);
};

static const struct test tests[] = {
	{ "nl_crosslat_parse_stats_valid",		stats_valid },
	{ "nl_crosslat_parse_stats_full_u64",		stats_full_u64 },
	{ "nl_crosslat_parse_stats_unknown_kept",	stats_unknown_kept },
	{ "nl_crosslat_parse_stats_pad_skipped",	stats_pad_skipped },
	{ "nl_crosslat_parse_stats_empty_nest",		stats_empty_nest },
	{ "nl_crosslat_parse_stats_nested_flag",	stats_nested_flag_optional },
	{ "nl_crosslat_parse_stats_unpadded_tail",	stats_unpadded_tail },
	{ "nl_crosslat_parse_stats_truncated_message",	stats_truncated_message },
	{ "nl_crosslat_parse_stats_truncated_nested",	stats_truncated_nested },
	{ "nl_crosslat_parse_stats_bad_counter_size",	stats_bad_counter_size },
	{ "nl_crosslat_parse_stats_duplicates",		stats_duplicates_refused },
	{ "nl_crosslat_parse_stats_bad_version",	stats_bad_version },
	{ "nl_crosslat_parse_stats_missing_or_wrong",	stats_missing_or_wrong },
	{ "nl_crosslat_parse_stats_cap",		stats_cap },
	{ "nl_crosslat_parse_stats_mutations",		stats_mutations },
	{ "nl_crosslat_build_mark_id_label",		mark_request },
	{ "nl_crosslat_build_mark_no_label",		mark_request_no_label },
	{ "nl_crosslat_build_mark_label_limit",		mark_label_limit },
	{ "nl_crosslat_build_small_buffer",		requests_small_buffer },
	{ "nl_crosslat_build_get_stats",		get_stats_request },
	{ "nl_crosslat_build_getfamily",		getfamily_request },
	{ "nl_crosslat_parse_family",			family_reply },
	{ "nl_crosslat_parse_ack_plain",		ack_plain },
	{ "nl_crosslat_parse_ack_extack",		ack_extack },
	{ "nl_crosslat_parse_ack_malformed",		ack_malformed },
	{ "nl_crosslat_stat_name_complete",		stat_names_complete },
};

/* TAP-style lines, one per test; tests/userspace/run.sh counts them. */
int main(void)
{
	unsigned int i, failed = 0;

	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		int err = tests[i].fn();

		printf("%s - %s\n", err ? "not ok" : "ok", tests[i].name);
		fflush(stdout);
		failed += !!err;
	}
	return failed ? 1 : 0;
}
