// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the RTT threshold rules: validation, selector equality, matching and the
 * most-specific-rule order, the latter against a brute-force model over random rule sets.
 */
#include <arpa/inet.h>

#include "thresh_match.h"
#include "prng.h"
#include "tap.h"

#define MODEL_ROUNDS	20000

static struct prng rng;

static struct crosslat_thresh_rule rule4(const char *prefix, unsigned int len, uint16_t port,
					 uint32_t netns, uint64_t ns)
{
	struct crosslat_thresh_rule r = { .rtt_ns = ns, .netns_inum = netns, .port = port };

	if (prefix) {
		r.family = 4;
		r.prefix_len = (uint8_t)len;
		inet_pton(AF_INET, prefix, r.prefix);
	}
	return r;
}

static struct crosslat_thresh_flow flow4(const char *raddr, uint16_t lport, uint16_t rport,
					 uint32_t netns)
{
	struct crosslat_thresh_flow f = { .netns_inum = netns, .family = 4,
					  .lport = lport, .rport = rport };

	inet_pton(AF_INET, raddr, f.raddr);
	return f;
}

static void test_rule_check(void)
{
	struct crosslat_thresh_rule r;

	r = rule4(NULL, 0, 0, 0, 1);
	CHECK_INT_EQ(crosslat_thresh_rule_check(&r), 0);
	r = rule4("10.1.0.0", 16, 80, 7, 5);
	CHECK_INT_EQ(crosslat_thresh_rule_check(&r), 0);
	r = rule4("10.1.0.1", 16, 0, 0, 5);
	CHECK_INT_EQ(crosslat_thresh_rule_check(&r), -CROSSLAT_THRESH_ERR_HOST_BITS);
	r = rule4("10.1.128.0", 17, 0, 0, 5);
	CHECK_INT_EQ(crosslat_thresh_rule_check(&r), 0);
	r = rule4("10.1.64.0", 17, 0, 0, 5);	/* bit 18 set */
	CHECK_INT_EQ(crosslat_thresh_rule_check(&r), -CROSSLAT_THRESH_ERR_HOST_BITS);
	r = rule4("10.0.0.0", 33, 0, 0, 5);
	CHECK_INT_EQ(crosslat_thresh_rule_check(&r), -CROSSLAT_THRESH_ERR_PREFIX_LEN);
	r = rule4("0.0.0.0", 0, 0, 0, 5);	/* every IPv4 address */
	CHECK_INT_EQ(crosslat_thresh_rule_check(&r), 0);
	r = rule4(NULL, 0, 0, 0, 0);
	CHECK_INT_EQ(crosslat_thresh_rule_check(&r), -CROSSLAT_THRESH_ERR_RTT);
	r = rule4(NULL, 0, 0, 0, 1);
	r.family = 5;
	CHECK_INT_EQ(crosslat_thresh_rule_check(&r), -CROSSLAT_THRESH_ERR_FAMILY);
	r = rule4(NULL, 0, 0, 0, 1);
	r.prefix_len = 8;
	CHECK_INT_EQ(crosslat_thresh_rule_check(&r), -CROSSLAT_THRESH_ERR_PREFIX_LEN);
	r = rule4(NULL, 0, 0, 0, 1);
	r.prefix[3] = 1;
	CHECK_INT_EQ(crosslat_thresh_rule_check(&r), -CROSSLAT_THRESH_ERR_HOST_BITS);
	/* IPv6: /128 with every bit set is valid, /64 with a host bit is not */
	memset(&r, 0, sizeof(r));
	r.rtt_ns = 1;
	r.family = 6;
	r.prefix_len = 128;
	memset(r.prefix, 0xff, 16);
	CHECK_INT_EQ(crosslat_thresh_rule_check(&r), 0);
	r.prefix_len = 64;
	CHECK_INT_EQ(crosslat_thresh_rule_check(&r), -CROSSLAT_THRESH_ERR_HOST_BITS);
	r.prefix_len = 129;
	CHECK_INT_EQ(crosslat_thresh_rule_check(&r), -CROSSLAT_THRESH_ERR_PREFIX_LEN);
}

