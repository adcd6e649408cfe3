// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of userspace/nl_crosslat.c: hand-built netlink messages in, decoded values out. */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

/* ---- flow dump replies ---- */

#define BIT64(n)	(1ULL << (n))
/* A distinct full-width value per u64 attribute type. */
#define U64V(type)	(0x8877665500000000ULL | (type))
#define INUM		0xeffffff0u

enum { K_U8 = 1, K_U16, K_U32, K_U64, K_FLAG, K_ADDR };

/* What each CROSSLAT_FLOW_A_* carries, written down from the uapi header. */
static const uint8_t flow_kind[] = {
	[CROSSLAT_FLOW_A_NETNS_COOKIE]	= K_U64,
	[CROSSLAT_FLOW_A_NETNS_INUM]	= K_U32,
	[CROSSLAT_FLOW_A_FAMILY]	= K_U8,
	[CROSSLAT_FLOW_A_LADDR]		= K_ADDR,
	[CROSSLAT_FLOW_A_RADDR]		= K_ADDR,
	[CROSSLAT_FLOW_A_LPORT]		= K_U16,
	[CROSSLAT_FLOW_A_RPORT]		= K_U16,
	[CROSSLAT_FLOW_A_FIRST_NS]	= K_U64,
	[CROSSLAT_FLOW_A_LAST_NS]	= K_U64,
	[CROSSLAT_FLOW_A_SRTT_NS]	= K_U64,
	[CROSSLAT_FLOW_A_RTT_MIN_NS]	= K_U64,
	[CROSSLAT_FLOW_A_RTT_MAX_NS]	= K_U64,
	[CROSSLAT_FLOW_A_RTT_LAST_NS]	= K_U64,
	[CROSSLAT_FLOW_A_RTT_SAMPLES]	= K_U64,
	[CROSSLAT_FLOW_A_APP_AVG_NS]	= K_U64,
	[CROSSLAT_FLOW_A_APP_MAX_NS]	= K_U64,
	[CROSSLAT_FLOW_A_APP_SAMPLES]	= K_U64,
	[CROSSLAT_FLOW_A_BYTES_OUT]	= K_U64,
	[CROSSLAT_FLOW_A_BYTES_IN]	= K_U64,
	[CROSSLAT_FLOW_A_PKTS_OUT]	= K_U64,
	[CROSSLAT_FLOW_A_PKTS_IN]	= K_U64,
	[CROSSLAT_FLOW_A_RETRANS_SEGS]	= K_U64,
	[CROSSLAT_FLOW_A_RETRANS_BYTES]	= K_U64,
	[CROSSLAT_FLOW_A_KARN_SKIPPED]	= K_U64,
	[CROSSLAT_FLOW_A_THROUGHPUT_OUT] = K_U64,
	[CROSSLAT_FLOW_A_THROUGHPUT_IN]	= K_U64,
	[CROSSLAT_FLOW_A_THRESH_NS]	= K_U64,
	[CROSSLAT_FLOW_A_ALERTS]	= K_U64,
	[CROSSLAT_FLOW_A_CLOSED]	= K_FLAG,
};

#define FLOW_RTT	(BIT64(CROSSLAT_FLOW_A_SRTT_NS) | BIT64(CROSSLAT_FLOW_A_RTT_MIN_NS) |	\
			 BIT64(CROSSLAT_FLOW_A_RTT_MAX_NS) | BIT64(CROSSLAT_FLOW_A_RTT_LAST_NS) | \
			 BIT64(CROSSLAT_FLOW_A_RTT_SAMPLES))
#define FLOW_APP	(BIT64(CROSSLAT_FLOW_A_APP_AVG_NS) | BIT64(CROSSLAT_FLOW_A_APP_MAX_NS) | \
			 BIT64(CROSSLAT_FLOW_A_APP_SAMPLES))
#define FLOW_OPTIONAL	(FLOW_RTT | FLOW_APP | BIT64(CROSSLAT_FLOW_A_THRESH_NS) |		\
			 BIT64(CROSSLAT_FLOW_A_CLOSED))

static const uint8_t v4_l[4] = { 192, 0, 2, 1 }, v4_r[4] = { 198, 51, 100, 7 };
static const uint8_t v6_l[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6_r[16] = { 0x20, 0x01, 0x0d, 0xb8, [12] = 0xff, 0xff, 0, 7 };

/* How flow_msg() departs from a complete, valid flow. */
struct flow_build {
	uint8_t family;			/* 0: AF_INET */
	uint64_t omit;			/* types left out */
	unsigned int dup;		/* type put twice; 0: none */
	unsigned int bad;		/* type put with its payload resized by bad_delta */
	int bad_delta;
	unsigned int laddr_len, raddr_len; /* 0: the family's */
	bool reverse;			/* highest type first */
};

static void put_flow_attr(struct nlmsghdr *nlh, unsigned int type, const struct flow_build *b)
{
	uint8_t family = b->family ? b->family : AF_INET;
	uint8_t payload[32] = { 0 };
	unsigned int size = 0;
	uint64_t u64 = U64V(type);
	uint32_t u32 = INUM;
	uint16_t u16 = type == CROSSLAT_FLOW_A_LPORT ? 65535 : 1;

	switch (flow_kind[type]) {
	case K_U8:
		size = 1;
		payload[0] = family;
		break;
	case K_U16:
		size = 2;
		memcpy(payload, &u16, size);
		break;
	case K_U32:
		size = 4;
		memcpy(payload, &u32, size);
		break;
	case K_U64:
		size = 8;
		memcpy(payload, &u64, size);
		break;
	case K_FLAG:
		break;
	case K_ADDR:
		size = type == CROSSLAT_FLOW_A_LADDR ? b->laddr_len : b->raddr_len;
		if (!size)
			size = family == AF_INET6 ? 16 : 4;
		if (size == 4)
			memcpy(payload, type == CROSSLAT_FLOW_A_LADDR ? v4_l : v4_r, 4);
		else
			memcpy(payload, type == CROSSLAT_FLOW_A_LADDR ? v6_l : v6_r, 16);
		break;
	}
	if (type == b->bad)
		size += b->bad_delta;
	mnl_attr_put(nlh, type, size, payload);
}

/* A FLOW_GET dump message built as b says, in buf. */
static struct nlmsghdr *flow_msg(const struct flow_build *b)
{
	struct nlmsghdr *nlh = genl_msg(FAMILY, CROSSLAT_CMD_FLOW_GET);
	struct nlattr *nest;
	unsigned int i, type;

	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_FLOW);
	for (i = 0; i < ARRAY_SIZE(flow_kind); i++) {
		type = b->reverse ? ARRAY_SIZE(flow_kind) - 1 - i : i;
		if (!flow_kind[type] || (b->omit & BIT64(type)))
			continue;
		put_flow_attr(nlh, type, b);
		if (type == b->dup)
			put_flow_attr(nlh, type, b);
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static struct nlmsghdr *flow_msg_default(void)
{
	static const struct flow_build b = { 0 };

	return flow_msg(&b);
}

static int flow_parse_build(const struct flow_build *b, struct crosslat_nl_flow *flow)
{
	return crosslat_nl_parse_flow(flow_msg(b), flow);
}

/* The fields every valid flow_msg() carries. */
static int check_flow_base(const struct crosslat_nl_flow *f, uint8_t family)
{
	static const uint8_t zero12[12];

	CHECK_EQ(f->family, family);
	CHECK(f->netns_cookie == U64V(CROSSLAT_FLOW_A_NETNS_COOKIE));
	CHECK(f->netns_inum == INUM);
	if (family == AF_INET) {
		CHECK(!memcmp(f->laddr, v4_l, 4));
		CHECK(!memcmp(f->raddr, v4_r, 4));
		CHECK(!memcmp(f->laddr + 4, zero12, sizeof(zero12)));
	} else {
		CHECK(!memcmp(f->laddr, v6_l, 16));
		CHECK(!memcmp(f->raddr, v6_r, 16));
	}
	CHECK_EQ(f->lport, 65535);
	CHECK_EQ(f->rport, 1);
	CHECK(f->first_ns == U64V(CROSSLAT_FLOW_A_FIRST_NS));
	CHECK(f->last_ns == U64V(CROSSLAT_FLOW_A_LAST_NS));
	CHECK(f->bytes_out == U64V(CROSSLAT_FLOW_A_BYTES_OUT));
	CHECK(f->bytes_in == U64V(CROSSLAT_FLOW_A_BYTES_IN));
	CHECK(f->pkts_out == U64V(CROSSLAT_FLOW_A_PKTS_OUT));
	CHECK(f->pkts_in == U64V(CROSSLAT_FLOW_A_PKTS_IN));
	CHECK(f->retrans_segs == U64V(CROSSLAT_FLOW_A_RETRANS_SEGS));
	CHECK(f->retrans_bytes == U64V(CROSSLAT_FLOW_A_RETRANS_BYTES));
	CHECK(f->karn_skipped == U64V(CROSSLAT_FLOW_A_KARN_SKIPPED));
	CHECK(f->throughput_out == U64V(CROSSLAT_FLOW_A_THROUGHPUT_OUT));
	CHECK(f->throughput_in == U64V(CROSSLAT_FLOW_A_THROUGHPUT_IN));
	CHECK(f->alerts == U64V(CROSSLAT_FLOW_A_ALERTS));
	return 0;
}

static struct crosslat_nl_flow flow;

static int flow_valid_all(void)
{
	CHECK_EQ(crosslat_nl_parse_flow(flow_msg_default(), &flow), 0);
	CHECK_EQ(check_flow_base(&flow, AF_INET), 0);
	CHECK_EQ(flow.present,
		 CROSSLAT_NL_FLOW_RTT | CROSSLAT_NL_FLOW_APP | CROSSLAT_NL_FLOW_THRESH);
	CHECK(flow.srtt_ns == U64V(CROSSLAT_FLOW_A_SRTT_NS));
	CHECK(flow.rtt_min_ns == U64V(CROSSLAT_FLOW_A_RTT_MIN_NS));
	CHECK(flow.rtt_max_ns == U64V(CROSSLAT_FLOW_A_RTT_MAX_NS));
	CHECK(flow.rtt_last_ns == U64V(CROSSLAT_FLOW_A_RTT_LAST_NS));
	CHECK(flow.rtt_samples == U64V(CROSSLAT_FLOW_A_RTT_SAMPLES));
	CHECK(flow.app_avg_ns == U64V(CROSSLAT_FLOW_A_APP_AVG_NS));
	CHECK(flow.app_max_ns == U64V(CROSSLAT_FLOW_A_APP_MAX_NS));
	CHECK(flow.app_samples == U64V(CROSSLAT_FLOW_A_APP_SAMPLES));
	CHECK(flow.thresh_ns == U64V(CROSSLAT_FLOW_A_THRESH_NS));
	CHECK(flow.closed);
	return 0;
}

static int flow_valid_minimal_v6(void)
{
	struct flow_build b = { .family = AF_INET6, .omit = FLOW_OPTIONAL };

	CHECK_EQ(flow_parse_build(&b, &flow), 0);
	CHECK_EQ(check_flow_base(&flow, AF_INET6), 0);
	CHECK_EQ(flow.present, 0);
	CHECK(!flow.closed);
	CHECK(flow.srtt_ns == 0 && flow.rtt_samples == 0 && flow.app_avg_ns == 0);
	CHECK(flow.thresh_ns == 0);

	/* Each optional group alone. */
	b.omit = FLOW_OPTIONAL & ~FLOW_RTT;
	CHECK_EQ(flow_parse_build(&b, &flow), 0);
	CHECK_EQ(flow.present, CROSSLAT_NL_FLOW_RTT);
	b.omit = FLOW_OPTIONAL & ~FLOW_APP;
	CHECK_EQ(flow_parse_build(&b, &flow), 0);
	CHECK_EQ(flow.present, CROSSLAT_NL_FLOW_APP);
	b.omit = FLOW_OPTIONAL & ~BIT64(CROSSLAT_FLOW_A_THRESH_NS);
	CHECK_EQ(flow_parse_build(&b, &flow), 0);
	CHECK_EQ(flow.present, CROSSLAT_NL_FLOW_THRESH);
	b.omit = FLOW_OPTIONAL & ~BIT64(CROSSLAT_FLOW_A_CLOSED);
	CHECK_EQ(flow_parse_build(&b, &flow), 0);
	CHECK_EQ(flow.present, 0);
	CHECK(flow.closed);
	return 0;
}

/* FAMILY may come after the addresses it qualifies. */
static int flow_any_order(void)
{
	struct flow_build b = { .family = AF_INET6, .reverse = true };

	CHECK_EQ(flow_parse_build(&b, &flow), 0);
	CHECK_EQ(check_flow_base(&flow, AF_INET6), 0);
	b.family = AF_INET;
	CHECK_EQ(flow_parse_build(&b, &flow), 0);
	CHECK_EQ(check_flow_base(&flow, AF_INET), 0);
	return 0;
}

static int flow_addr_mismatch(void)
{
	struct flow_build b = { 0 };

	b.family = AF_INET;
	b.laddr_len = b.raddr_len = 16;
	CHECK_EQ(flow_parse_build(&b, &flow), -EBADMSG);
	b.family = AF_INET6;
	b.laddr_len = b.raddr_len = 4;
	CHECK_EQ(flow_parse_build(&b, &flow), -EBADMSG);
	b.laddr_len = 16;
	CHECK_EQ(flow_parse_build(&b, &flow), -EBADMSG);	/* raddr 4 */
	b.family = AF_INET;
	b.laddr_len = 4;
	b.raddr_len = 16;
	CHECK_EQ(flow_parse_build(&b, &flow), -EBADMSG);
	b.raddr_len = 0;
	b.bad = CROSSLAT_FLOW_A_RADDR;				/* 5 bytes */
	b.bad_delta = 1;
	CHECK_EQ(flow_parse_build(&b, &flow), -EBADMSG);
	b.bad_delta = -1;					/* 3 bytes */
	CHECK_EQ(flow_parse_build(&b, &flow), -EBADMSG);
	b.bad = 0;
	b.family = AF_UNIX;
	CHECK_EQ(flow_parse_build(&b, &flow), -EBADMSG);
	b.family = 255;
	CHECK_EQ(flow_parse_build(&b, &flow), -EBADMSG);
	return 0;
}

/* Every attribute with a payload one byte off (or a byte in a flag) is refused. */
static int flow_bad_sizes(void)
{
	struct flow_build b = { 0 };
	unsigned int type;

	for (type = 0; type < ARRAY_SIZE(flow_kind); type++) {
		if (!flow_kind[type] || flow_kind[type] == K_ADDR)
			continue;
		b.bad = type;
		b.bad_delta = 1;
		if (flow_parse_build(&b, &flow) != -EBADMSG) {
			fprintf(stderr, "# type %u one byte long accepted\n", type);
			return -1;
		}
		if (flow_kind[type] == K_FLAG)
			continue;
		b.bad_delta = -1;
		if (flow_parse_build(&b, &flow) != -EBADMSG) {
			fprintf(stderr, "# type %u one byte short accepted\n", type);
			return -1;
		}
	}
	return 0;
}

static int flow_missing_required(void)
{
	struct flow_build b = { 0 };
	unsigned int type;

	for (type = 0; type < ARRAY_SIZE(flow_kind); type++) {
		if (!flow_kind[type] || (FLOW_OPTIONAL & BIT64(type)))
			continue;
		b.omit = BIT64(type);
		if (flow_parse_build(&b, &flow) != -ENODATA) {
			fprintf(stderr, "# flow without type %u not refused with -ENODATA\n", type);
			return -1;
		}
	}
	return 0;
}

/* An optional group comes whole or not at all. */
static int flow_partial_group(void)
{
	struct flow_build b = { 0 };
	unsigned int type;

	for (type = 0; type < ARRAY_SIZE(flow_kind); type++) {
		if (!((FLOW_RTT | FLOW_APP) & BIT64(type)))
			continue;
		b.omit = BIT64(type);
		if (flow_parse_build(&b, &flow) != -EBADMSG) {
			fprintf(stderr, "# group without type %u accepted\n", type);
			return -1;
		}
		/* The type alone, the rest of its group missing. */
		b.omit = ((FLOW_RTT & BIT64(type)) ? FLOW_RTT : FLOW_APP) & ~BIT64(type);
		if (flow_parse_build(&b, &flow) != -EBADMSG) {
			fprintf(stderr, "# type %u without its group accepted\n", type);
			return -1;
		}
	}
	return 0;
}

static int flow_duplicates(void)
{
	struct flow_build b = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int type;

	for (type = 0; type < ARRAY_SIZE(flow_kind); type++) {
		if (!flow_kind[type])
			continue;
		b.dup = type;
		if (flow_parse_build(&b, &flow) != -EBADMSG) {
			fprintf(stderr, "# duplicate type %u accepted\n", type);
			return -1;
		}
	}
	nlh = flow_msg_default();
	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_FLOW);
	mnl_attr_nest_end(nlh, nest);
	CHECK_EQ(crosslat_nl_parse_flow(nlh, &flow), -EBADMSG);
	return 0;
}

static int flow_unknown_ignored(void)
{
	struct nlmsghdr *nlh = genl_msg(FAMILY, CROSSLAT_CMD_FLOW_GET);
	static const struct flow_build b = { .family = AF_INET6 };
	struct nlattr *nest;
	unsigned int type;
	char odd[7] = "abcdef";

	mnl_attr_put_u32(nlh, CROSSLAT_A_MAX + 1, 1);			/* unknown top level */
	mnl_attr_put(nlh, CROSSLAT_A_PAD, 0, NULL);
	mnl_attr_put_strz(nlh, CROSSLAT_A_VERSION, "ignored here");
	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_FLOW);
	mnl_attr_put(nlh, CROSSLAT_FLOW_A_UNSPEC, sizeof(odd), odd);
	for (type = 0; type < ARRAY_SIZE(flow_kind); type++) {
		if (!flow_kind[type])
			continue;
		mnl_attr_put(nlh, CROSSLAT_FLOW_A_PAD, 0, NULL);
		put_flow_attr(nlh, type, &b);
	}
	mnl_attr_put(nlh, CROSSLAT_FLOW_A_MAX + 1, sizeof(odd), odd);	/* a newer kernel's */
	mnl_attr_put(nlh, CROSSLAT_FLOW_A_MAX + 1 + 64, 1, odd);
	mnl_attr_put(nlh, 0x3fff, 0, NULL);				/* largest type */
	mnl_attr_put(nlh, CROSSLAT_FLOW_A_MAX + 1, sizeof(odd), odd);	/* even twice */
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u64(nlh, CROSSLAT_A_MAX + 7, 1);
	CHECK_EQ(crosslat_nl_parse_flow(nlh, &flow), 0);
	CHECK_EQ(check_flow_base(&flow, AF_INET6), 0);
	CHECK_EQ(flow.present,
		 CROSSLAT_NL_FLOW_RTT | CROSSLAT_NL_FLOW_APP | CROSSLAT_NL_FLOW_THRESH);
	return 0;
}

