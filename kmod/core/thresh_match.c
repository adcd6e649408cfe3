// SPDX-License-Identifier: GPL-2.0-only
/* RTT alert thresholds: rule validation and most-specific-rule matching. */
#include "thresh_match.h"

static unsigned int addr_bits(u8 family)
{
	return family == 4 ? 32 : 128;
}

/* True if the first len bits of a and b are equal. */
static bool prefix_equal(const u8 *a, const u8 *b, unsigned int len)
{
	unsigned int bytes = len / 8, bits = len % 8;
	u8 mask;

	if (memcmp(a, b, bytes))
		return false;
	if (!bits)
		return true;
	mask = (u8)(0xff << (8 - bits));
	return !((a[bytes] ^ b[bytes]) & mask);
}

int crosslat_thresh_rule_check(const struct crosslat_thresh_rule *r)
{
	static const u8 zero[16];
	unsigned int i;

	if (r->family != 0 && r->family != 4 && r->family != 6)
		return -CROSSLAT_THRESH_ERR_FAMILY;
	if (!r->family) {
		if (r->prefix_len)
			return -CROSSLAT_THRESH_ERR_PREFIX_LEN;
		if (memcmp(r->prefix, zero, sizeof(zero)))
			return -CROSSLAT_THRESH_ERR_HOST_BITS;
	} else {
		if (r->prefix_len > addr_bits(r->family))
			return -CROSSLAT_THRESH_ERR_PREFIX_LEN;
		/* host bits: everything past prefix_len must be zero */
		if (r->prefix_len % 8 &&
		    (r->prefix[r->prefix_len / 8] & (0xff >> (r->prefix_len % 8))))
			return -CROSSLAT_THRESH_ERR_HOST_BITS;
		for (i = (r->prefix_len + 7) / 8; i < sizeof(r->prefix); i++)
			if (r->prefix[i])
				return -CROSSLAT_THRESH_ERR_HOST_BITS;
	}
	if (!r->rtt_ns)
		return -CROSSLAT_THRESH_ERR_RTT;
	return 0;
}
CROSSLAT_CORE_EXPORT(crosslat_thresh_rule_check);

bool crosslat_thresh_same_selector(const struct crosslat_thresh_rule *a,
				   const struct crosslat_thresh_rule *b)
{
	return a->netns_inum == b->netns_inum && a->family == b->family &&
	       a->prefix_len == b->prefix_len && a->port == b->port &&
	       !memcmp(a->prefix, b->prefix, sizeof(a->prefix));
}
CROSSLAT_CORE_EXPORT(crosslat_thresh_same_selector);

bool crosslat_thresh_rule_matches(const struct crosslat_thresh_rule *r,
				  const struct crosslat_thresh_flow *f)
{
	if (r->netns_inum && r->netns_inum != f->netns_inum)
		return false;
	if (r->port && r->port != f->lport && r->port != f->rport)
		return false;
	if (r->family && (r->family != f->family ||
			  !prefix_equal(r->prefix, f->raddr, r->prefix_len)))
		return false;
	return true;
}
CROSSLAT_CORE_EXPORT(crosslat_thresh_rule_matches);

/* Larger is more specific; see crosslat_thresh_match(). */
static u32 specificity(const struct crosslat_thresh_rule *r)
{
	u32 s = 0;

	if (r->netns_inum)
		s |= 1u << 16;
	if (r->family)
		s |= (u32)(r->prefix_len + 1) << 1;
	if (r->port)
		s |= 1;
	return s;
}

int crosslat_thresh_match(const struct crosslat_thresh_rule *rules, unsigned int n,
			  const struct crosslat_thresh_flow *f)
{
	int best = -1;
	u32 best_s = 0, s;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!crosslat_thresh_rule_matches(&rules[i], f))
			continue;
		s = specificity(&rules[i]);
		if (best < 0 || s >= best_s) {
			best = (int)i;
			best_s = s;
		}
	}
	return best;
}
CROSSLAT_CORE_EXPORT(crosslat_thresh_match);
