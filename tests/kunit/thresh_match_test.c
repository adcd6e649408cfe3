// SPDX-License-Identifier: GPL-2.0-only
/* KUnit suite crosslat_thresh_match: rule validation, IPv4/IPv6 prefixes, most specific wins. */
#include <kunit/test.h>
#include <linux/inet.h>
#include <linux/prandom.h>
#include <linux/string.h>
#include "core/thresh_match.h"

#define MODEL_ROUNDS	5000
#define MODEL_RULES	8

/* A rule; prefix NULL leaves the family 0 (any address). */
static struct crosslat_thresh_rule rule(struct kunit *test, int family, const char *prefix,
					unsigned int len, u16 port, u32 netns, u64 ns)
{
	struct crosslat_thresh_rule r = { .rtt_ns = ns, .netns_inum = netns, .port = port };

	if (prefix) {
		r.family = family;
		r.prefix_len = len;
		if (family == 4)
			KUNIT_EXPECT_EQ(test, in4_pton(prefix, -1, r.prefix, -1, NULL), 1);
		else
			KUNIT_EXPECT_EQ(test, in6_pton(prefix, -1, r.prefix, -1, NULL), 1);
	}
	return r;
}

static struct crosslat_thresh_flow flow(struct kunit *test, int family, const char *raddr,
					u16 lport, u16 rport, u32 netns)
{
	struct crosslat_thresh_flow f = { .netns_inum = netns, .family = family,
					  .lport = lport, .rport = rport };

	if (family == 4)
		KUNIT_EXPECT_EQ(test, in4_pton(raddr, -1, f.raddr, -1, NULL), 1);
	else
		KUNIT_EXPECT_EQ(test, in6_pton(raddr, -1, f.raddr, -1, NULL), 1);
	return f;
}

static int check(const struct crosslat_thresh_rule *r)
{
	return crosslat_thresh_rule_check(r);
}

/* Every error code, and the boundaries just inside the valid range. */
static void crosslat_thresh_match_rule_check(struct kunit *test)
{
	struct crosslat_thresh_rule r;

	r = rule(test, 0, NULL, 0, 0, 0, 1);
	KUNIT_EXPECT_EQ(test, check(&r), 0);
	r = rule(test, 4, "10.1.0.0", 16, 80, 7, 5);
	KUNIT_EXPECT_EQ(test, check(&r), 0);
	r = rule(test, 4, "0.0.0.0", 0, 0, 0, 5);
	KUNIT_EXPECT_EQ(test, check(&r), 0);
	r = rule(test, 4, "10.1.2.3", 32, 0, 0, 5);
	KUNIT_EXPECT_EQ(test, check(&r), 0);
	r = rule(test, 4, "10.1.128.0", 17, 0, 0, 5);
	KUNIT_EXPECT_EQ(test, check(&r), 0);

	r = rule(test, 0, NULL, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_RTT);
	r = rule(test, 4, "10.0.0.0", 8, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_RTT);
	r.rtt_ns = 1;
	r.family = 5;
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_FAMILY);
	r.family = 10;	/* AF_INET6, not 6 */
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_FAMILY);
	r = rule(test, 4, "10.0.0.0", 33, 0, 0, 5);
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_PREFIX_LEN);
	r = rule(test, 4, "10.1.0.1", 16, 0, 0, 5);
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_HOST_BITS);
	r = rule(test, 4, "10.1.64.0", 17, 0, 0, 5);
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_HOST_BITS);
	r = rule(test, 4, "10.0.0.0", 8, 0, 0, 5);
	r.prefix[4] = 1;	/* past the IPv4 address */
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_HOST_BITS);
	/* without a family: no prefix length, no address bits */
	r = rule(test, 0, NULL, 0, 0, 0, 1);
	r.prefix_len = 8;
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_PREFIX_LEN);
	r = rule(test, 0, NULL, 0, 0, 0, 1);
	r.prefix[15] = 1;
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_HOST_BITS);

	r = rule(test, 6, "::", 0, 0, 0, 1);
	KUNIT_EXPECT_EQ(test, check(&r), 0);
	r = rule(test, 6, "2001:db8::", 32, 443, 3, 1);
	KUNIT_EXPECT_EQ(test, check(&r), 0);
	r = rule(test, 6, "2001:db8:0:0:8000::", 65, 0, 0, 1);
	KUNIT_EXPECT_EQ(test, check(&r), 0);
	r = rule(test, 6, "2001:db8:0:0:4000::", 65, 0, 0, 1);
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_HOST_BITS);
	r = rule(test, 6, "2001:db8::1", 127, 0, 0, 1);
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_HOST_BITS);
	r = rule(test, 6, "2001:db8::", 129, 0, 0, 1);
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_PREFIX_LEN);
	memset(&r, 0, sizeof(r));
	r.rtt_ns = 1;
	r.family = 6;
	r.prefix_len = 128;
	memset(r.prefix, 0xff, sizeof(r.prefix));
	KUNIT_EXPECT_EQ(test, check(&r), 0);
	r.prefix_len = 64;
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_HOST_BITS);
	r.prefix_len = 255;
	KUNIT_EXPECT_EQ(test, check(&r), -CROSSLAT_THRESH_ERR_PREFIX_LEN);
}