static int flow_missing_or_wrong(void)
{
	struct nlmsghdr *nlh;

	nlh = genl_msg(FAMILY, CROSSLAT_CMD_FLOW_GET);
	CHECK_EQ(crosslat_nl_parse_flow(nlh, &flow), -ENODATA);
	mnl_attr_put_u32(nlh, 99, 1);
	CHECK_EQ(crosslat_nl_parse_flow(nlh, &flow), -ENODATA);

	nlh = genl_msg(FAMILY, CROSSLAT_CMD_FLOW_GET);
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CROSSLAT_A_FLOW));
	CHECK_EQ(crosslat_nl_parse_flow(nlh, &flow), -ENODATA);

	nlh = flow_msg_default();
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd = CROSSLAT_CMD_THRESH_GET;
	CHECK_EQ(crosslat_nl_parse_flow(nlh, &flow), -EPROTO);

	/* The flow in the wrong nest type. */
	nlh = flow_msg_default();
	find_attr(nlh, CROSSLAT_A_FLOW)->nla_type = CROSSLAT_A_THRESH | NLA_F_NESTED;
	CHECK_EQ(crosslat_nl_parse_flow(nlh, &flow), -ENODATA);

	nlh = flow_msg_default();
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + GENL_HDRLEN - 1;
	CHECK_EQ(crosslat_nl_parse_flow(nlh, &flow), -EBADMSG);
	return 0;
}

/* A refused message leaves no half-decoded flow behind. */
static int flow_cleared_on_error(void)
{
	struct flow_build b = { .dup = CROSSLAT_FLOW_A_ALERTS };
	static const struct crosslat_nl_flow zero;

	memset(&flow, 0xa5, sizeof(flow));
	CHECK_EQ(flow_parse_build(&b, &flow), -EBADMSG);
	CHECK(!memcmp(&flow, &zero, sizeof(flow)));
	return 0;
}

static int flow_truncated(void)
{
	struct nlmsghdr *nlh = flow_msg_default();
	uint32_t full = nlh->nlmsg_len, len;
	struct nlattr *nest, *first;

	for (len = full - 1; len > MNL_NLMSG_HDRLEN + GENL_HDRLEN; len--) {
		nlh->nlmsg_len = len;
		if (crosslat_nl_parse_flow(nlh, &flow) == 0) {
			fprintf(stderr, "# accepted at nlmsg_len %u of %u\n", len, full);
			return -1;
		}
	}
	nlh = flow_msg_default();
	nest = find_attr(nlh, CROSSLAT_A_FLOW);
	first = mnl_attr_get_payload(nest);
	first->nla_len = nest->nla_len;			/* runs past the nest */
	CHECK_EQ(crosslat_nl_parse_flow(nlh, &flow), -EBADMSG);
	first->nla_len = 3;				/* shorter than its header */
	CHECK_EQ(crosslat_nl_parse_flow(nlh, &flow), -EBADMSG);
	return 0;
}

static int flow_mutations(void)
{
	_Alignas(8) char good[1024];
	uint32_t good_len, i, n;
	unsigned int seed = 4242;
	struct nlmsghdr *nlh;

	nlh = flow_msg_default();
	good_len = nlh->nlmsg_len;
	CHECK(good_len <= sizeof(good));
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
		if (rand_r(&seed) % 2)
			nlh->nlmsg_len = MNL_NLMSG_HDRLEN +
					 rand_r(&seed) % (good_len - MNL_NLMSG_HDRLEN + 1);
		err = crosslat_nl_parse_flow(nlh, &flow);
		free(msg);
		if (err == 0) {
			CHECK(flow.family == AF_INET || flow.family == AF_INET6);
			CHECK(!(flow.present & ~(CROSSLAT_NL_FLOW_RTT | CROSSLAT_NL_FLOW_APP |
						 CROSSLAT_NL_FLOW_THRESH)));
		} else {
			CHECK(err == -EBADMSG || err == -EPROTO || err == -ENODATA);
		}
	}
	return 0;
}

/* ---- threshold requests and dump replies ---- */

static struct crosslat_nl_thresh th;

static const struct crosslat_nl_thresh th_v4 = {
	.present = CROSSLAT_NL_THRESH_NETNS | CROSSLAT_NL_THRESH_PREFIX | CROSSLAT_NL_THRESH_PORT,
	.netns_inum = INUM,
	.family = AF_INET,
	.prefix_len = 17,
	.prefix = { 10, 1, 128 },
	.port = 65535,
	.rtt_ns = CROSSLAT_THRESH_RTT_MAX_NS,
};

static const struct crosslat_nl_thresh th_v6 = {
	.present = CROSSLAT_NL_THRESH_PREFIX,
	.family = AF_INET6,
	.prefix_len = 127,
	.prefix = { 0xfd, [15] = 0x02 },
	.rtt_ns = 1,
};

static const struct crosslat_nl_thresh th_global = { .rtt_ns = 20000000 };

static bool thresh_eq(const struct crosslat_nl_thresh *a, const struct crosslat_nl_thresh *b)
{
	return a->present == b->present && a->netns_inum == b->netns_inum &&
	       a->family == b->family && a->prefix_len == b->prefix_len &&
	       !memcmp(a->prefix, b->prefix, sizeof(a->prefix)) && a->port == b->port &&
	       a->rtt_ns == b->rtt_ns;
}

static struct nlattr *find_nested(const struct nlattr *nest, uint16_t type)
{
	struct nlattr *attr;

	mnl_attr_for_each_nested(attr, nest)
		if (mnl_attr_get_type(attr) == type)
			return attr;
	return NULL;
}

static unsigned int count_nested(const struct nlattr *nest)
{
	const struct nlattr *attr;
	unsigned int n = 0;

	mnl_attr_for_each_nested(attr, nest)
		n++;
	return n;
}

