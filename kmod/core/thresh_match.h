/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RTT alert thresholds: rules selecting flows by network namespace, remote address prefix
 * and port, and the choice of the rule that applies to one flow (the most specific).
 */
#ifndef _CROSSLAT_THRESH_MATCH_H
#define _CROSSLAT_THRESH_MATCH_H

#include "core_types.h"

/*
 * One rule. A zero field matches anything: netns_inum 0 is any namespace, family 0 any
 * address, port 0 any port. With family 4 or 6, the remote address must lie in
 * prefix/prefix_len (prefix_len 0: any address of that family). port matches a flow's
 * local or remote port.
 */
struct crosslat_thresh_rule {
	u64 rtt_ns;
	u32 netns_inum;
	u8 family;		/* 0, 4 or 6 */
	u8 prefix_len;		/* <= 32 (family 4) or 128 (family 6); 0 without family */
	u16 port;		/* host order */
	u8 prefix[16];		/* network order; bits past prefix_len are zero */
};

/* What a rule is matched against. */
struct crosslat_thresh_flow {
	u32 netns_inum;
	u8 family;		/* 4 or 6 */
	u16 lport, rport;	/* host order */
	u8 raddr[16];		/* network order, IPv4 in the first 4 bytes */
};

/* Why crosslat_thresh_rule_check() refused a rule (negated). */
enum crosslat_thresh_err {
	CROSSLAT_THRESH_OK = 0,
	CROSSLAT_THRESH_ERR_FAMILY,	/* family is not 0, 4 or 6 */
	CROSSLAT_THRESH_ERR_PREFIX_LEN,	/* longer than the family's address, or set without one */
	CROSSLAT_THRESH_ERR_HOST_BITS,	/* prefix has bits set past prefix_len */
	CROSSLAT_THRESH_ERR_RTT,	/* rtt_ns is 0 */
};

/* 0, or -enum crosslat_thresh_err for a malformed rule. */
int crosslat_thresh_rule_check(const struct crosslat_thresh_rule *r);

/* True if a and b have the same selector (their rtt_ns may differ). */
bool crosslat_thresh_same_selector(const struct crosslat_thresh_rule *a,
				   const struct crosslat_thresh_rule *b);

/* True if rule r applies to flow f. */
bool crosslat_thresh_rule_matches(const struct crosslat_thresh_rule *r,
				  const struct crosslat_thresh_flow *f);

/*
 * crosslat_thresh_match() - index of the rule that applies to f, or -1 if none matches
 *
 * Among matching rules the most specific wins: a rule with a namespace beats one without;
 * then one with an address family beats one without, and a longer prefix a shorter one;
 * then a rule with a port beats one without. Between equally specific rules (the same
 * selector never appears twice in a valid set) the later one wins.
 */
int crosslat_thresh_match(const struct crosslat_thresh_rule *rules, unsigned int n,
			  const struct crosslat_thresh_flow *f);

#endif /* _CROSSLAT_THRESH_MATCH_H */