static void crosslat_thresh_match_same_selector(struct kunit *test)
{
	struct crosslat_thresh_rule a = rule(test, 6, "2001:db8::", 32, 80, 3, 10);
	struct crosslat_thresh_rule b = a;

	b.rtt_ns = 99;
	KUNIT_EXPECT_TRUE(test, crosslat_thresh_same_selector(&a, &b));
	b.port = 81;
	KUNIT_EXPECT_FALSE(test, crosslat_thresh_same_selector(&a, &b));
	b = a;
	b.prefix_len = 33;
	KUNIT_EXPECT_FALSE(test, crosslat_thresh_same_selector(&a, &b));
	b = a;
	b.prefix[3] = 0xb9;
	KUNIT_EXPECT_FALSE(test, crosslat_thresh_same_selector(&a, &b));
	b = a;
	b.netns_inum = 0;
	KUNIT_EXPECT_FALSE(test, crosslat_thresh_same_selector(&a, &b));
	b = a;
	b.family = 4;
	KUNIT_EXPECT_FALSE(test, crosslat_thresh_same_selector(&a, &b));
}

/* netns beats any prefix, a longer prefix beats a shorter one, then port, then global. */
static void crosslat_thresh_match_specificity(struct kunit *test)
{
	struct crosslat_thresh_flow f = flow(test, 4, "10.1.2.3", 40000, 443, 77);
	struct crosslat_thresh_rule rs[7];

	rs[0] = rule(test, 0, NULL, 0, 0, 0, 100);		/* global */
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 1, &f), 0);
	rs[1] = rule(test, 0, NULL, 0, 443, 0, 200);		/* port */
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 2, &f), 1);
	rs[2] = rule(test, 4, "0.0.0.0", 0, 0, 0, 300);		/* any IPv4 beats a port */
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 3, &f), 2);
	rs[3] = rule(test, 4, "10.1.0.0", 16, 443, 0, 400);	/* /16 with the port */
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 4, &f), 3);
	rs[4] = rule(test, 4, "10.1.2.0", 24, 0, 0, 500);	/* /24 beats /16 + port */
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 5, &f), 4);
	rs[5] = rule(test, 0, NULL, 0, 0, 77, 600);		/* netns beats /24 */
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 6, &f), 5);
	rs[6] = rule(test, 4, "10.1.2.3", 32, 40000, 77, 700);	/* netns + /32 + local port */
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 7, &f), 6);

	/* the winner does not depend on its position */
	swap(rs[0], rs[6]);
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 7, &f), 0);
	swap(rs[0], rs[6]);

	/* rules that do not match never win, however specific */
	f.netns_inum = 78;
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 7, &f), 4);
	f.lport = 40001;
	f.rport = 8443;
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 7, &f), 4);
	f = flow(test, 4, "10.9.9.9", 1, 2, 78);
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 7, &f), 2);
	f = flow(test, 6, "2001:db8::1", 1, 2, 78);
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 7, &f), 0);
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs + 2, 1, &f), -1);
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 0, &f), -1);

	/* equally specific rules: the later one wins */
	rs[0] = rule(test, 0, NULL, 0, 443, 0, 1);
	rs[1] = rule(test, 0, NULL, 0, 40000, 0, 2);
	f = flow(test, 4, "10.1.2.3", 40000, 443, 77);
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 2, &f), 1);
}