static int thresh_set_request(void)
{
	_Alignas(4) char req[CROSSLAT_NL_REQ_MAX];
	static const uint8_t v4_prefix[4] = { 10, 1, 128, 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct nlattr *nest, *attr;
	int len;

	len = crosslat_nl_build_thresh_set(req, sizeof(req), FAMILY, 5, &th_v4);
	CHECK(len > 0);
	CHECK_EQ(nlh->nlmsg_len, len);
	CHECK_EQ(nlh->nlmsg_type, FAMILY);
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	CHECK_EQ(nlh->nlmsg_seq, 5);
	CHECK_EQ(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd, CROSSLAT_CMD_THRESH_SET);
	CHECK_EQ(count_attrs(nlh), 1);
	nest = find_attr(nlh, CROSSLAT_A_THRESH);
	CHECK(nest);
	CHECK(nest->nla_type & NLA_F_NESTED);
	CHECK_EQ(count_nested(nest), 6);
	attr = find_nested(nest, CROSSLAT_THRESH_A_NETNS_INUM);
	CHECK(attr && mnl_attr_get_payload_len(attr) == 4 && mnl_attr_get_u32(attr) == INUM);
	attr = find_nested(nest, CROSSLAT_THRESH_A_FAMILY);
	CHECK(attr && mnl_attr_get_payload_len(attr) == 1 && mnl_attr_get_u8(attr) == AF_INET);
	attr = find_nested(nest, CROSSLAT_THRESH_A_PREFIX);
	CHECK(attr && mnl_attr_get_payload_len(attr) == 4);
	CHECK(!memcmp(mnl_attr_get_payload(attr), v4_prefix, sizeof(v4_prefix)));
	attr = find_nested(nest, CROSSLAT_THRESH_A_PREFIX_LEN);
	CHECK(attr && mnl_attr_get_payload_len(attr) == 1 && mnl_attr_get_u8(attr) == 17);
	attr = find_nested(nest, CROSSLAT_THRESH_A_PORT);
	CHECK(attr && mnl_attr_get_payload_len(attr) == 2 && mnl_attr_get_u16(attr) == 65535);
	attr = find_nested(nest, CROSSLAT_THRESH_A_RTT_NS);
	CHECK(attr && mnl_attr_get_payload_len(attr) == 8);
	CHECK(mnl_attr_get_u64(attr) == CROSSLAT_THRESH_RTT_MAX_NS);

	/* IPv6: a 16-byte prefix; global: the nest holds RTT_NS only. */
	CHECK(crosslat_nl_build_thresh_set(req, sizeof(req), FAMILY, 6, &th_v6) > 0);
	nest = find_attr(nlh, CROSSLAT_A_THRESH);
	CHECK_EQ(count_nested(nest), 4);
	attr = find_nested(nest, CROSSLAT_THRESH_A_PREFIX);
	CHECK(attr && mnl_attr_get_payload_len(attr) == 16);
	CHECK(!memcmp(mnl_attr_get_payload(attr), th_v6.prefix, 16));
	CHECK(crosslat_nl_build_thresh_set(req, sizeof(req), FAMILY, 7, &th_global) > 0);
	nest = find_attr(nlh, CROSSLAT_A_THRESH);
	CHECK_EQ(count_nested(nest), 1);
	CHECK(mnl_attr_get_u64(find_nested(nest, CROSSLAT_THRESH_A_RTT_NS)) == 20000000);
	return 0;
}

static int thresh_del_flush_request(void)
{
	_Alignas(4) char req[CROSSLAT_NL_REQ_MAX];
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct crosslat_nl_thresh sel = th_v4;
	struct nlattr *nest, *attr;

	sel.rtt_ns = 0;						/* not sent: not checked */
	CHECK(crosslat_nl_build_thresh_del(req, sizeof(req), FAMILY, 8, &sel) > 0);
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	CHECK_EQ(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd, CROSSLAT_CMD_THRESH_DEL);
	CHECK_EQ(count_attrs(nlh), 1);
	nest = find_attr(nlh, CROSSLAT_A_THRESH);
	CHECK(nest);
	CHECK_EQ(count_nested(nest), 5);
	CHECK(find_nested(nest, CROSSLAT_THRESH_A_RTT_NS) == NULL);

	sel = th_global;					/* the global rule: empty nest */
	CHECK(crosslat_nl_build_thresh_del(req, sizeof(req), FAMILY, 9, &sel) > 0);
	nest = find_attr(nlh, CROSSLAT_A_THRESH);
	CHECK(nest);
	CHECK_EQ(count_nested(nest), 0);

	CHECK(crosslat_nl_build_thresh_flush(req, sizeof(req), FAMILY, 10) > 0);
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	CHECK_EQ(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd, CROSSLAT_CMD_THRESH_DEL);
	CHECK_EQ(count_attrs(nlh), 1);
	attr = find_attr(nlh, CROSSLAT_A_FLUSH);
	CHECK(attr);
	CHECK_EQ(mnl_attr_get_payload_len(attr), 0);
	return 0;
}

static int dump_requests(void)
{
	_Alignas(4) char req[CROSSLAT_NL_REQ_MAX];
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	int len;

	len = crosslat_nl_build_flow_dump(req, sizeof(req), FAMILY, 11);
	CHECK_EQ(len, MNL_NLMSG_HDRLEN + GENL_HDRLEN);
	CHECK_EQ(nlh->nlmsg_type, FAMILY);
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	CHECK_EQ(nlh->nlmsg_seq, 11);
	CHECK_EQ(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd, CROSSLAT_CMD_FLOW_GET);
	CHECK_EQ(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version,
		 CROSSLAT_GENL_VERSION);

	len = crosslat_nl_build_thresh_dump(req, sizeof(req), FAMILY, 12);
	CHECK_EQ(len, MNL_NLMSG_HDRLEN + GENL_HDRLEN);
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	CHECK_EQ(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd, CROSSLAT_CMD_THRESH_GET);

	CHECK_EQ(crosslat_nl_build_flow_dump(req, sizeof(req) - 1, FAMILY, 1), -ENOBUFS);
	CHECK_EQ(crosslat_nl_build_thresh_dump(req, 0, FAMILY, 1), -ENOBUFS);
	CHECK_EQ(crosslat_nl_build_thresh_set(req, 16, FAMILY, 1, &th_v4), -ENOBUFS);
	CHECK_EQ(crosslat_nl_build_thresh_del(req, 16, FAMILY, 1, &th_v4), -ENOBUFS);
	CHECK_EQ(crosslat_nl_build_thresh_flush(req, 16, FAMILY, 1), -ENOBUFS);
	return 0;
}

static int thresh_check_invalid(void)
{
	_Alignas(4) char req[CROSSLAT_NL_REQ_MAX];
	struct crosslat_nl_thresh t;

	CHECK_EQ(crosslat_nl_check_thresh(&th_v4, true), 0);
	CHECK_EQ(crosslat_nl_check_thresh(&th_v6, true), 0);
	CHECK_EQ(crosslat_nl_check_thresh(&th_global, true), 0);

	t = th_v4;
	t.prefix[2] = 0xc0;					/* bit 18 of a /17 */
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), -EINVAL);
	CHECK_EQ(crosslat_nl_build_thresh_set(req, sizeof(req), FAMILY, 1, &t), -EINVAL);
	CHECK_EQ(crosslat_nl_build_thresh_del(req, sizeof(req), FAMILY, 1, &t), -EINVAL);
	t.prefix[2] = 0;
	t.prefix[3] = 1;
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), -EINVAL);
	t = th_v4;
	t.prefix[4] = 1;				/* past a v4 address: not part of it */
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), 0);
	CHECK(crosslat_nl_build_thresh_set(req, sizeof(req), FAMILY, 1, &t) > 0);
	CHECK_EQ(mnl_attr_get_payload_len(find_nested(find_attr((struct nlmsghdr *)req,
								 CROSSLAT_A_THRESH),
						       CROSSLAT_THRESH_A_PREFIX)), 4);
	t = th_v4;
	t.prefix_len = 33;
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), -EINVAL);
	t.prefix_len = 32;
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), 0);
	t.prefix_len = 0;
	t.prefix[0] = 0;
	t.prefix[1] = 0;
	t.prefix[2] = 0;
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), 0);
	t = th_v6;
	t.prefix_len = 129;
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), -EINVAL);
	t.prefix_len = 126;					/* bit 127 is set */
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), -EINVAL);
	t = th_v4;
	t.family = 0;
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), -EINVAL);
	t.family = AF_UNIX;
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), -EINVAL);
	t.present &= ~CROSSLAT_NL_THRESH_PREFIX;		/* family unused now */
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), 0);
	t = th_v4;
	t.port = 0;
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), -EINVAL);
	t.present &= ~CROSSLAT_NL_THRESH_PORT;
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), 0);

	t = th_global;
	t.rtt_ns = 0;
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), -ERANGE);
	CHECK_EQ(crosslat_nl_build_thresh_set(req, sizeof(req), FAMILY, 1, &t), -ERANGE);
	CHECK_EQ(crosslat_nl_check_thresh(&t, false), 0);
	CHECK(crosslat_nl_build_thresh_del(req, sizeof(req), FAMILY, 1, &t) > 0);
	t.rtt_ns = CROSSLAT_THRESH_RTT_MAX_NS + 1;
	CHECK_EQ(crosslat_nl_check_thresh(&t, true), -ERANGE);
	return 0;
}

/* A THRESH_GET dump message holding t, as the kernel would send it. */
static struct nlmsghdr *thresh_msg(const struct crosslat_nl_thresh *t)
{
	_Alignas(4) char req[CROSSLAT_NL_REQ_MAX];
	struct nlmsghdr *nlh;
	int len;

	/* The request encoder writes the same nest: reuse it, then relabel the message. */
	len = crosslat_nl_build_thresh_set(req, sizeof(req), FAMILY, SEQ, t);
	if (len < 0)
		abort();
	memset(buf, 0, sizeof(buf));
	memcpy(buf, req, len);
	nlh = (struct nlmsghdr *)buf;
	nlh->nlmsg_flags = NLM_F_MULTI;
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd = CROSSLAT_CMD_THRESH_GET;
	return nlh;
}

static int thresh_round_trip(void)
{
	const struct crosslat_nl_thresh *cases[] = { &th_v4, &th_v6, &th_global };
	struct crosslat_nl_thresh t;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK_EQ(crosslat_nl_parse_thresh(thresh_msg(cases[i]), &th), 0);
		CHECK(thresh_eq(&th, cases[i]));
	}
	t = th_v4;
	t.present = CROSSLAT_NL_THRESH_PORT;
	t.netns_inum = 0;
	t.family = 0;
	t.prefix_len = 0;
	memset(t.prefix, 0, sizeof(t.prefix));
	CHECK_EQ(crosslat_nl_parse_thresh(thresh_msg(&t), &th), 0);
	CHECK(thresh_eq(&th, &t));
	return 0;
}

/* A THRESH_GET message with the given nest attributes, built by hand. */
static struct nlmsghdr *thresh_raw(uint64_t omit, unsigned int dup, uint8_t family,
				   unsigned int prefix_size, uint8_t prefix_len, uint16_t port,
				   uint64_t rtt)
{
	struct nlmsghdr *nlh = genl_msg(FAMILY, CROSSLAT_CMD_THRESH_GET);
	uint8_t prefix[17] = { 10 };
	struct nlattr *nest;
	unsigned int type, n;

	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_THRESH);
	for (type = CROSSLAT_THRESH_A_NETNS_INUM; type <= CROSSLAT_THRESH_A_MAX; type++) {
		if (omit & BIT64(type))
			continue;
		for (n = type == dup ? 2 : 1; n; n--) {
			switch (type) {
			case CROSSLAT_THRESH_A_NETNS_INUM:
				mnl_attr_put_u32(nlh, type, INUM);
				break;
			case CROSSLAT_THRESH_A_FAMILY:
				mnl_attr_put_u8(nlh, type, family);
				break;
			case CROSSLAT_THRESH_A_PREFIX:
				mnl_attr_put(nlh, type, prefix_size, prefix);
				break;
			case CROSSLAT_THRESH_A_PREFIX_LEN:
				mnl_attr_put_u8(nlh, type, prefix_len);
				break;
			case CROSSLAT_THRESH_A_PORT:
				mnl_attr_put_u16(nlh, type, port);
				break;
			case CROSSLAT_THRESH_A_RTT_NS:
				mnl_attr_put_u64(nlh, type, rtt);
				break;
			}
		}
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

#define THRESH_PREFIX	(BIT64(CROSSLAT_THRESH_A_FAMILY) | BIT64(CROSSLAT_THRESH_A_PREFIX) | \
			 BIT64(CROSSLAT_THRESH_A_PREFIX_LEN))

static int thresh_parse_malformed(void)
{
	unsigned int type;

	CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(0, 0, AF_INET, 4, 8, 80, 1), &th), 0);
	CHECK_EQ(th.present, CROSSLAT_NL_THRESH_NETNS | CROSSLAT_NL_THRESH_PREFIX |
			     CROSSLAT_NL_THRESH_PORT);
	CHECK_EQ(th.prefix[0], 10);
	CHECK_EQ(th.prefix_len, 8);

	/* Prefix parts come together. */
	for (type = CROSSLAT_THRESH_A_FAMILY; type <= CROSSLAT_THRESH_A_PREFIX_LEN; type++) {
		CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(BIT64(type), 0, AF_INET, 4, 8, 80, 1),
						  &th), -EBADMSG);
		CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(THRESH_PREFIX & ~BIT64(type), 0,
							     AF_INET, 4, 8, 80, 1), &th),
			 -EBADMSG);
	}
	CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(THRESH_PREFIX, 0, 0, 0, 0, 80, 1), &th), 0);
	CHECK_EQ(th.present, CROSSLAT_NL_THRESH_NETNS | CROSSLAT_NL_THRESH_PORT);

	/* Values the kernel would never accept. */
	CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(0, 0, AF_INET, 16, 8, 80, 1), &th), -EBADMSG);
	CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(0, 0, AF_INET6, 4, 8, 80, 1), &th), -EBADMSG);
	CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(0, 0, AF_INET, 5, 8, 80, 1), &th), -EBADMSG);
	CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(0, 0, 3, 4, 8, 80, 1), &th), -EBADMSG);
	CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(0, 0, AF_INET, 4, 33, 80, 1), &th), -EBADMSG);
	CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(0, 0, AF_INET, 4, 4, 80, 1), &th), -EBADMSG);
	CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(0, 0, AF_INET, 4, 8, 0, 1), &th), -EBADMSG);
	CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(0, 0, AF_INET, 4, 8, 80, 0), &th), -EBADMSG);
	CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(0, 0, AF_INET, 4, 8, 80,
						     CROSSLAT_THRESH_RTT_MAX_NS + 1), &th),
		 -EBADMSG);

	/* RTT_NS is required; every attribute once. */
	CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(BIT64(CROSSLAT_THRESH_A_RTT_NS), 0, AF_INET,
						     4, 8, 80, 1), &th), -ENODATA);
	for (type = CROSSLAT_THRESH_A_NETNS_INUM; type <= CROSSLAT_THRESH_A_MAX; type++)
		CHECK_EQ(crosslat_nl_parse_thresh(thresh_raw(0, type, AF_INET, 4, 8, 80, 1), &th),
			 -EBADMSG);
	return 0;
}

static int thresh_parse_sizes_unknown(void)
{
	static const struct {
		unsigned int type;
		unsigned int size;	/* one byte more than allowed */
	} fixed[] = {
		{ CROSSLAT_THRESH_A_NETNS_INUM, 5 }, { CROSSLAT_THRESH_A_FAMILY, 2 },
		{ CROSSLAT_THRESH_A_PREFIX_LEN, 2 }, { CROSSLAT_THRESH_A_PORT, 3 },
		{ CROSSLAT_THRESH_A_RTT_NS, 9 },
	};
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int i;

	/* One byte more in each fixed-size attribute; the nest grows to match. */
	for (i = 0; i < ARRAY_SIZE(fixed); i++) {
		nlh = thresh_raw(BIT64(fixed[i].type), 0, AF_INET, 4, 8, 80, 1);
		nest = find_attr(nlh, CROSSLAT_A_THRESH);
		mnl_attr_put(nlh, fixed[i].type, fixed[i].size, "123456789");
		nest->nla_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nest;
		if (crosslat_nl_parse_thresh(nlh, &th) != -EBADMSG) {
			fprintf(stderr, "# type %u with a byte more accepted\n", fixed[i].type);
			return -1;
		}
	}

	nlh = genl_msg(FAMILY, CROSSLAT_CMD_THRESH_GET);
	mnl_attr_put_u32(nlh, CROSSLAT_A_MAX + 3, 7);
	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_THRESH);
	mnl_attr_put(nlh, CROSSLAT_THRESH_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, CROSSLAT_THRESH_A_RTT_NS, 42);
	mnl_attr_put(nlh, CROSSLAT_THRESH_A_MAX + 1, 3, "xyz");
	mnl_attr_put(nlh, CROSSLAT_THRESH_A_UNSPEC, 1, "x");
	mnl_attr_nest_end(nlh, nest);
	CHECK_EQ(crosslat_nl_parse_thresh(nlh, &th), 0);
	CHECK(thresh_eq(&th, &(struct crosslat_nl_thresh){ .rtt_ns = 42 }));

	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd = CROSSLAT_CMD_FLOW_GET;
	CHECK_EQ(crosslat_nl_parse_thresh(nlh, &th), -EPROTO);
	nlh = genl_msg(FAMILY, CROSSLAT_CMD_THRESH_GET);
	CHECK_EQ(crosslat_nl_parse_thresh(nlh, &th), -ENODATA);
	nlh = thresh_msg(&th_v4);
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CROSSLAT_A_THRESH));
	CHECK_EQ(crosslat_nl_parse_thresh(nlh, &th), -EBADMSG);
	return 0;
}

static int thresh_mutations(void)
{
	_Alignas(8) char good[256];
	uint32_t good_len, i, n;
	unsigned int seed = 777;
	struct nlmsghdr *nlh;

	nlh = thresh_msg(&th_v6);
	good_len = nlh->nlmsg_len;
	memcpy(good, buf, good_len);
	for (i = 0; i < 20000; i++) {
		char *msg = malloc(good_len);
		int err;

		CHECK(msg);
		memcpy(msg, good, good_len);
		for (n = 1 + rand_r(&seed) % 3; n; n--)
			msg[MNL_NLMSG_HDRLEN + rand_r(&seed) % (good_len - MNL_NLMSG_HDRLEN)] =
				rand_r(&seed);
		nlh = (struct nlmsghdr *)msg;
		if (rand_r(&seed) % 2)
			nlh->nlmsg_len = MNL_NLMSG_HDRLEN +
					 rand_r(&seed) % (good_len - MNL_NLMSG_HDRLEN + 1);
		err = crosslat_nl_parse_thresh(nlh, &th);
		free(msg);
		if (err == 0)
			CHECK_EQ(crosslat_nl_check_thresh(&th, true), 0);
		else
			CHECK(err == -EBADMSG || err == -EPROTO || err == -ENODATA);
	}
	return 0;
}

