/* SPDX-License-Identifier: GPL-2.0-only */
/* Client side of the "crosslat" generic netlink family: message encode/decode and requests. */
#ifndef _CROSSLAT_NL_CROSSLAT_H
#define _CROSSLAT_NL_CROSSLAT_H

#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;
struct crosslat_nl;

/* Size every request buffer handed to a crosslat_nl_build_*() must have at least. */
#define CROSSLAT_NL_REQ_MAX		256
/* Longest module version string kept from a stats reply, NUL included. */
#define CROSSLAT_NL_VERSION_MAX		128
/* Most counters one stats reply may carry. */
#define CROSSLAT_NL_STATS_CAP		256

struct crosslat_nl_stat {
	uint16_t type;		/* enum crosslat_stat, or a newer kernel's value */
	uint64_t value;
};

/* A decoded CROSSLAT_CMD_GET_STATS reply. */
struct crosslat_nl_stats {
	char version[CROSSLAT_NL_VERSION_MAX];
	unsigned int nr;	/* entries used in stat[], in reply order, types unique */
	struct crosslat_nl_stat stat[CROSSLAT_NL_STATS_CAP];
};

/*
 * Encoders. Each writes one request (NLM_F_REQUEST | NLM_F_ACK) at buf, which must be
 * 4-byte aligned and len >= CROSSLAT_NL_REQ_MAX bytes long. They return the message
 * length, or -ENOBUFS if len is too small; crosslat_nl_build_mark() returns
 * -ENAMETOOLONG for a label of CROSSLAT_MARK_LABEL_MAX bytes or more (label may be NULL).
 */
int crosslat_nl_build_getfamily(void *buf, size_t len, uint32_t seq);
int crosslat_nl_build_get_stats(void *buf, size_t len, uint16_t family, uint32_t seq);
int crosslat_nl_build_mark(void *buf, size_t len, uint16_t family, uint32_t seq,
			   uint64_t id, const char *label);

/* 0 if label fits CROSSLAT_A_MARK_LABEL (NULL does), else -ENAMETOOLONG. */
int crosslat_nl_check_label(const char *label);

/*
 * Decoders. nlh->nlmsg_len bytes at nlh must be readable (mnl_cb_run() guarantees it);
 * everything inside is validated. They return 0, or:
 *   -EBADMSG  truncated or malformed message or attribute, duplicate attribute
 *   -EPROTO   not the expected message (type or genl command)
 *   -ENODATA  a required attribute is missing
 *   -E2BIG    more than CROSSLAT_NL_STATS_CAP counters
 * Unknown attributes are ignored, unknown counters kept, padding attributes skipped.
 */
int crosslat_nl_parse_family(const struct nlmsghdr *nlh, uint16_t *family);
int crosslat_nl_parse_stats(const struct nlmsghdr *nlh, struct crosslat_nl_stats *st);

/*
 * Decodes an NLMSG_ERROR message: *error gets 0 for an ACK or the negative errno, *ext_msg
 * the extended-ACK message (pointing into nlh) or NULL when there is none or it is
 * malformed. Returns 0, -EPROTO if nlh is not NLMSG_ERROR, -EBADMSG if it is truncated.
 */
int crosslat_nl_parse_ack(const struct nlmsghdr *nlh, int *error, const char **ext_msg);

/* Counter name for an enum crosslat_stat value ("marks"), or NULL if this build lacks it. */
const char *crosslat_nl_stat_name(unsigned int type);
/* 0 and *value if st holds counter type, else -ENOENT. */
int crosslat_nl_stats_get(const struct crosslat_nl_stats *st, uint16_t type, uint64_t *value);

/*
 * Requests over a generic netlink socket. crosslat_nl_open() returns 0 and a handle that
 * crosslat_nl_close() frees, -ENOENT when the family is not registered (module not
 * loaded), or another negative errno. The others return 0 or a negative errno: the
 * kernel's (-EPERM, -EINVAL, ...) or a decoder's; after a kernel error,
 * crosslat_nl_ext_msg() gives its extended-ACK message, or NULL.
 */
int crosslat_nl_open(struct crosslat_nl **nlp);
void crosslat_nl_close(struct crosslat_nl *nl);
int crosslat_nl_get_stats(struct crosslat_nl *nl, struct crosslat_nl_stats *st);
int crosslat_nl_mark(struct crosslat_nl *nl, uint64_t id, const char *label);
const char *crosslat_nl_ext_msg(const struct crosslat_nl *nl);

#endif /* _CROSSLAT_NL_CROSSLAT_H */