/* IPv6 prefixes at byte and bit boundaries; families never cross. */
static void crosslat_thresh_match_ipv6_prefix(struct kunit *test)
{
	struct crosslat_thresh_flow f = flow(test, 6, "2001:db8:aa:bb:8000::5", 40000, 443, 9);
	struct crosslat_thresh_flow f4 = flow(test, 4, "32.1.13.184", 40000, 443, 9);
	struct crosslat_thresh_rule r, rs[6];

	r = rule(test, 6, "::", 0, 0, 0, 1);
	KUNIT_EXPECT_TRUE(test, crosslat_thresh_rule_matches(&r, &f));
	KUNIT_EXPECT_FALSE(test, crosslat_thresh_rule_matches(&r, &f4));
	r = rule(test, 6, "2001:db8::", 32, 0, 0, 1);
	KUNIT_EXPECT_TRUE(test, crosslat_thresh_rule_matches(&r, &f));
	/* the same leading bytes as an IPv4 rule: 32.1.13.184 is 2001:db8 */
	KUNIT_EXPECT_FALSE(test, crosslat_thresh_rule_matches(&r, &f4));
	r = rule(test, 4, "32.1.13.184", 32, 0, 0, 1);
	KUNIT_EXPECT_TRUE(test, crosslat_thresh_rule_matches(&r, &f4));
	KUNIT_EXPECT_FALSE(test, crosslat_thresh_rule_matches(&r, &f));
	r = rule(test, 6, "2001:db9::", 32, 0, 0, 1);
	KUNIT_EXPECT_FALSE(test, crosslat_thresh_rule_matches(&r, &f));
	r = rule(test, 6, "2001:db8::", 31, 0, 0, 1);	/* db8 and db9 share 31 bits */
	KUNIT_EXPECT_TRUE(test, crosslat_thresh_rule_matches(&r, &f));
	r = rule(test, 6, "2001:db8:aa:bb::", 64, 0, 0, 1);
	KUNIT_EXPECT_TRUE(test, crosslat_thresh_rule_matches(&r, &f));
	r = rule(test, 6, "2001:db8:aa:bb:8000::", 65, 0, 0, 1);
	KUNIT_EXPECT_TRUE(test, crosslat_thresh_rule_matches(&r, &f));
	r = rule(test, 6, "2001:db8:aa:bb::", 65, 0, 0, 1);	/* bit 65 differs */
	KUNIT_EXPECT_FALSE(test, crosslat_thresh_rule_matches(&r, &f));
	r = rule(test, 6, "2001:db8:aa:bb:8000::4", 127, 0, 0, 1);
	KUNIT_EXPECT_TRUE(test, crosslat_thresh_rule_matches(&r, &f));
	r = rule(test, 6, "2001:db8:aa:bb:8000::4", 128, 0, 0, 1);
	KUNIT_EXPECT_FALSE(test, crosslat_thresh_rule_matches(&r, &f));
	r = rule(test, 6, "2001:db8:aa:bb:8000::5", 128, 0, 0, 1);
	KUNIT_EXPECT_TRUE(test, crosslat_thresh_rule_matches(&r, &f));
	KUNIT_EXPECT_EQ(test, check(&r), 0);

	rs[0] = rule(test, 0, NULL, 0, 443, 0, 10);
	rs[1] = rule(test, 6, "::", 0, 0, 0, 20);
	rs[2] = rule(test, 6, "2001:db8::", 32, 443, 0, 30);
	rs[3] = rule(test, 6, "2001:db8:aa::", 48, 0, 0, 40);
	rs[4] = rule(test, 6, "2001:db8:aa:bb:8000::", 65, 0, 0, 50);
	rs[5] = rule(test, 4, "32.1.13.184", 32, 443, 9, 60);
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 6, &f), 4);
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 4, &f), 3);
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 3, &f), 2);
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 2, &f), 1);
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 6, &f4), 5);
	f.raddr[8] = 0x40;	/* outside the /65 */
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 6, &f), 3);
	f.raddr[5] = 0xab;	/* outside the /48 */
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 6, &f), 2);
	f.rport = 444;		/* and no port 443 */
	KUNIT_EXPECT_EQ(test, crosslat_thresh_match(rs, 6, &f), 1);
}

/* Naive model: bit by bit prefix comparison, lexicographic specificity, the last best. */
static bool model_bit(const u8 *a, unsigned int i)
{
	return (a[i / 8] >> (7 - i % 8)) & 1;
}

static bool model_matches(const struct crosslat_thresh_rule *r,
			  const struct crosslat_thresh_flow *f)
{
	unsigned int i;

	if (r->netns_inum && r->netns_inum != f->netns_inum)
		return false;
	if (r->port && r->port != f->lport && r->port != f->rport)
		return false;
	if (!r->family)
		return true;
	if (r->family != f->family)
		return false;
	for (i = 0; i < r->prefix_len; i++)
		if (model_bit(r->prefix, i) != model_bit(f->raddr, i))
			return false;
	return true;
}

static int model_match(const struct crosslat_thresh_rule *rs, unsigned int n,
		       const struct crosslat_thresh_flow *f)
{
	int best = -1, bk[3] = { 0 }, k[3];
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!model_matches(&rs[i], f))
			continue;
		k[0] = !!rs[i].netns_inum;
		k[1] = rs[i].family ? rs[i].prefix_len + 1 : 0;
		k[2] = !!rs[i].port;
		if (best < 0 || k[0] > bk[0] || (k[0] == bk[0] && (k[1] > bk[1] ||
		    (k[1] == bk[1] && k[2] >= bk[2])))) {
			best = i;
			memcpy(bk, k, sizeof(bk));
		}
	}
	return best;
}