/* ---- NLMSG_DONE ---- */

/* An NLMSG_DONE with status error and, if msg, an extended-ACK message. */
static struct nlmsghdr *done_msg(int error, const char *msg)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(int)), &error, sizeof(int));
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	}
	return nlh;
}

static int done_parse(void)
{
	struct nlmsghdr *nlh;
	const char *msg = "junk";
	int error = 1;

	CHECK_EQ(crosslat_nl_parse_done(done_msg(0, NULL), &error, &msg), 0);
	CHECK_EQ(error, 0);
	CHECK(msg == NULL);
	CHECK_EQ(crosslat_nl_parse_done(done_msg(-EOPNOTSUPP, "crosslat_rtt not loaded"), &error,
					&msg), 0);
	CHECK_EQ(error, -EOPNOTSUPP);
	CHECK(msg && !strcmp(msg, "crosslat_rtt not loaded"));

	nlh = done_msg(-ENOBUFS, "cut");
	nlh->nlmsg_len -= 6;					/* broken TLV: message lost */
	CHECK_EQ(crosslat_nl_parse_done(nlh, &error, &msg), 0);
	CHECK_EQ(error, -ENOBUFS);
	CHECK(msg == NULL);

	nlh = done_msg(0, NULL);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 3;
	CHECK_EQ(crosslat_nl_parse_done(nlh, &error, &msg), -EBADMSG);
	CHECK_EQ(crosslat_nl_parse_done(stats_reply(), &error, &msg), -EPROTO);
	return 0;
}

/* ---- requests over a socket pair: the test plays the kernel ---- */

static _Alignas(8) char dgram[32768];
static size_t dgram_len;
static struct crosslat_nl *nl;
static int peer = -1;

static int fake_open(void)
{
	int sv[2];

	CHECK_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	CHECK_EQ(crosslat_nl_open_fd(&nl, sv[0], FAMILY), 0);
	peer = sv[1];
	return 0;
}

static void fake_close(void)
{
	crosslat_nl_close(nl);
	nl = NULL;
	if (peer >= 0)
		close(peer);
	peer = -1;
}

/* Appends the message in buf (built by a helper) to the next datagram, numbered seq. */
static void add(struct nlmsghdr *nlh, uint32_t seq, uint16_t flags)
{
	struct nlmsghdr *copy = (struct nlmsghdr *)(dgram + dgram_len);

	memcpy(copy, nlh, nlh->nlmsg_len);
	copy->nlmsg_seq = seq;
	copy->nlmsg_flags |= flags;
	dgram_len += MNL_ALIGN(nlh->nlmsg_len);
}

/* Queues the datagram for the client to read. */
static int flush_dgram(void)
{
	ssize_t n = send(peer, dgram, dgram_len, 0);

	CHECK_EQ(n, dgram_len);
	dgram_len = 0;
	return 0;
}

/* Reads the client's request: its command, flags and sequence number. */
static int expect_request(uint8_t cmd, uint16_t flags, uint32_t seq)
{
	_Alignas(8) char req[CROSSLAT_NL_REQ_MAX];
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	ssize_t n = recv(peer, req, sizeof(req), MSG_DONTWAIT);

	CHECK(n >= (ssize_t)(MNL_NLMSG_HDRLEN + GENL_HDRLEN));
	CHECK_EQ(nlh->nlmsg_len, n);
	CHECK_EQ(nlh->nlmsg_type, FAMILY);
	CHECK_EQ(nlh->nlmsg_flags, flags);
	CHECK_EQ(nlh->nlmsg_seq, seq);
	CHECK_EQ(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd, cmd);
	return 0;
}

struct seen {
	unsigned int n;
	uint16_t lport[8];
	int stop_at;		/* return -ECANCELED at this call (1-based); 0: never */
};

static int count_flow(const struct crosslat_nl_flow *f, void *arg)
{
	struct seen *s = arg;

	if (s->n < ARRAY_SIZE(s->lport))
		s->lport[s->n] = f->lport;
	s->n++;
	return s->stop_at && (int)s->n == s->stop_at ? -ECANCELED : 0;
}

static int count_thresh(const struct crosslat_nl_thresh *t, void *arg)
{
	struct seen *s = arg;

	if (s->n < ARRAY_SIZE(s->lport))
		s->lport[s->n] = t->port;
	s->n++;
	return 0;
}

/* A flow message whose lport is port (and family fam). */
static struct nlmsghdr *flow_port(uint16_t port, uint8_t fam)
{
	struct flow_build b = { .family = fam, .omit = BIT64(CROSSLAT_FLOW_A_LPORT) };
	struct nlmsghdr *nlh = flow_msg(&b);
	struct nlattr *nest = find_attr(nlh, CROSSLAT_A_FLOW);

	mnl_attr_put_u16(nlh, CROSSLAT_FLOW_A_LPORT, port);
	nest->nla_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nest;
	return nlh;
}

static int dump_multipart(void)
{
	struct seen s = { 0 };
	int err;

	CHECK_EQ(fake_open(), 0);
	add(flow_port(1001, AF_INET), 1, NLM_F_MULTI);
	add(flow_port(1002, AF_INET6), 1, NLM_F_MULTI);
	CHECK_EQ(flush_dgram(), 0);
	add(flow_port(1003, AF_INET), 1, NLM_F_MULTI);
	CHECK_EQ(flush_dgram(), 0);
	add(done_msg(0, NULL), 1, 0);
	CHECK_EQ(flush_dgram(), 0);
	err = crosslat_nl_flows(nl, count_flow, &s);
	CHECK_EQ(err, 0);
	CHECK_EQ(s.n, 3);
	CHECK_EQ(s.lport[0], 1001);
	CHECK_EQ(s.lport[1], 1002);
	CHECK_EQ(s.lport[2], 1003);
	CHECK_EQ(expect_request(CROSSLAT_CMD_FLOW_GET, NLM_F_REQUEST | NLM_F_DUMP, 1), 0);
	CHECK(crosslat_nl_ext_msg(nl) == NULL);

	/* Empty dump, DONE alone; then flows and DONE in one datagram. */
	add(done_msg(0, NULL), 2, 0);
	CHECK_EQ(flush_dgram(), 0);
	s.n = 0;
	CHECK_EQ(crosslat_nl_flows(nl, count_flow, &s), 0);
	CHECK_EQ(s.n, 0);
	add(flow_port(7, AF_INET), 3, NLM_F_MULTI);
	add(done_msg(0, NULL), 3, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_flows(nl, count_flow, &s), 0);
	CHECK_EQ(s.n, 1);
	fake_close();
	return 0;
}

/* crosslat_rtt not loaded: refused at dump start (NLMSG_ERROR) or by the dump (DONE). */
static int dump_not_supported(void)
{
	struct seen s = { 0 };
	struct nlmsghdr *nlh;
	const char *ext;

	CHECK_EQ(fake_open(), 0);
	nlh = error_msg(-EOPNOTSUPP, GENL_HDRLEN, true);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "crosslat_rtt is not loaded");
	add(nlh, 1, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_flows(nl, count_flow, &s), -EOPNOTSUPP);
	ext = crosslat_nl_ext_msg(nl);
	CHECK(ext && !strcmp(ext, "crosslat_rtt is not loaded"));
	CHECK_EQ(s.n, 0);

	add(done_msg(-EOPNOTSUPP, "no rtt"), 2, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_thresh_list(nl, count_thresh, &s), -EOPNOTSUPP);
	ext = crosslat_nl_ext_msg(nl);
	CHECK(ext && !strcmp(ext, "no rtt"));
	CHECK_EQ(expect_request(CROSSLAT_CMD_FLOW_GET, NLM_F_REQUEST | NLM_F_DUMP, 1), 0);
	CHECK_EQ(expect_request(CROSSLAT_CMD_THRESH_GET, NLM_F_REQUEST | NLM_F_DUMP, 2), 0);

	/* The next request starts without the old message. */
	add(done_msg(0, NULL), 3, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_flows(nl, count_flow, &s), 0);
	CHECK(crosslat_nl_ext_msg(nl) == NULL);
	fake_close();
	return 0;
}

/* An error after some entries: those were delivered, the error is returned. */
static int dump_error_midway(void)
{
	struct seen s = { 0 };

	CHECK_EQ(fake_open(), 0);
	add(flow_port(1, AF_INET), 1, NLM_F_MULTI);
	CHECK_EQ(flush_dgram(), 0);
	add(done_msg(-EMSGSIZE, NULL), 1, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_flows(nl, count_flow, &s), -EMSGSIZE);
	CHECK_EQ(s.n, 1);
	fake_close();
	return 0;
}

/* A callback's error stops the calls; the rest is drained; the handle stays usable. */
static int dump_callback_stops(void)
{
	struct seen s = { .stop_at = 1 };

	CHECK_EQ(fake_open(), 0);
	add(flow_port(1, AF_INET), 1, NLM_F_MULTI);
	add(flow_port(2, AF_INET), 1, NLM_F_MULTI);
	CHECK_EQ(flush_dgram(), 0);
	add(flow_port(3, AF_INET), 1, NLM_F_MULTI);
	add(done_msg(0, NULL), 1, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_flows(nl, count_flow, &s), -ECANCELED);
	CHECK_EQ(s.n, 1);

	/* A stale message of an old request is skipped. */
	add(flow_port(9, AF_INET), 1, NLM_F_MULTI);
	CHECK_EQ(flush_dgram(), 0);
	add(thresh_msg(&th_v4), 2, 0);
	add(thresh_msg(&th_global), 2, 0);
	add(done_msg(0, NULL), 2, 0);
	CHECK_EQ(flush_dgram(), 0);
	s.n = 0;
	CHECK_EQ(crosslat_nl_thresh_list(nl, count_thresh, &s), 0);
	CHECK_EQ(s.n, 2);
	CHECK_EQ(s.lport[0], 65535);
	CHECK_EQ(s.lport[1], 0);
	fake_close();
	return 0;
}

/* A malformed entry: the ones before it are delivered, none after, -EBADMSG. */
static int dump_bad_entry(void)
{
	struct flow_build bad = { .laddr_len = 16 };
	struct seen s = { 0 };

	CHECK_EQ(fake_open(), 0);
	add(flow_port(1, AF_INET), 1, NLM_F_MULTI);
	add(flow_msg(&bad), 1, NLM_F_MULTI);
	add(flow_port(3, AF_INET), 1, NLM_F_MULTI);
	add(done_msg(0, NULL), 1, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_flows(nl, count_flow, &s), -EBADMSG);
	CHECK_EQ(s.n, 1);

	/* The kernel's error wins over a decoder's. */
	add(flow_msg(&bad), 2, NLM_F_MULTI);
	add(done_msg(-ENOBUFS, NULL), 2, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_flows(nl, count_flow, &s), -ENOBUFS);

	/* Not our family's message type. */
	add(flow_port(1, AF_INET), 3, NLM_F_MULTI);
	((struct nlmsghdr *)dgram)->nlmsg_type = FAMILY + 1;
	add(done_msg(0, NULL), 3, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_flows(nl, count_flow, &s), -EPROTO);
	fake_close();
	return 0;
}

static int dump_interrupted(void)
{
	struct seen s = { 0 };

	CHECK_EQ(fake_open(), 0);
	add(flow_port(1, AF_INET), 1, NLM_F_MULTI);
	add(flow_port(2, AF_INET), 1, NLM_F_MULTI | NLM_F_DUMP_INTR);
	add(done_msg(0, NULL), 1, NLM_F_DUMP_INTR);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_flows(nl, count_flow, &s), -EINTR);
	CHECK_EQ(s.n, 2);
	fake_close();
	return 0;
}

static int dump_broken_datagrams(void)
{
	struct seen s = { 0 };

	CHECK_EQ(fake_open(), 0);
	/* Bytes after the last message that are not a message. */
	add(flow_port(1, AF_INET), 1, NLM_F_MULTI);
	memset(dgram + dgram_len, 0xff, 8);
	dgram_len += 8;
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_flows(nl, count_flow, &s), -EBADMSG);
	fake_close();

	/* Larger than the receive buffer: never silently cut. */
	CHECK_EQ(fake_open(), 0);
	while (dgram_len + 1024 < sizeof(dgram))
		add(flow_port(1, AF_INET), 1, NLM_F_MULTI);
	CHECK(dgram_len > 16384);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_flows(nl, count_flow, &s), -EMSGSIZE);
	fake_close();

	/* The peer is gone. */
	CHECK_EQ(fake_open(), 0);
	close(peer);
	peer = -1;
	CHECK_EQ(crosslat_nl_flows(nl, count_flow, &s), -EPIPE);
	fake_close();
	return 0;
}

static int thresh_requests_acked(void)
{
	_Alignas(8) char req[CROSSLAT_NL_REQ_MAX];
	struct nlmsghdr *nlh = (struct nlmsghdr *)req, *err;
	struct nlattr *nest;
	const char *ext;
	ssize_t n;

	CHECK_EQ(fake_open(), 0);
	add(error_msg(0, 64, true), 1, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_thresh_set(nl, &th_v4), 0);
	n = recv(peer, req, sizeof(req), MSG_DONTWAIT);
	CHECK(n > 0);
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	CHECK_EQ(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd, CROSSLAT_CMD_THRESH_SET);
	nest = find_attr(nlh, CROSSLAT_A_THRESH);
	CHECK(nest);
	CHECK(mnl_attr_get_u64(find_nested(nest, CROSSLAT_THRESH_A_RTT_NS)) ==
	      CROSSLAT_THRESH_RTT_MAX_NS);

	err = error_msg(-ENOENT, 40, false);
	err->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_strz(err, NLMSGERR_ATTR_MSG, "no such rule");
	add(err, 2, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_thresh_del(nl, &th_v6), -ENOENT);
	ext = crosslat_nl_ext_msg(nl);
	CHECK(ext && !strcmp(ext, "no such rule"));
	CHECK_EQ(expect_request(CROSSLAT_CMD_THRESH_DEL, NLM_F_REQUEST | NLM_F_ACK, 2), 0);

	add(error_msg(0, 20, true), 3, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_thresh_flush(nl), 0);
	CHECK_EQ(expect_request(CROSSLAT_CMD_THRESH_DEL, NLM_F_REQUEST | NLM_F_ACK, 3), 0);

	/* An invalid rule never reaches the socket. */
	CHECK_EQ(crosslat_nl_thresh_set(nl, &(struct crosslat_nl_thresh){ 0 }), -ERANGE);
	CHECK(recv(peer, req, sizeof(req), MSG_DONTWAIT) < 0);

	/* A reply to a request that expects only an ACK. */
	add(thresh_msg(&th_v4), 5, 0);
	add(error_msg(0, 20, true), 5, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_thresh_flush(nl), -EPROTO);
	fake_close();
	return 0;
}