static void test_same_selector(void)
{
	struct crosslat_thresh_rule a = rule4("10.0.0.0", 8, 80, 3, 10);
	struct crosslat_thresh_rule b = rule4("10.0.0.0", 8, 80, 3, 99);

	CHECK(crosslat_thresh_same_selector(&a, &b));
	b.port = 81;
	CHECK(!crosslat_thresh_same_selector(&a, &b));
	b = a;
	b.prefix_len = 9;
	CHECK(!crosslat_thresh_same_selector(&a, &b));
	b = a;
	b.netns_inum = 0;
	CHECK(!crosslat_thresh_same_selector(&a, &b));
}

static void test_matches(void)
{
	struct crosslat_thresh_flow f = flow4("10.1.2.3", 40000, 443, 77);
	struct crosslat_thresh_rule r;

	r = rule4(NULL, 0, 0, 0, 1);
	CHECK(crosslat_thresh_rule_matches(&r, &f));
	r = rule4("10.1.0.0", 16, 0, 0, 1);
	CHECK(crosslat_thresh_rule_matches(&r, &f));
	r = rule4("10.2.0.0", 16, 0, 0, 1);
	CHECK(!crosslat_thresh_rule_matches(&r, &f));
	r = rule4("10.1.2.2", 31, 0, 0, 1);
	CHECK(crosslat_thresh_rule_matches(&r, &f));
	r = rule4("10.1.2.2", 32, 0, 0, 1);
	CHECK(!crosslat_thresh_rule_matches(&r, &f));
	r = rule4(NULL, 0, 443, 0, 1);		/* remote port */
	CHECK(crosslat_thresh_rule_matches(&r, &f));
	r = rule4(NULL, 0, 40000, 0, 1);	/* local port */
	CHECK(crosslat_thresh_rule_matches(&r, &f));
	r = rule4(NULL, 0, 80, 0, 1);
	CHECK(!crosslat_thresh_rule_matches(&r, &f));
	r = rule4(NULL, 0, 0, 77, 1);
	CHECK(crosslat_thresh_rule_matches(&r, &f));
	r = rule4(NULL, 0, 0, 78, 1);
	CHECK(!crosslat_thresh_rule_matches(&r, &f));
	/* an IPv6 rule never matches an IPv4 flow, even ::/0 */
	memset(&r, 0, sizeof(r));
	r.rtt_ns = 1;
	r.family = 6;
	CHECK(!crosslat_thresh_rule_matches(&r, &f));
}

static void test_specificity_order(void)
{
	struct crosslat_thresh_flow f = flow4("10.1.2.3", 40000, 443, 77);
	struct crosslat_thresh_rule rs[6];

	rs[0] = rule4(NULL, 0, 0, 0, 100);		/* global */
	CHECK_INT_EQ(crosslat_thresh_match(rs, 1, &f), 0);
	rs[1] = rule4(NULL, 0, 443, 0, 200);		/* port beats global */
	CHECK_INT_EQ(crosslat_thresh_match(rs, 2, &f), 1);
	rs[2] = rule4("10.0.0.0", 8, 0, 0, 300);	/* any prefix beats port only */
	CHECK_INT_EQ(crosslat_thresh_match(rs, 3, &f), 2);
	rs[3] = rule4("10.1.0.0", 16, 0, 0, 400);	/* longer prefix */
	CHECK_INT_EQ(crosslat_thresh_match(rs, 4, &f), 3);
	rs[4] = rule4("10.1.0.0", 16, 443, 0, 500);	/* same prefix plus port */
	CHECK_INT_EQ(crosslat_thresh_match(rs, 5, &f), 4);
	rs[5] = rule4(NULL, 0, 0, 77, 600);		/* namespace beats everything */
	CHECK_INT_EQ(crosslat_thresh_match(rs, 6, &f), 5);
	/* order of the array does not matter */
	rs[0] = rs[5];
	rs[5] = rule4(NULL, 0, 0, 0, 100);
	CHECK_INT_EQ(crosslat_thresh_match(rs, 6, &f), 0);
	/* nothing matches */
	rs[0] = rule4("192.168.0.0", 16, 0, 0, 1);
	CHECK_INT_EQ(crosslat_thresh_match(rs, 1, &f), -1);
	CHECK_INT_EQ(crosslat_thresh_match(rs, 0, &f), -1);
}

