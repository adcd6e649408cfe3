// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for crosslat_metrics' portable configuration: names, lists, sampling. */
#include <stdlib.h>

#include "metrics_conf.h"
#include "prng.h"
#include "tap.h"

static struct prng rng;

static int parse(const char *s, u32 *mask)
{
	return crosslat_metrics_parse_list(s, strlen(s), mask);
}

static void test_names(void)
{
	unsigned int i;

	CHECK(!strcmp(crosslat_metrics_name(CROSSLAT_METRIC_RUNQ), "runq"));
	CHECK(!strcmp(crosslat_metrics_name(CROSSLAT_METRIC_FAULTS), "faults"));
	CHECK(!strcmp(crosslat_metrics_name(CROSSLAT_METRIC_TCP_RETRANS), "tcp_retrans"));
	CHECK(crosslat_metrics_name(__CROSSLAT_METRIC_MAX) == NULL);
	CHECK(crosslat_metrics_hist_name(__CROSSLAT_METRICS_HIST_MAX) == NULL);
	CHECK_EQ(crosslat_metrics_hist_metric(__CROSSLAT_METRICS_HIST_MAX), __CROSSLAT_METRIC_MAX);
	for (i = 0; i < __CROSSLAT_METRICS_HIST_MAX; i++) {
		CHECK(crosslat_metrics_hist_name(i) != NULL);
		CHECK(crosslat_metrics_hist_metric(i) < __CROSSLAT_METRIC_MAX);
	}
	CHECK_EQ(crosslat_metrics_hist_metric(CROSSLAT_METRICS_HIST_FAULT_MAJOR),
		 CROSSLAT_METRIC_FAULTS);
	CHECK_EQ(crosslat_metrics_hist_metric(CROSSLAT_METRICS_HIST_BLKIO_BYTES),
		 CROSSLAT_METRIC_BLKIO);
	CHECK(!strcmp(crosslat_metrics_hist_name(CROSSLAT_METRICS_HIST_DNS), "dns"));
	CHECK(!strcmp(crosslat_metrics_hist_name(CROSSLAT_METRICS_HIST_OFFCPU), "offcpu"));
	CHECK_EQ(crosslat_metrics_hist_metric(CROSSLAT_METRICS_HIST_ONCPU), CROSSLAT_METRIC_CPU);
	CHECK(!strcmp(crosslat_metrics_name(CROSSLAT_METRIC_CPU), "cpu"));
	CHECK_EQ(crosslat_metrics_hist_metric(CROSSLAT_METRICS_HIST_TCP_SYNACK_RETRANS),
		 CROSSLAT_METRIC_TCP_RETRANS);
	CHECK(!strcmp(crosslat_metrics_hist_unit(CROSSLAT_METRICS_HIST_BLKIO_BYTES), "bytes"));
	CHECK(!strcmp(crosslat_metrics_hist_unit(CROSSLAT_METRICS_HIST_BLKIO_READ), "ns"));
}

static void test_parse_good(void)
{
	u32 m = 0;

	CHECK_INT_EQ(parse("runq", &m), 0);
	CHECK_EQ(m, 1u << CROSSLAT_METRIC_RUNQ);
	CHECK_INT_EQ(parse("faults,runq", &m), 0);
	CHECK_EQ(m, 1u << CROSSLAT_METRIC_RUNQ | 1u << CROSSLAT_METRIC_FAULTS);
	CHECK_INT_EQ(parse("dns,tcp_retrans,cpu,faults,blkio,runq", &m), 0);
	CHECK_EQ(m, CROSSLAT_METRICS_ALL);
	CHECK_INT_EQ(parse("all", &m), 0);
	CHECK_EQ(m, CROSSLAT_METRICS_ALL);
	/* len bounds the name: "runqX" cut to 4 bytes is "runq" */
	CHECK_INT_EQ(crosslat_metrics_parse_list("runqX", 4, &m), 0);
	CHECK_EQ(m, 1u << CROSSLAT_METRIC_RUNQ);
}

static void test_parse_bad(void)
{
	static const char *const bad[] = {
		"", ",", "runq,", ",runq", "runq,,faults", "runq,runq", "all,runq", "run",
		"runqq", "RUNQ", "runq faults", " runq", "fault", "faults,all", "tcp", "blk",
		"dns,dns", "cpu,cpu", "oncpu",
	};
	unsigned int i;
	u32 m = 12345;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse(bad[i], &m) != -1)
			tap_fail_at(__FILE__, __LINE__, "'%s' accepted", bad[i]);
	}
	CHECK_EQ(m, 12345);	/* untouched on failure */
}

static void test_conf_valid(void)
{
	CHECK(crosslat_metrics_conf_valid(0, 1));
	CHECK(crosslat_metrics_conf_valid(CROSSLAT_METRICS_ALL, 1));
	CHECK(crosslat_metrics_conf_valid(1, CROSSLAT_METRICS_SAMPLE_MAX));
	CHECK(!crosslat_metrics_conf_valid(1, 0));
	CHECK(!crosslat_metrics_conf_valid(1, CROSSLAT_METRICS_SAMPLE_MAX + 1));
	CHECK(!crosslat_metrics_conf_valid(CROSSLAT_METRICS_ALL + 1, 1));
	CHECK(!crosslat_metrics_conf_valid(1u << 31, 1));
}

/* Any run of k * every consecutive counter values measures exactly k of them. */
static void test_sampling_exact(void)
{
	unsigned int round;

	for (round = 0; round < 200; round++) {
		u32 every = 1 + prng_next(&rng) % 1000;
		u32 start = (u32)prng_next(&rng) % 0x7fffffffu;
		u32 k = 1 + prng_next(&rng) % 20, n, hits = 0;

		for (n = 0; n < k * every; n++)
			hits += crosslat_metrics_sampled(start + n, every);
		CHECK_EQ(hits, k);
	}
	CHECK(crosslat_metrics_sampled(7, 1));
	CHECK(crosslat_metrics_sampled(7, 0));	/* 0 is never configured: treated as 1 */
	CHECK(crosslat_metrics_sampled(100, 100));
	CHECK(!crosslat_metrics_sampled(101, 100));
}

int main(void)
{
	prng_seed_from_env(&rng);

	TAP_RUN(test_names);
	TAP_RUN(test_parse_good);
	TAP_RUN(test_parse_bad);
	TAP_RUN(test_conf_valid);
	TAP_RUN(test_sampling_exact);
	return tap_done();
}