/* The stats request still reads its one reply and the ACK after it. */
static int stats_over_socket(void)
{
	CHECK_EQ(fake_open(), 0);
	add(stats_reply(), 1, 0);
	add(error_msg(0, 20, true), 1, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_get_stats(nl, &st), 0);
	CHECK_EQ(stat_of(CROSSLAT_STAT_MARKS), 7);

	add(error_msg(0, 20, true), 2, 0);			/* no reply */
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_get_stats(nl, &st), -ENODATA);

	add(stats_reply(), 3, 0);
	add(stats_reply(), 3, 0);				/* one too many */
	add(error_msg(0, 20, true), 3, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_get_stats(nl, &st), -EPROTO);
	fake_close();
	return 0;
}

/* ---- map dump replies ---- */

enum { K_TUPLE = K_ADDR + 1 };

/* What each CROSSLAT_MAP_A_* carries, written down from the uapi header. */
static const uint8_t map_kind[] = {
	[CROSSLAT_MAP_A_NETNS_COOKIE]	= K_U64,
	[CROSSLAT_MAP_A_NETNS_INUM]	= K_U32,
	[CROSSLAT_MAP_A_DIR]		= K_U8,
	[CROSSLAT_MAP_A_TUNNEL]		= K_U8,
	[CROSSLAT_MAP_A_VNI]		= K_U32,
	[CROSSLAT_MAP_A_INNER]		= K_TUPLE,
	[CROSSLAT_MAP_A_OUTER]		= K_TUPLE,
	[CROSSLAT_MAP_A_FIRST_NS]	= K_U64,
	[CROSSLAT_MAP_A_LAST_NS]	= K_U64,
	[CROSSLAT_MAP_A_PACKETS]	= K_U64,
	[CROSSLAT_MAP_A_BYTES]		= K_U64,
};

/* And each CROSSLAT_TUPLE_A_*. */
static const uint8_t tuple_kind[] = {
	[CROSSLAT_TUPLE_A_FAMILY]	= K_U8,
	[CROSSLAT_TUPLE_A_PROTO]	= K_U8,
	[CROSSLAT_TUPLE_A_SADDR]	= K_ADDR,
	[CROSSLAT_TUPLE_A_DADDR]	= K_ADDR,
	[CROSSLAT_TUPLE_A_SPORT]	= K_U16,
	[CROSSLAT_TUPLE_A_DPORT]	= K_U16,
};

#define TUPLE_PORTS	(BIT64(CROSSLAT_TUPLE_A_SPORT) | BIT64(CROSSLAT_TUPLE_A_DPORT))
#define MAP_VNI_DEFAULT	0xabcdef
#define INNER_SPORT	40000
#define INNER_DPORT	8080
#define OUTER_SPORT	51234
#define OUTER_DPORT	4789

static const uint8_t v4_o1[4] = { 192, 168, 100, 1 }, v4_o2[4] = { 192, 168, 100, 2 };
static const uint8_t v6_o1[16] = { 0xfd, 0, [15] = 1 }, v6_o2[16] = { 0xfd, 0, [15] = 2 };

/* How one tuple of map_msg() departs from a valid one. */
struct tuple_build {
	uint8_t family;			/* 0: AF_INET */
	uint8_t proto;			/* 0: the natural one (inner TCP; outer per tunnel) */
	uint64_t omit;			/* CROSSLAT_TUPLE_A_* left out */
	unsigned int dup;		/* type put twice; 0: none */
	unsigned int bad;		/* type put with its payload resized by bad_delta */
	int bad_delta;
	unsigned int saddr_len, daddr_len;	/* 0: the family's */
	int ports;			/* 0: for TCP and UDP only; 1: always; -1: never */
	uint8_t family_value;		/* sent as FAMILY instead of family, when not 0 */
};

/* How map_msg() departs from a complete, valid VXLAN encap mapping of IPv4 TCP. */
struct map_build {
	uint8_t dir;			/* 0: ENCAP */
	uint8_t tunnel;			/* 0: VXLAN */
	uint32_t vni;			/* 0: MAP_VNI_DEFAULT */
	uint64_t omit;			/* CROSSLAT_MAP_A_* left out */
	unsigned int dup;
	unsigned int bad;
	int bad_delta;
	bool vni_always;		/* VNI even for IPIP */
	bool reverse;			/* highest type first */
	struct tuple_build inner, outer;
	/* Attributes outside map_kind, put after it: CROSSLAT_MAP_A_NAT and the pod's. */
	bool nat_attr;			/* NAT with value nat (default for DIR_NAT) */
	uint8_t nat;
	bool pod, pid;			/* POD_NETNS_*, CGROUP_ID; POD_PID and POD_COMM */
	uint64_t extra_omit;		/* of those, CROSSLAT_MAP_A_* left out */
	const void *comm;		/* NULL: "curl" with its NUL */
	unsigned int comm_len;
};

#define POD_COOKIE	0x1122334455667788ULL
#define POD_INUM	0xf0000001u
#define POD_CGROUP	0x123456789ULL
#define POD_PID		4242u

static bool build_nat(const struct map_build *b)
{
	return b->dir == CROSSLAT_MAP_DIR_NAT;
}

/* The NAT and pod attributes b asks for, at the end of the map nest. */
static void put_map_extras(struct nlmsghdr *nlh, const struct map_build *b)
{
	static const char curl[] = "curl";

#define EXTRA(type)	(!(b->extra_omit & BIT64(type)))
	if ((b->nat_attr || build_nat(b)) && EXTRA(CROSSLAT_MAP_A_NAT))
		mnl_attr_put_u8(nlh, CROSSLAT_MAP_A_NAT,
				b->nat_attr ? b->nat : CROSSLAT_MAP_NAT_DST);
	if (b->pod && EXTRA(CROSSLAT_MAP_A_POD_NETNS_COOKIE))
		mnl_attr_put_u64(nlh, CROSSLAT_MAP_A_POD_NETNS_COOKIE, POD_COOKIE);
	if (b->pod && EXTRA(CROSSLAT_MAP_A_POD_NETNS_INUM))
		mnl_attr_put_u32(nlh, CROSSLAT_MAP_A_POD_NETNS_INUM, POD_INUM);
	if (b->pod && EXTRA(CROSSLAT_MAP_A_POD_CGROUP_ID))
		mnl_attr_put_u64(nlh, CROSSLAT_MAP_A_POD_CGROUP_ID, POD_CGROUP);
	if (b->pid && EXTRA(CROSSLAT_MAP_A_POD_PID))
		mnl_attr_put_u32(nlh, CROSSLAT_MAP_A_POD_PID, POD_PID);
	if (b->pid && EXTRA(CROSSLAT_MAP_A_POD_COMM))
		mnl_attr_put(nlh, CROSSLAT_MAP_A_POD_COMM, b->comm ? b->comm_len : sizeof(curl),
			     b->comm ? b->comm : curl);
#undef EXTRA
}

static uint8_t build_tunnel(const struct map_build *b)
{
	return b->tunnel ? b->tunnel : CROSSLAT_MAP_TUNNEL_VXLAN;
}

static uint8_t tuple_family(const struct tuple_build *t)
{
	return t->family ? t->family : AF_INET;
}

static uint8_t tuple_proto(const struct map_build *b, bool outer)
{
	const struct tuple_build *t = outer ? &b->outer : &b->inner;

	if (t->proto)
		return t->proto;
	if (!outer)
		return IPPROTO_TCP;
	if (build_tunnel(b) != CROSSLAT_MAP_TUNNEL_IPIP)
		return IPPROTO_UDP;
	return tuple_family(&b->inner) == AF_INET ? IPPROTO_IPIP : IPPROTO_IPV6;
}

static void put_tuple_attr(struct nlmsghdr *nlh, unsigned int type, const struct tuple_build *t,
			   uint8_t proto, bool outer)
{
	uint8_t family = tuple_family(t), payload[32] = { 0 };
	unsigned int size = 0;
	uint16_t port;
	bool src = type == CROSSLAT_TUPLE_A_SADDR;

	switch (type) {
	case CROSSLAT_TUPLE_A_FAMILY:
		size = 1;
		payload[0] = t->family_value ? t->family_value : family;
		break;
	case CROSSLAT_TUPLE_A_PROTO:
		size = 1;
		payload[0] = proto;
		break;
	case CROSSLAT_TUPLE_A_SADDR:
	case CROSSLAT_TUPLE_A_DADDR:
		size = src ? t->saddr_len : t->daddr_len;
		if (!size)
			size = family == AF_INET6 ? 16 : 4;
		if (size == 4)
			memcpy(payload, outer ? (src ? v4_o1 : v4_o2) : (src ? v4_l : v4_r), 4);
		else
			memcpy(payload, outer ? (src ? v6_o1 : v6_o2) : (src ? v6_l : v6_r), 16);
		break;
	case CROSSLAT_TUPLE_A_SPORT:
	case CROSSLAT_TUPLE_A_DPORT:
		size = 2;
		if (type == CROSSLAT_TUPLE_A_SPORT)
			port = outer ? OUTER_SPORT : INNER_SPORT;
		else
			port = outer ? OUTER_DPORT : INNER_DPORT;
		memcpy(payload, &port, 2);
		break;
	}
	if (type == t->bad)
		size += t->bad_delta;
	mnl_attr_put(nlh, type, size, payload);
}

