// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for the wrap-safe TCP sequence helpers, against 64-bit unwrapped arithmetic. */
#include "prng.h"
#include "tap.h"
#include "tcp_seq.h"

static struct prng rng;

static void test_before_after_basic(void)
{
	CHECK(crosslat_seq_before(1, 2));
	CHECK(!crosslat_seq_before(2, 1));
	CHECK(!crosslat_seq_before(5, 5));
	CHECK(!crosslat_seq_after(5, 5));
	CHECK(crosslat_seq_after(2, 1));
	CHECK(!crosslat_seq_after(1, 2));
}

static void test_wraparound(void)
{
	/* 0xffffff00 is just before 0x10 once the counter wraps */
	CHECK(crosslat_seq_before(0xffffff00u, 0x10));
	CHECK(crosslat_seq_after(0x10, 0xffffff00u));
	CHECK(!crosslat_seq_before(0x10, 0xffffff00u));
	CHECK(crosslat_seq_before(0xffffffffu, 0));
	CHECK(crosslat_seq_after(0, 0xffffffffu));
	/* 2^31 - 1 ahead is still ahead */
	CHECK(crosslat_seq_before(0, 0x7fffffffu));
	CHECK(crosslat_seq_after(0x7fffffffu, 0));
	CHECK(crosslat_seq_before(0x80000000u, 0xffffffffu));
	/* exactly 2^31 apart is ambiguous: each is before the other, as in the kernel */
	CHECK(crosslat_seq_before(0, 0x80000000u));
	CHECK(crosslat_seq_before(0x80000000u, 0));
}

static void test_between(void)
{
	CHECK(crosslat_seq_between(5, 5, 10));
	CHECK(crosslat_seq_between(10, 5, 10));
	CHECK(crosslat_seq_between(7, 5, 10));
	CHECK(!crosslat_seq_between(4, 5, 10));
	CHECK(!crosslat_seq_between(11, 5, 10));
	/* a window that wraps */
	CHECK(crosslat_seq_between(0xfffffff0u, 0xffffffe0u, 0x20));
	CHECK(crosslat_seq_between(0, 0xffffffe0u, 0x20));
	CHECK(crosslat_seq_between(0x20, 0xffffffe0u, 0x20));
	CHECK(!crosslat_seq_between(0x21, 0xffffffe0u, 0x20));
	CHECK(!crosslat_seq_between(0xffffffdfu, 0xffffffe0u, 0x20));
	/* a single-number window */
	CHECK(crosslat_seq_between(9, 9, 9));
	CHECK(!crosslat_seq_between(10, 9, 9));
}

static void test_seq_end(void)
{
	CHECK_EQ(crosslat_seq_end(100, 0, true, false), 101);
	CHECK_EQ(crosslat_seq_end(100, 50, false, false), 150);
	CHECK_EQ(crosslat_seq_end(100, 50, false, true), 151);
	CHECK_EQ(crosslat_seq_end(100, 0, true, true), 102);
	CHECK_EQ(crosslat_seq_end(0xfffffff0u, 0x20, false, true), 0x11);
}

/*
 * Pick a base and two offsets within 2^31 of it, so the unwrapped 64-bit order is the true
 * order; the helpers must agree with it whatever the base.
 */
static void test_random_model(void)
{
	int i;

	for (i = 0; i < 200000; i++) {
		uint64_t base = prng_next(&rng) & 0xffffffff;
		uint64_t da = prng_below(&rng, 1u << 30), db = prng_below(&rng, 1u << 30);
		uint64_t dc = prng_below(&rng, 1u << 30);
		uint32_t a = (uint32_t)(base + da), b = (uint32_t)(base + db);
		uint32_t c = (uint32_t)(base + dc);

		CHECK_EQ(crosslat_seq_before(a, b), da < db);
		CHECK_EQ(crosslat_seq_after(a, b), da > db);
		/* is c within [min(a,b), max(a,b)]? */
		if (da <= db)
			CHECK_EQ(crosslat_seq_between(c, a, b), da <= dc && dc <= db);
		else
			CHECK_EQ(crosslat_seq_between(c, b, a), db <= dc && dc <= da);
	}
}

int main(void)
{
	prng_seed_from_env(&rng);

	TAP_RUN(test_before_after_basic);
	TAP_RUN(test_wraparound);
	TAP_RUN(test_between);
	TAP_RUN(test_seq_end);
	TAP_RUN(test_random_model);
	return tap_done();
}