/* Model: score every matching rule lexicographically, keep the last best. */
static int model_match(const struct crosslat_thresh_rule *rs, unsigned int n,
		       const struct crosslat_thresh_flow *f)
{
	int best = -1, bk[3] = { 0 };
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct crosslat_thresh_rule *r = &rs[i];
		int k[3];

		if (r->netns_inum && r->netns_inum != f->netns_inum)
			continue;
		if (r->port && r->port != f->lport && r->port != f->rport)
			continue;
		if (r->family) {
			uint32_t a, p, mask;

			if (r->family != f->family)
				continue;
			memcpy(&a, f->raddr, 4);
			memcpy(&p, r->prefix, 4);
			mask = r->prefix_len ? htonl(~0u << (32 - r->prefix_len)) : 0;
			if ((a & mask) != p)
				continue;
		}
		k[0] = !!r->netns_inum;
		k[1] = r->family ? r->prefix_len + 1 : 0;
		k[2] = !!r->port;
		if (best < 0 || k[0] > bk[0] || (k[0] == bk[0] && (k[1] > bk[1] ||
		    (k[1] == bk[1] && k[2] >= bk[2])))) {
			best = (int)i;
			memcpy(bk, k, sizeof(bk));
		}
	}
	return best;
}

static void random_rule(struct crosslat_thresh_rule *r)
{
	static const uint16_t ports[] = { 0, 80, 443 };
	uint32_t a, len;

	memset(r, 0, sizeof(*r));
	r->rtt_ns = prng_range(&rng, 1, 1000);
	r->netns_inum = prng_one_in(&rng, 3) ? (uint32_t)prng_range(&rng, 1, 2) : 0;
	r->port = ports[prng_below(&rng, 3)];
	if (prng_one_in(&rng, 2)) {
		len = (uint32_t)prng_below(&rng, 33);
		a = (uint32_t)prng_next(&rng) & 0x0a0303ff;	/* few distinct addresses */
		a &= len ? ~0u << (32 - len) : 0;
		a = htonl(a);
		r->family = 4;
		r->prefix_len = (uint8_t)len;
		memcpy(r->prefix, &a, 4);
	}
}

static void test_match_model(void)
{
	struct crosslat_thresh_rule rs[8];
	struct crosslat_thresh_flow f;
	unsigned int round, i, n;
	uint32_t a;

	for (round = 0; round < MODEL_ROUNDS; round++) {
		n = (unsigned int)prng_below(&rng, 9);
		for (i = 0; i < n; i++) {
			random_rule(&rs[i]);
			CHECK_INT_EQ(crosslat_thresh_rule_check(&rs[i]), 0);
		}
		memset(&f, 0, sizeof(f));
		f.family = 4;
		f.netns_inum = (uint32_t)prng_range(&rng, 1, 2);
		f.lport = prng_one_in(&rng, 2) ? 443 : 50000;
		f.rport = prng_one_in(&rng, 2) ? 80 : 50001;
		a = htonl((uint32_t)prng_next(&rng) & 0x0a0303ff);
		memcpy(f.raddr, &a, 4);
		CHECK_INT_EQ(crosslat_thresh_match(rs, n, &f), model_match(rs, n, &f));
	}
}

int main(void)
{
	prng_seed_from_env(&rng);

	TAP_RUN(test_rule_check);
	TAP_RUN(test_same_selector);
	TAP_RUN(test_matches);
	TAP_RUN(test_specificity_order);
	TAP_RUN(test_match_model);
	return tap_done();
}