static void put_tuple(struct nlmsghdr *nlh, unsigned int attr, const struct map_build *b)
{
	bool outer = attr == CROSSLAT_MAP_A_OUTER;
	const struct tuple_build *t = outer ? &b->outer : &b->inner;
	uint8_t proto = tuple_proto(b, outer);
	bool ports = t->ports > 0 ||
		     (!t->ports && (proto == IPPROTO_TCP || proto == IPPROTO_UDP));
	struct nlattr *nest;
	unsigned int type;

	nest = mnl_attr_nest_start(nlh, attr);
	for (type = 0; type < ARRAY_SIZE(tuple_kind); type++) {
		if (!tuple_kind[type] || (t->omit & BIT64(type)))
			continue;
		if ((TUPLE_PORTS & BIT64(type)) && !ports)
			continue;
		put_tuple_attr(nlh, type, t, proto, outer);
		if (type == t->dup)
			put_tuple_attr(nlh, type, t, proto, outer);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_map_attr(struct nlmsghdr *nlh, unsigned int type, const struct map_build *b)
{
	uint8_t payload[16] = { 0 };
	unsigned int size = 0;
	uint64_t u64 = U64V(type);
	uint32_t u32 = type == CROSSLAT_MAP_A_VNI ? (b->vni ? b->vni : MAP_VNI_DEFAULT) : INUM;

	switch (map_kind[type]) {
	case K_U8:
		size = 1;
		if (type == CROSSLAT_MAP_A_DIR)
			payload[0] = b->dir ? b->dir : CROSSLAT_MAP_DIR_ENCAP;
		else
			payload[0] = build_nat(b) ? b->tunnel : build_tunnel(b);
		break;
	case K_U32:
		size = 4;
		memcpy(payload, &u32, size);
		break;
	case K_U64:
		size = 8;
		memcpy(payload, &u64, size);
		break;
	case K_TUPLE:
		if (type == b->bad) {
			/* The nest resized: cut short, or with stray bytes at its end. */
			struct nlattr *nest = (struct nlattr *)mnl_nlmsg_get_payload_tail(nlh);

			put_tuple(nlh, type, b);
			nest->nla_len += b->bad_delta;
			nlh->nlmsg_len = MNL_ALIGN((char *)nest + nest->nla_len - (char *)nlh);
			return;
		}
		put_tuple(nlh, type, b);
		return;
	}
	if (type == b->bad)
		size += b->bad_delta;
	mnl_attr_put(nlh, type, size, payload);
}

/* A MAP_GET dump message built as b says, in buf. */
static struct nlmsghdr *map_msg(const struct map_build *b)
{
	struct nlmsghdr *nlh = genl_msg(FAMILY, CROSSLAT_CMD_MAP_GET);
	struct nlattr *nest;
	unsigned int i, type;

	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_MAP);
	for (i = 0; i < ARRAY_SIZE(map_kind); i++) {
		type = b->reverse ? ARRAY_SIZE(map_kind) - 1 - i : i;
		if (!map_kind[type] || (b->omit & BIT64(type)))
			continue;
		if (type == CROSSLAT_MAP_A_VNI && !b->vni_always &&
		    (build_nat(b) || build_tunnel(b) == CROSSLAT_MAP_TUNNEL_IPIP))
			continue;
		put_map_attr(nlh, type, b);
		if (type == b->dup)
			put_map_attr(nlh, type, b);
	}
	put_map_extras(nlh, b);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static struct crosslat_nl_map map;

static int map_parse_build(const struct map_build *b)
{
	return crosslat_nl_parse_map(map_msg(b), &map);
}

/* t decoded from a put_tuple() of family with proto, and ports or not. */
static int check_tuple(const struct crosslat_nl_tuple *t, uint8_t family, uint8_t proto,
		       bool outer, bool ports)
{
	static const uint8_t zero12[12];

	CHECK_EQ(t->family, family);
	CHECK_EQ(t->proto, proto);
	if (family == AF_INET) {
		CHECK(!memcmp(t->saddr, outer ? v4_o1 : v4_l, 4));
		CHECK(!memcmp(t->daddr, outer ? v4_o2 : v4_r, 4));
		CHECK(!memcmp(t->saddr + 4, zero12, sizeof(zero12)));
		CHECK(!memcmp(t->daddr + 4, zero12, sizeof(zero12)));
	} else {
		CHECK(!memcmp(t->saddr, outer ? v6_o1 : v6_l, 16));
		CHECK(!memcmp(t->daddr, outer ? v6_o2 : v6_r, 16));
	}
	CHECK_EQ(t->has_ports, ports);
	CHECK_EQ(t->sport, ports ? (outer ? OUTER_SPORT : INNER_SPORT) : 0);
	CHECK_EQ(t->dport, ports ? (outer ? OUTER_DPORT : INNER_DPORT) : 0);
	return 0;
}

/* The fields every valid map_msg() carries besides its tuples. */
static int check_map_base(const struct crosslat_nl_map *m)
{
	CHECK(m->netns_cookie == U64V(CROSSLAT_MAP_A_NETNS_COOKIE));
	CHECK(m->netns_inum == INUM);
	CHECK(m->first_ns == U64V(CROSSLAT_MAP_A_FIRST_NS));
	CHECK(m->last_ns == U64V(CROSSLAT_MAP_A_LAST_NS));
	CHECK(m->packets == U64V(CROSSLAT_MAP_A_PACKETS));
	CHECK(m->bytes == U64V(CROSSLAT_MAP_A_BYTES));
	return 0;
}

static int map_valid_vxlan(void)
{
	struct map_build b = { 0 };

	CHECK_EQ(map_parse_build(&b), 0);
	CHECK_EQ(check_map_base(&map), 0);
	CHECK_EQ(map.dir, CROSSLAT_MAP_DIR_ENCAP);
	CHECK_EQ(map.tunnel, CROSSLAT_MAP_TUNNEL_VXLAN);
	CHECK_EQ(map.vni, MAP_VNI_DEFAULT);
	CHECK_EQ(check_tuple(&map.inner, AF_INET, IPPROTO_TCP, false, true), 0);
	CHECK_EQ(check_tuple(&map.outer, AF_INET, IPPROTO_UDP, true, true), 0);

	/* Attributes in any order; the largest VNI; decap. */
	b.reverse = true;
	b.vni = 0xffffff;
	b.dir = CROSSLAT_MAP_DIR_DECAP;
	CHECK_EQ(map_parse_build(&b), 0);
	CHECK_EQ(check_map_base(&map), 0);
	CHECK_EQ(map.dir, CROSSLAT_MAP_DIR_DECAP);
	CHECK_EQ(map.vni, 0xffffff);
	CHECK_EQ(check_tuple(&map.inner, AF_INET, IPPROTO_TCP, false, true), 0);
	return 0;
}

static int map_valid_ipv6(void)
{
	struct map_build b = {
		.tunnel = CROSSLAT_MAP_TUNNEL_GENEVE,
		.inner = { .family = AF_INET6, .proto = IPPROTO_UDP },
		.outer = { .family = AF_INET6 },
	};

	CHECK_EQ(map_parse_build(&b), 0);
	CHECK_EQ(check_map_base(&map), 0);
	CHECK_EQ(map.tunnel, CROSSLAT_MAP_TUNNEL_GENEVE);
	CHECK_EQ(check_tuple(&map.inner, AF_INET6, IPPROTO_UDP, false, true), 0);
	CHECK_EQ(check_tuple(&map.outer, AF_INET6, IPPROTO_UDP, true, true), 0);

	/* IPv6 inside IPv4 (proto 41), and IPv4 inside IPv6 (proto 4): no VNI, no ports. */
	b = (struct map_build){
		.tunnel = CROSSLAT_MAP_TUNNEL_IPIP,
		.inner = { .family = AF_INET6 },
	};
	CHECK_EQ(map_parse_build(&b), 0);
	CHECK_EQ(map.tunnel, CROSSLAT_MAP_TUNNEL_IPIP);
	CHECK_EQ(map.vni, 0);
	CHECK_EQ(check_tuple(&map.inner, AF_INET6, IPPROTO_TCP, false, true), 0);
	CHECK_EQ(check_tuple(&map.outer, AF_INET, IPPROTO_IPV6, true, false), 0);
	b.inner.family = AF_INET;
	b.outer.family = AF_INET6;
	CHECK_EQ(map_parse_build(&b), 0);
	CHECK_EQ(check_tuple(&map.inner, AF_INET, IPPROTO_TCP, false, true), 0);
	CHECK_EQ(check_tuple(&map.outer, AF_INET6, IPPROTO_IPIP, true, false), 0);
	return 0;
}

/* A NAT mapping: conntrack's original and reply tuples, the translation, no tunnel. */
static int map_nat(void)
{
	struct map_build b = { .dir = CROSSLAT_MAP_DIR_NAT, .outer = { .proto = IPPROTO_TCP } };

	CHECK_EQ(map_parse_build(&b), 0);
	CHECK_EQ(check_map_base(&map), 0);
	CHECK_EQ(map.dir, CROSSLAT_MAP_DIR_NAT);
	CHECK_EQ(map.tunnel, 0);
	CHECK_EQ(map.vni, 0);
	CHECK_EQ(map.nat, CROSSLAT_MAP_NAT_DST);
	CHECK(!map.pod_known);
	CHECK_EQ(check_tuple(&map.inner, AF_INET, IPPROTO_TCP, false, true), 0);
	CHECK_EQ(check_tuple(&map.outer, AF_INET, IPPROTO_TCP, true, true), 0);
	b.nat_attr = true;
	b.nat = CROSSLAT_MAP_NAT_SRC | CROSSLAT_MAP_NAT_DST;
	b.inner = (struct tuple_build){ .family = AF_INET6, .proto = IPPROTO_UDP };
	b.outer = (struct tuple_build){ .family = AF_INET6, .proto = IPPROTO_UDP };
	CHECK_EQ(map_parse_build(&b), 0);
	CHECK_EQ(map.nat, CROSSLAT_MAP_NAT_SRC | CROSSLAT_MAP_NAT_DST);
	CHECK_EQ(check_tuple(&map.outer, AF_INET6, IPPROTO_UDP, true, true), 0);

	/* No translation, an unknown one, none said; a tunnel, a VNI; tuples that differ. */
	b = (struct map_build){ .dir = CROSSLAT_MAP_DIR_NAT, .outer = { .proto = IPPROTO_TCP } };
	b.nat_attr = true;
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b.nat = 4;
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b.nat_attr = false;
	b.extra_omit = BIT64(CROSSLAT_MAP_A_NAT);
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b.extra_omit = 0;
	b.dir = CROSSLAT_MAP_DIR_ENCAP;
	b.tunnel = CROSSLAT_MAP_TUNNEL_IPIP;
	b.outer.proto = 0;
	CHECK_EQ(map_parse_build(&b), 0);	/* (the same mapping as a tunnel is valid) */
	b = (struct map_build){ .dir = CROSSLAT_MAP_DIR_NAT, .outer = { .proto = IPPROTO_TCP },
				.tunnel = CROSSLAT_MAP_TUNNEL_VXLAN };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b.tunnel = 0;
	b.vni_always = true;
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b.vni_always = false;
	b.outer.proto = IPPROTO_UDP;
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b.outer = (struct tuple_build){ .proto = IPPROTO_TCP, .family = AF_INET6 };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b.inner = (struct tuple_build){ .proto = IPPROTO_ICMP };
	b.outer = (struct tuple_build){ .proto = IPPROTO_ICMP };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	/* A tunnel with a translation. */
	b = (struct map_build){ .nat_attr = true, .nat = CROSSLAT_MAP_NAT_DST };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	return 0;
}

/* The pod: namespace and cgroup all together, the process only with them. */
static int map_pod(void)
{
	static const char long_comm[17] = "0123456789abcdef";
	static const char unterminated[4] = { 'c', 'u', 'r', 'l' };
	struct map_build b = { .pod = true };
	unsigned int type;

	CHECK_EQ(map_parse_build(&b), 0);
	CHECK(map.pod_known);
	CHECK(map.pod.netns_cookie == POD_COOKIE);
	CHECK_EQ(map.pod.netns_inum, POD_INUM);
	CHECK(map.pod.cgroup_id == POD_CGROUP);
	CHECK_EQ(map.pod.pid, 0);
	CHECK_EQ(map.pod.comm[0], 0);
	b.pid = true;
	CHECK_EQ(map_parse_build(&b), 0);
	CHECK_EQ(map.pod.pid, POD_PID);
	CHECK(!strcmp(map.pod.comm, "curl"));
	b = (struct map_build){ .pod = true, .pid = true, .comm = long_comm + 1,
				.comm_len = 16 };		/* 15 characters, the most */
	CHECK_EQ(map_parse_build(&b), 0);
	CHECK(!strcmp(map.pod.comm, long_comm + 1));
	b = (struct map_build){ .dir = CROSSLAT_MAP_DIR_NAT, .outer = { .proto = IPPROTO_TCP },
				.pod = true, .pid = true };
	CHECK_EQ(map_parse_build(&b), 0);
	CHECK(map.pod_known && map.pod.pid == POD_PID);

	for (type = CROSSLAT_MAP_A_POD_NETNS_COOKIE; type <= CROSSLAT_MAP_A_POD_COMM; type++) {
		b = (struct map_build){ .pod = true, .pid = true, .extra_omit = BIT64(type) };
		if (map_parse_build(&b) != -EBADMSG) {
			fprintf(stderr, "# pod without type %u not refused\n", type);
			return -1;
		}
	}
	b = (struct map_build){ .pid = true };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .pod = true, .pid = true, .comm = long_comm, .comm_len = 17 };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b.comm = unterminated;
	b.comm_len = sizeof(unterminated);
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b.comm = "";
	b.comm_len = 0;
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	CHECK(!map.pod_known && !map.pod.pid);	/* a refused message leaves nothing behind */
	return 0;
}

/* Ports: absent for protocols without them, required for TCP and UDP, both or neither. */
static int map_missing_ports(void)
{
	struct map_build b = { .inner = { .proto = IPPROTO_ICMP } };

	CHECK_EQ(map_parse_build(&b), 0);
	CHECK_EQ(check_tuple(&map.inner, AF_INET, IPPROTO_ICMP, false, false), 0);
	b.inner = (struct tuple_build){ .family = AF_INET6, .proto = IPPROTO_ICMPV6 };
	b.tunnel = CROSSLAT_MAP_TUNNEL_IPIP;
	CHECK_EQ(map_parse_build(&b), 0);
	CHECK_EQ(check_tuple(&map.inner, AF_INET6, IPPROTO_ICMPV6, false, false), 0);
	CHECK_EQ(check_tuple(&map.outer, AF_INET, IPPROTO_IPV6, true, false), 0);

	/* Another protocol with ports (SCTP) keeps them. */
	b = (struct map_build){ .inner = { .proto = IPPROTO_SCTP, .ports = 1 } };
	CHECK_EQ(map_parse_build(&b), 0);
	CHECK_EQ(check_tuple(&map.inner, AF_INET, IPPROTO_SCTP, false, true), 0);

	b = (struct map_build){ .inner = { .ports = -1 } };		/* TCP */
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .outer = { .ports = -1 } };		/* VXLAN's UDP */
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .inner = { .proto = IPPROTO_UDP, .ports = -1 } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .inner = { .omit = BIT64(CROSSLAT_TUPLE_A_SPORT) } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .outer = { .omit = BIT64(CROSSLAT_TUPLE_A_DPORT) } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .inner = { .proto = IPPROTO_ICMP, .ports = 1,
					   .omit = BIT64(CROSSLAT_TUPLE_A_DPORT) } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	/* An IP-in-IP outer has no ports. */
	b = (struct map_build){ .tunnel = CROSSLAT_MAP_TUNNEL_IPIP, .outer = { .ports = 1 } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	return 0;
}

/*
 * Every attribute, of the mapping or of either tuple, one byte off is refused (resized
 * tuple nests: map_malformed_nests()).
 */
static int map_bad_sizes(void)
{
	struct map_build b;
	unsigned int type, which;
	int delta;

	for (type = 0; type < ARRAY_SIZE(map_kind); type++) {
		if (!map_kind[type] || map_kind[type] == K_TUPLE)
			continue;
		for (delta = -1; delta <= 1; delta += 2) {
			b = (struct map_build){ .bad = type, .bad_delta = delta };
			if (map_parse_build(&b) != -EBADMSG) {
				fprintf(stderr, "# map type %u %+d byte accepted\n", type, delta);
				return -1;
			}
		}
	}
	for (which = 0; which < 2; which++) {
		for (type = 0; type < ARRAY_SIZE(tuple_kind); type++) {
			if (!tuple_kind[type] || tuple_kind[type] == K_ADDR)
				continue;
			for (delta = -1; delta <= 1; delta += 2) {
				struct tuple_build *t;

				b = (struct map_build){ 0 };
				t = which ? &b.outer : &b.inner;
				t->bad = type;
				t->bad_delta = delta;
				if (map_parse_build(&b) != -EBADMSG) {
					fprintf(stderr, "# %s tuple type %u %+d byte accepted\n",
						which ? "outer" : "inner", type, delta);
					return -1;
				}
			}
		}
	}

	/* Addresses must have the family's size, and the family be IPv4 or IPv6. */
	b = (struct map_build){ .inner = { .saddr_len = 16, .daddr_len = 16 } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .inner = { .family = AF_INET6, .saddr_len = 4, .daddr_len = 4 } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .outer = { .daddr_len = 16 } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .outer = { .family = AF_INET6, .saddr_len = 4 } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .inner = { .bad = CROSSLAT_TUPLE_A_SADDR, .bad_delta = 1 } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .outer = { .bad = CROSSLAT_TUPLE_A_DADDR, .bad_delta = -1 } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .inner = { .family_value = AF_UNIX } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .outer = { .family_value = 255 } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	return 0;
}

static int map_missing_required(void)
{
	struct map_build b;
	unsigned int type, which;

	for (type = 0; type < ARRAY_SIZE(map_kind); type++) {
		if (!map_kind[type])
			continue;
		b = (struct map_build){ .omit = BIT64(type) };
		if (map_parse_build(&b) != -ENODATA) {
			fprintf(stderr, "# map without type %u not refused with -ENODATA\n", type);
			return -1;
		}
	}
	for (which = 0; which < 2; which++) {
		for (type = 0; type < ARRAY_SIZE(tuple_kind); type++) {
			if (!tuple_kind[type] || (TUPLE_PORTS & BIT64(type)))
				continue;
			b = (struct map_build){ 0 };
			(which ? &b.outer : &b.inner)->omit = BIT64(type);
			if (map_parse_build(&b) != -ENODATA) {
				fprintf(stderr, "# %s tuple without type %u not refused with -ENODATA\n",
					which ? "outer" : "inner", type);
				return -1;
			}
		}
	}
	/* VNI: required for GENEVE too, refused for IPIP. */
	b = (struct map_build){ .tunnel = CROSSLAT_MAP_TUNNEL_GENEVE,
				.omit = BIT64(CROSSLAT_MAP_A_VNI) };
	CHECK_EQ(map_parse_build(&b), -ENODATA);
	b = (struct map_build){ .tunnel = CROSSLAT_MAP_TUNNEL_IPIP,
				.omit = BIT64(CROSSLAT_MAP_A_VNI) };
	CHECK_EQ(map_parse_build(&b), 0);
	b.vni_always = true;
	b.omit = 0;
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	return 0;
}

/* Values the uapi header does not allow. */
static int map_bad_values(void)
{
	struct map_build b;

	b = (struct map_build){ .dir = CROSSLAT_MAP_DIR_DECAP + 1 };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .tunnel = CROSSLAT_MAP_TUNNEL_IPIP + 1 };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .tunnel = 255 };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .vni = 0x1000000 };		/* 25 bits */
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .vni = UINT32_MAX };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);

	/* DIR and TUNNEL 0 (UNSPEC), sent explicitly. */
	b = (struct map_build){ .omit = BIT64(CROSSLAT_MAP_A_DIR) };
	map_msg(&b);
	CHECK_EQ(crosslat_nl_parse_map(map_msg(&b), &map), -ENODATA);
	{
		struct nlmsghdr *nlh = map_msg(&(struct map_build){ 0 });
		struct nlattr *nest = find_attr(nlh, CROSSLAT_A_MAP), *a;

		mnl_attr_for_each_nested(a, nest)
			if (mnl_attr_get_type(a) == CROSSLAT_MAP_A_DIR)
				*(uint8_t *)mnl_attr_get_payload(a) = CROSSLAT_MAP_DIR_UNSPEC;
		CHECK_EQ(crosslat_nl_parse_map(nlh, &map), -EBADMSG);
		nlh = map_msg(&(struct map_build){ 0 });
		nest = find_attr(nlh, CROSSLAT_A_MAP);
		mnl_attr_for_each_nested(a, nest)
			if (mnl_attr_get_type(a) == CROSSLAT_MAP_A_TUNNEL)
				*(uint8_t *)mnl_attr_get_payload(a) = CROSSLAT_MAP_TUNNEL_UNSPEC;
		CHECK_EQ(crosslat_nl_parse_map(nlh, &map), -EBADMSG);
	}

	/* The outer tuple must fit the tunnel. */
	b = (struct map_build){ .outer = { .proto = IPPROTO_TCP } };	/* VXLAN over TCP */
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .tunnel = CROSSLAT_MAP_TUNNEL_GENEVE,
				.outer = { .proto = IPPROTO_IPIP, .ports = -1 } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .tunnel = CROSSLAT_MAP_TUNNEL_IPIP,
				.outer = { .proto = IPPROTO_IPV6 } };		/* IPv4 inner */
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .tunnel = CROSSLAT_MAP_TUNNEL_IPIP,
				.inner = { .family = AF_INET6 },
				.outer = { .proto = IPPROTO_IPIP } };		/* IPv6 inner */
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .tunnel = CROSSLAT_MAP_TUNNEL_IPIP,
				.outer = { .proto = IPPROTO_UDP } };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	return 0;
}