/* An address from a small pool (so that rules and flows often share prefixes). */
static void random_addr(struct rnd_state *rnd, u8 family, u8 *a)
{
	u32 v = prandom_u32_state(rnd);

	memset(a, 0, 16);
	if (family == 4) {
		a[0] = 10;
		a[1] = v & 0x03;
		a[2] = (v >> 2) & 0x81;
		a[3] = (v >> 10) & 0x01;
		return;
	}
	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0x0d;
	a[3] = 0xb8 | ((v >> 2) & 0x01);
	a[7] = v & 0x03;
	a[8] = (v >> 4) & 0x81;
	a[15] = (v >> 12) & 0x01;
}

static void random_rule(struct rnd_state *rnd, struct crosslat_thresh_rule *r)
{
	static const u16 ports[] = { 0, 80, 443 };
	static const u8 lens6[] = { 0, 16, 31, 32, 56, 63, 64, 65, 72, 120, 127, 128 };
	u32 v = prandom_u32_state(rnd);
	unsigned int i, len;

	memset(r, 0, sizeof(*r));
	r->rtt_ns = 1 + v % 1000;
	r->netns_inum = (v >> 10) % 3 == 0 ? 1 + (v >> 12) % 2 : 0;
	r->port = ports[(v >> 14) % 3];
	switch ((v >> 16) % 3) {
	case 0:
		return;
	case 1:
		r->family = 4;
		len = (v >> 18) % 33;
		break;
	default:
		r->family = 6;
		len = (v >> 18) % 2 ? lens6[(v >> 19) % ARRAY_SIZE(lens6)] : (v >> 23) % 129;
		break;
	}
	r->prefix_len = len;
	random_addr(rnd, r->family, r->prefix);
	for (i = len; i < 128; i++)
		r->prefix[i / 8] &= ~(0x80 >> (i % 8));
}

static void crosslat_thresh_match_model(struct kunit *test)
{
	struct crosslat_thresh_rule *rs = kunit_kcalloc(test, MODEL_RULES, sizeof(*rs),
							GFP_KERNEL);
	unsigned int round, i, n, hits = 0, diffs = 0;
	struct crosslat_thresh_flow f;
	struct rnd_state rnd;
	int got, want;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rs);
	prandom_seed_state(&rnd, 0x63726f73736c6174ULL);
	for (round = 0; round < MODEL_ROUNDS; round++) {
		n = prandom_u32_state(&rnd) % (MODEL_RULES + 1);
		for (i = 0; i < n; i++) {
			random_rule(&rnd, &rs[i]);
			KUNIT_ASSERT_EQ(test, check(&rs[i]), 0);
		}
		memset(&f, 0, sizeof(f));
		f.family = prandom_u32_state(&rnd) % 2 ? 4 : 6;
		f.netns_inum = 1 + prandom_u32_state(&rnd) % 2;
		f.lport = prandom_u32_state(&rnd) % 2 ? 443 : 50000;
		f.rport = prandom_u32_state(&rnd) % 2 ? 80 : 50001;
		random_addr(&rnd, f.family, f.raddr);
		for (i = 0; i < n; i++)
			if (crosslat_thresh_rule_matches(&rs[i], &f) != model_matches(&rs[i], &f))
				diffs++;
		got = crosslat_thresh_match(rs, n, &f);
		want = model_match(rs, n, &f);
		if (got != want) {
			KUNIT_FAIL(test, "round %u: %u rules, match %d, model %d", round, n, got,
				   want);
			break;
		}
		hits += got >= 0 && rs[got].family == 6;
	}
	KUNIT_EXPECT_EQ(test, diffs, 0U);
	/* the pool must make IPv6 prefix rules win often enough to mean something */
	KUNIT_EXPECT_GT(test, hits, MODEL_ROUNDS / 20U);
}

static struct kunit_case crosslat_thresh_match_cases[] = {
	KUNIT_CASE(crosslat_thresh_match_rule_check),
	KUNIT_CASE(crosslat_thresh_match_same_selector),
	KUNIT_CASE(crosslat_thresh_match_specificity),
	KUNIT_CASE(crosslat_thresh_match_ipv6_prefix),
	KUNIT_CASE(crosslat_thresh_match_model),
	{}
};

static struct kunit_suite crosslat_thresh_match_suite = {
	.name = "crosslat_thresh_match",
	.test_cases = crosslat_thresh_match_cases,
};

kunit_test_suite(crosslat_thresh_match_suite);