static int map_duplicates(void)
{
	struct map_build b;
	struct nlmsghdr *nlh;
	unsigned int type, which;

	for (type = 0; type < ARRAY_SIZE(map_kind); type++) {
		if (!map_kind[type])
			continue;
		b = (struct map_build){ .dup = type };
		if (map_parse_build(&b) != -EBADMSG) {
			fprintf(stderr, "# duplicate map type %u accepted\n", type);
			return -1;
		}
	}
	for (which = 0; which < 2; which++) {
		for (type = 0; type < ARRAY_SIZE(tuple_kind); type++) {
			if (!tuple_kind[type])
				continue;
			b = (struct map_build){ 0 };
			(which ? &b.outer : &b.inner)->dup = type;
			if (map_parse_build(&b) != -EBADMSG) {
				fprintf(stderr, "# duplicate %s tuple type %u accepted\n",
					which ? "outer" : "inner", type);
				return -1;
			}
		}
	}
	/* Two CROSSLAT_A_MAP nests in one message. */
	nlh = map_msg(&(struct map_build){ 0 });
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CROSSLAT_A_MAP));
	CHECK_EQ(crosslat_nl_parse_map(nlh, &map), -EBADMSG);
	return 0;
}

/* Tuple nests that are not well-formed lists of attributes. */
static int map_malformed_nests(void)
{
	struct map_build b;
	struct nlmsghdr *nlh;
	struct nlattr *nest, *inner, *first;

	/*
	 * A tuple nest that cuts its last attribute (DPORT: 2 bytes of padding, then a byte
	 * of its payload), or holds a stray byte after it. Only the padding may be missing.
	 */
	b = (struct map_build){ .bad = CROSSLAT_MAP_A_INNER, .bad_delta = -2 };
	CHECK_EQ(map_parse_build(&b), 0);
	b.bad_delta = -3;
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b = (struct map_build){ .bad = CROSSLAT_MAP_A_OUTER, .bad_delta = 1 };
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	b.bad_delta = -3;
	CHECK_EQ(map_parse_build(&b), -EBADMSG);

	/* The first attribute of the inner tuple runs past its nest, or is too short. */
	nlh = map_msg(&(struct map_build){ 0 });
	nest = find_attr(nlh, CROSSLAT_A_MAP);
	inner = find_nested(nest, CROSSLAT_MAP_A_INNER);
	CHECK(inner);
	first = mnl_attr_get_payload(inner);
	first->nla_len = inner->nla_len;
	CHECK_EQ(crosslat_nl_parse_map(nlh, &map), -EBADMSG);
	first->nla_len = 3;
	CHECK_EQ(crosslat_nl_parse_map(nlh, &map), -EBADMSG);

	/* An empty tuple; a tuple that is a plain u32 instead of a nest. */
	b = (struct map_build){ .omit = BIT64(CROSSLAT_MAP_A_INNER) };
	nlh = map_msg(&b);
	nest = find_attr(nlh, CROSSLAT_A_MAP);
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CROSSLAT_MAP_A_INNER));
	nest->nla_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nest;
	CHECK_EQ(crosslat_nl_parse_map(nlh, &map), -ENODATA);
	nlh = map_msg(&b);
	nest = find_attr(nlh, CROSSLAT_A_MAP);
	mnl_attr_put_u32(nlh, CROSSLAT_MAP_A_INNER, 0x01020304);
	nest->nla_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nest;
	CHECK_EQ(crosslat_nl_parse_map(nlh, &map), -EBADMSG);

	/* The NLA_F_NESTED flag is optional on tuples, as on the mapping. */
	nlh = map_msg(&(struct map_build){ 0 });
	nest = find_attr(nlh, CROSSLAT_A_MAP);
	find_nested(nest, CROSSLAT_MAP_A_OUTER)->nla_type ^= NLA_F_NESTED;
	CHECK_EQ(crosslat_nl_parse_map(nlh, &map), 0);
	CHECK_EQ(check_tuple(&map.outer, AF_INET, IPPROTO_UDP, true, true), 0);

	/* Not a map message; no map in it; the map in another nest type. */
	nlh = map_msg(&(struct map_build){ 0 });
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd = CROSSLAT_CMD_FLOW_GET;
	CHECK_EQ(crosslat_nl_parse_map(nlh, &map), -EPROTO);
	CHECK_EQ(crosslat_nl_parse_map(flow_msg_default(), &map), -EPROTO);
	nlh = genl_msg(FAMILY, CROSSLAT_CMD_MAP_GET);
	CHECK_EQ(crosslat_nl_parse_map(nlh, &map), -ENODATA);
	nlh = map_msg(&(struct map_build){ 0 });
	find_attr(nlh, CROSSLAT_A_MAP)->nla_type = CROSSLAT_A_FLOW | NLA_F_NESTED;
	CHECK_EQ(crosslat_nl_parse_map(nlh, &map), -ENODATA);
	nlh = genl_msg(FAMILY, CROSSLAT_CMD_MAP_GET);
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CROSSLAT_A_MAP));
	CHECK_EQ(crosslat_nl_parse_map(nlh, &map), -ENODATA);
	return 0;
}

static int map_truncated(void)
{
	struct nlmsghdr *nlh = map_msg(&(struct map_build){ .tunnel = CROSSLAT_MAP_TUNNEL_GENEVE });
	uint32_t full = nlh->nlmsg_len, len;

	for (len = full - 1; len > MNL_NLMSG_HDRLEN + GENL_HDRLEN; len--) {
		nlh->nlmsg_len = len;
		if (crosslat_nl_parse_map(nlh, &map) == 0) {
			fprintf(stderr, "# accepted at nlmsg_len %u of %u\n", len, full);
			return -1;
		}
	}
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + GENL_HDRLEN - 1;
	CHECK_EQ(crosslat_nl_parse_map(nlh, &map), -EBADMSG);
	return 0;
}

static int map_unknown_ignored(void)
{
	struct nlmsghdr *nlh = genl_msg(FAMILY, CROSSLAT_CMD_MAP_GET);
	static const struct map_build b = {
		.inner = { .family = AF_INET6 }, .outer = { .family = AF_INET6 },
	};
	struct nlattr *nest, *tuple;
	char odd[7] = "abcdef";
	unsigned int type, t;

	mnl_attr_put_u32(nlh, CROSSLAT_A_MAX + 1, 1);
	mnl_attr_put(nlh, CROSSLAT_A_PAD, 0, NULL);
	nest = mnl_attr_nest_start(nlh, CROSSLAT_A_MAP);
	mnl_attr_put(nlh, CROSSLAT_MAP_A_UNSPEC, sizeof(odd), odd);
	for (type = 0; type < ARRAY_SIZE(map_kind); type++) {
		if (!map_kind[type])
			continue;
		mnl_attr_put(nlh, CROSSLAT_MAP_A_PAD, 0, NULL);
		if (map_kind[type] != K_TUPLE) {
			put_map_attr(nlh, type, &b);
			continue;
		}
		/* Tuples with a newer kernel's attributes in them. */
		tuple = mnl_attr_nest_start(nlh, type);
		mnl_attr_put(nlh, CROSSLAT_TUPLE_A_UNSPEC, sizeof(odd), odd);
		for (t = 0; t < ARRAY_SIZE(tuple_kind); t++)
			if (tuple_kind[t])
				put_tuple_attr(nlh, t, type == CROSSLAT_MAP_A_OUTER ? &b.outer : &b.inner,
					       tuple_proto(&b, type == CROSSLAT_MAP_A_OUTER),
					       type == CROSSLAT_MAP_A_OUTER);
		mnl_attr_put(nlh, CROSSLAT_TUPLE_A_MAX + 1, sizeof(odd), odd);
		mnl_attr_put(nlh, CROSSLAT_TUPLE_A_MAX + 1, 1, odd);		/* even twice */
		mnl_attr_put(nlh, 0x3fff, 0, NULL);
		mnl_attr_nest_end(nlh, tuple);
	}
	mnl_attr_put(nlh, CROSSLAT_MAP_A_MAX + 1, sizeof(odd), odd);
	mnl_attr_put(nlh, CROSSLAT_MAP_A_MAX + 1 + 64, 1, odd);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u64(nlh, CROSSLAT_A_MAX + 7, 1);
	CHECK_EQ(crosslat_nl_parse_map(nlh, &map), 0);
	CHECK_EQ(check_map_base(&map), 0);
	CHECK_EQ(map.vni, MAP_VNI_DEFAULT);
	CHECK_EQ(check_tuple(&map.inner, AF_INET6, IPPROTO_TCP, false, true), 0);
	CHECK_EQ(check_tuple(&map.outer, AF_INET6, IPPROTO_UDP, true, true), 0);
	return 0;
}

/* A refused message leaves no half-decoded mapping behind. */
static int map_cleared_on_error(void)
{
	struct map_build b = { .outer = { .dup = CROSSLAT_TUPLE_A_DPORT } };
	static const struct crosslat_nl_map zero;

	memset(&map, 0xa5, sizeof(map));
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	CHECK(!memcmp(&map, &zero, sizeof(map)));
	b = (struct map_build){ .tunnel = CROSSLAT_MAP_TUNNEL_IPIP, .outer = { .ports = 1 } };
	memset(&map, 0xa5, sizeof(map));
	CHECK_EQ(map_parse_build(&b), -EBADMSG);
	CHECK(!memcmp(&map, &zero, sizeof(map)));
	return 0;
}

static int map_mutations(void)
{
	static const struct map_build builds[] = {
		{ 0 },
		{ .tunnel = CROSSLAT_MAP_TUNNEL_IPIP, .inner = { .family = AF_INET6,
								 .proto = IPPROTO_ICMPV6 } },
	};
	_Alignas(8) char good[1024];
	uint32_t good_len, i, n;
	unsigned int seed = 4343, k;
	struct nlmsghdr *nlh;

	for (k = 0; k < ARRAY_SIZE(builds); k++) {
		nlh = map_msg(&builds[k]);
		good_len = nlh->nlmsg_len;
		CHECK(good_len <= sizeof(good));
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
			if (rand_r(&seed) % 2)
				nlh->nlmsg_len = MNL_NLMSG_HDRLEN +
						 rand_r(&seed) % (good_len - MNL_NLMSG_HDRLEN + 1);
			err = crosslat_nl_parse_map(nlh, &map);
			free(msg);
			if (err == 0) {
				CHECK(map.dir == CROSSLAT_MAP_DIR_ENCAP ||
				      map.dir == CROSSLAT_MAP_DIR_DECAP);
				CHECK(map.tunnel >= CROSSLAT_MAP_TUNNEL_VXLAN &&
				      map.tunnel <= CROSSLAT_MAP_TUNNEL_IPIP);
				CHECK(map.vni <= 0xffffff);
				CHECK(map.inner.family == AF_INET || map.inner.family == AF_INET6);
				CHECK(map.outer.family == AF_INET || map.outer.family == AF_INET6);
				CHECK(map.outer.has_ports == (map.tunnel != CROSSLAT_MAP_TUNNEL_IPIP));
			} else {
				CHECK(err == -EBADMSG || err == -EPROTO || err == -ENODATA);
			}
		}
	}
	return 0;
}

static int map_dump_request(void)
{
	_Alignas(4) char req[CROSSLAT_NL_REQ_MAX];
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	int len;

	len = crosslat_nl_build_map_dump(req, sizeof(req), FAMILY, 13);
	CHECK_EQ(len, MNL_NLMSG_HDRLEN + GENL_HDRLEN);
	CHECK_EQ(nlh->nlmsg_type, FAMILY);
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	CHECK_EQ(nlh->nlmsg_seq, 13);
	CHECK_EQ(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd, CROSSLAT_CMD_MAP_GET);
	CHECK_EQ(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version,
		 CROSSLAT_GENL_VERSION);
	CHECK_EQ(crosslat_nl_build_map_dump(req, sizeof(req) - 1, FAMILY, 1), -ENOBUFS);
	return 0;
}

/* Mappings a, b with the same identity; the outer tuple is not part of it. */
static int map_dedupe(void)
{
	struct crosslat_nl_map v[8], m;
	unsigned int i;

	CHECK_EQ(crosslat_nl_maps_dedupe(v, 0), 0);
	CHECK_EQ(map_parse_build(&(struct map_build){ 0 }), 0);
	m = map;
	for (i = 0; i < ARRAY_SIZE(v); i++)
		v[i] = m;
	/* 0..2: one identity, three snapshots; the latest (2) wins whatever its outer. */
	v[0].last_ns = 100;
	v[1].last_ns = 300;
	v[1].packets = 5;
	v[2].last_ns = 300;
	v[2].packets = 9;
	v[2].outer.sport = 1;
	/* 3: the other direction of the same inner tuple; 4: another namespace. */
	v[3].dir = CROSSLAT_MAP_DIR_DECAP;
	v[4].netns_cookie++;
	/* 5: another inner source port; 6: the same without ports (ICMP-like); 7: v[5] again. */
	v[5].inner.sport++;
	v[6].inner.has_ports = false;
	v[6].inner.sport = v[6].inner.dport = 0;
	v[7] = v[5];
	v[7].last_ns = 1;
	CHECK_EQ(crosslat_nl_map_key_cmp(&v[0], &v[2]), 0);
	CHECK(crosslat_nl_map_key_cmp(&v[0], &v[3]) != 0);
	CHECK(crosslat_nl_map_key_cmp(&v[3], &v[0]) == -crosslat_nl_map_key_cmp(&v[0], &v[3]));
	CHECK_EQ(crosslat_nl_maps_dedupe(v, ARRAY_SIZE(v)), 5);
	for (i = 1; i < 5; i++)
		CHECK(crosslat_nl_map_key_cmp(&v[i - 1], &v[i]) < 0);
	for (i = 0; i < 5; i++) {
		if (v[i].dir == CROSSLAT_MAP_DIR_ENCAP && v[i].netns_cookie == m.netns_cookie &&
		    v[i].inner.has_ports && v[i].inner.sport == m.inner.sport) {
			CHECK(v[i].last_ns == 300);
			CHECK(v[i].packets == 9);
			CHECK_EQ(v[i].outer.sport, 1);
		}
		if (v[i].inner.sport == m.inner.sport + 1)
			CHECK(v[i].last_ns == m.last_ns);
	}
	return 0;
}

static int count_map(const struct crosslat_nl_map *m, void *arg)
{
	struct seen *s = arg;

	if (s->n < ARRAY_SIZE(s->lport))
		s->lport[s->n] = m->inner.sport;
	s->n++;
	return s->stop_at && (int)s->n == s->stop_at ? -ECANCELED : 0;
}

/* A map message whose inner source port is port, last seen at last_ns. */
static struct nlmsghdr *map_port(uint16_t port, uint64_t last_ns, uint8_t fam)
{
	struct map_build b = { .inner = { .family = fam },
			       .omit = BIT64(CROSSLAT_MAP_A_LAST_NS) };
	struct nlmsghdr *nlh = map_msg(&b);
	struct nlattr *nest = find_attr(nlh, CROSSLAT_A_MAP), *inner, *a;

	inner = find_nested(nest, CROSSLAT_MAP_A_INNER);
	mnl_attr_for_each_nested(a, inner)
		if (mnl_attr_get_type(a) == CROSSLAT_TUPLE_A_SPORT)
			memcpy(mnl_attr_get_payload(a), &port, sizeof(port));
	mnl_attr_put_u64(nlh, CROSSLAT_MAP_A_LAST_NS, last_ns);
	nest->nla_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nest;
	return nlh;
}

struct map_collect {
	struct crosslat_nl_map v[8];
	size_t nr;
};

static int collect_map(const struct crosslat_nl_map *m, void *arg)
{
	struct map_collect *c = arg;

	if (c->nr == ARRAY_SIZE(c->v))
		return -ENOSPC;
	c->v[c->nr++] = *m;
	return 0;
}

/*
 * The kernel's iterator may repeat a mapping after a concurrent eviction, in a later
 * datagram of the same dump: every copy is delivered, and dedupe keeps the latest.
 */
static int maps_dump_duplicates(void)
{
	struct map_collect c = { .nr = 0 };
	size_t nr, i;

	CHECK_EQ(fake_open(), 0);
	add(map_port(1001, 50, AF_INET), 1, NLM_F_MULTI);
	add(map_port(1002, 60, AF_INET6), 1, NLM_F_MULTI);
	CHECK_EQ(flush_dgram(), 0);
	add(map_port(1001, 70, AF_INET), 1, NLM_F_MULTI);	/* repeated, newer */
	add(map_port(1003, 80, AF_INET), 1, NLM_F_MULTI);
	CHECK_EQ(flush_dgram(), 0);
	add(map_port(1002, 40, AF_INET6), 1, NLM_F_MULTI);	/* repeated, older */
	add(done_msg(0, NULL), 1, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_maps(nl, collect_map, &c), 0);
	CHECK_EQ(expect_request(CROSSLAT_CMD_MAP_GET, NLM_F_REQUEST | NLM_F_DUMP, 1), 0);
	CHECK_EQ(c.nr, 5);
	CHECK_EQ(c.v[0].inner.sport, 1001);
	CHECK_EQ(c.v[2].inner.sport, 1001);
	CHECK_EQ(c.v[4].inner.family, AF_INET6);
	nr = crosslat_nl_maps_dedupe(c.v, c.nr);
	CHECK_EQ(nr, 3);
	for (i = 0; i < nr; i++) {
		if (c.v[i].inner.sport == 1001)
			CHECK(c.v[i].last_ns == 70);
		else if (c.v[i].inner.sport == 1002)
			CHECK(c.v[i].last_ns == 60 && c.v[i].inner.family == AF_INET6);
		else
			CHECK(c.v[i].inner.sport == 1003 && c.v[i].last_ns == 80);
	}
	fake_close();
	return 0;
}

/* crosslat_map not loaded; a malformed entry; a callback's stop; an inconsistent dump. */
static int maps_dump_errors(void)
{
	struct map_build bad = { .tunnel = CROSSLAT_MAP_TUNNEL_IPIP, .vni_always = true };
	struct seen s = { 0 };
	struct nlmsghdr *nlh;
	const char *ext;

	CHECK_EQ(fake_open(), 0);
	nlh = error_msg(-EOPNOTSUPP, GENL_HDRLEN, true);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "crosslat_map is not loaded");
	add(nlh, 1, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_maps(nl, count_map, &s), -EOPNOTSUPP);
	ext = crosslat_nl_ext_msg(nl);
	CHECK(ext && !strcmp(ext, "crosslat_map is not loaded"));
	CHECK_EQ(s.n, 0);

	add(map_port(1, 1, AF_INET), 2, NLM_F_MULTI);
	add(map_msg(&bad), 2, NLM_F_MULTI);
	add(map_port(3, 1, AF_INET), 2, NLM_F_MULTI);
	add(done_msg(0, NULL), 2, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_maps(nl, count_map, &s), -EBADMSG);
	CHECK_EQ(s.n, 1);

	/* A flow message in a map dump. */
	s.n = 0;
	add(flow_port(1, AF_INET), 3, NLM_F_MULTI);
	add(done_msg(0, NULL), 3, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_maps(nl, count_map, &s), -EPROTO);
	CHECK_EQ(s.n, 0);

	s.stop_at = 2;
	add(map_port(1, 1, AF_INET), 4, NLM_F_MULTI);
	add(map_port(2, 1, AF_INET), 4, NLM_F_MULTI);
	add(map_port(3, 1, AF_INET), 4, NLM_F_MULTI);
	add(done_msg(0, NULL), 4, 0);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_maps(nl, count_map, &s), -ECANCELED);
	CHECK_EQ(s.n, 2);

	s = (struct seen){ 0 };
	add(map_port(1, 1, AF_INET), 5, NLM_F_MULTI);
	add(map_port(1, 2, AF_INET), 5, NLM_F_MULTI | NLM_F_DUMP_INTR);
	add(done_msg(0, NULL), 5, NLM_F_DUMP_INTR);
	CHECK_EQ(flush_dgram(), 0);
	CHECK_EQ(crosslat_nl_maps(nl, count_map, &s), -EINTR);
	CHECK_EQ(s.n, 2);

	/* Still usable: an empty dump. */
	add(done_msg(0, NULL), 6, 0);
	CHECK_EQ(flush_dgram(), 0);
	s.n = 0;
	CHECK_EQ(crosslat_nl_maps(nl, count_map, &s), 0);
	CHECK_EQ(s.n, 0);
	fake_close();
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
	/* /proc/crosslat/stats prints the same names. */
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_RTT_NETNS), "rtt_netns"));
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_RTT_FLOWS), "rtt_flows"));
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_RTT_FLOWS_CREATED), "rtt_flows_created"));
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_RTT_FULL_DROPS), "rtt_full_drops"));
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_RTT_ALLOC_FAILS), "rtt_alloc_fails"));
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_RTT_EVICTED_IDLE), "rtt_evicted_idle"));
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_RTT_EVICTED_LRU), "rtt_evicted_lru"));
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_RTT_PACKETS), "rtt_packets"));
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_RTT_PARSE_ERRORS), "rtt_parse_errors"));
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_RTT_SAMPLES), "rtt_samples"));
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_RTT_RETRANS), "rtt_retrans"));
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_RTT_ALERTS), "rtt_alerts"));
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_RTT_ALERTS_SUPPRESSED),
		      "rtt_alerts_suppressed"));
	CHECK(!strcmp(crosslat_nl_stat_name(CROSSLAT_STAT_RTT_FLOW_REPORTS), "rtt_flow_reports"));
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
	{ "nl_crosslat_parse_flow_valid_all",		flow_valid_all },
	{ "nl_crosslat_parse_flow_valid_minimal_v6",	flow_valid_minimal_v6 },
	{ "nl_crosslat_parse_flow_any_order",		flow_any_order },
	{ "nl_crosslat_parse_flow_addr_mismatch",	flow_addr_mismatch },
	{ "nl_crosslat_parse_flow_bad_sizes",		flow_bad_sizes },
	{ "nl_crosslat_parse_flow_missing_required",	flow_missing_required },
	{ "nl_crosslat_parse_flow_partial_group",	flow_partial_group },
	{ "nl_crosslat_parse_flow_duplicates",		flow_duplicates },
	{ "nl_crosslat_parse_flow_unknown_ignored",	flow_unknown_ignored },
	{ "nl_crosslat_parse_flow_missing_or_wrong",	flow_missing_or_wrong },
	{ "nl_crosslat_parse_flow_cleared_on_error",	flow_cleared_on_error },
	{ "nl_crosslat_parse_flow_truncated",		flow_truncated },
	{ "nl_crosslat_parse_flow_mutations",		flow_mutations },
	{ "nl_crosslat_build_thresh_set",		thresh_set_request },
	{ "nl_crosslat_build_thresh_del_flush",		thresh_del_flush_request },
	{ "nl_crosslat_build_dumps",			dump_requests },
	{ "nl_crosslat_check_thresh_invalid",		thresh_check_invalid },
	{ "nl_crosslat_parse_thresh_round_trip",	thresh_round_trip },
	{ "nl_crosslat_parse_thresh_malformed",		thresh_parse_malformed },
	{ "nl_crosslat_parse_thresh_sizes_unknown",	thresh_parse_sizes_unknown },
	{ "nl_crosslat_parse_thresh_mutations",		thresh_mutations },
	{ "nl_crosslat_parse_done",			done_parse },
	{ "nl_crosslat_flows_multipart",		dump_multipart },
	{ "nl_crosslat_flows_not_supported",		dump_not_supported },
	{ "nl_crosslat_flows_error_midway",		dump_error_midway },
	{ "nl_crosslat_flows_callback_stops",		dump_callback_stops },
	{ "nl_crosslat_flows_bad_entry",		dump_bad_entry },
	{ "nl_crosslat_flows_interrupted",		dump_interrupted },
	{ "nl_crosslat_flows_broken_datagrams",		dump_broken_datagrams },
	{ "nl_crosslat_thresh_requests_acked",		thresh_requests_acked },
	{ "nl_crosslat_get_stats_over_socket",		stats_over_socket },
	{ "nl_crosslat_parse_map_valid_vxlan",		map_valid_vxlan },
	{ "nl_crosslat_parse_map_valid_ipv6",		map_valid_ipv6 },
	{ "nl_crosslat_parse_map_nat",			map_nat },
	{ "nl_crosslat_parse_map_pod",			map_pod },
	{ "nl_crosslat_parse_map_missing_ports",	map_missing_ports },
	{ "nl_crosslat_parse_map_bad_sizes",		map_bad_sizes },
	{ "nl_crosslat_parse_map_missing_required",	map_missing_required },
	{ "nl_crosslat_parse_map_bad_values",		map_bad_values },
	{ "nl_crosslat_parse_map_duplicates",		map_duplicates },
	{ "nl_crosslat_parse_map_malformed_nests",	map_malformed_nests },
	{ "nl_crosslat_parse_map_truncated",		map_truncated },
	{ "nl_crosslat_parse_map_unknown_ignored",	map_unknown_ignored },
	{ "nl_crosslat_parse_map_cleared_on_error",	map_cleared_on_error },
	{ "nl_crosslat_parse_map_mutations",		map_mutations },
	{ "nl_crosslat_build_map_dump",			map_dump_request },
	{ "nl_crosslat_maps_dedupe",			map_dedupe },
	{ "nl_crosslat_maps_dump_duplicates",		maps_dump_duplicates },
	{ "nl_crosslat_maps_dump_errors",		maps_dump_errors },
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
