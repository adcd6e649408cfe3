// SPDX-License-Identifier: GPL-2.0-only
/* crosslat_metrics configuration, portable (metrics_conf.h). */
#include "metrics_conf.h"

static const char *const metric_names[__CROSSLAT_METRIC_MAX] = {
	[CROSSLAT_METRIC_RUNQ] = "runq",
	[CROSSLAT_METRIC_FAULTS] = "faults",
	[CROSSLAT_METRIC_TCP_RETRANS] = "tcp_retrans",
	[CROSSLAT_METRIC_BLKIO] = "blkio",
	[CROSSLAT_METRIC_DNS] = "dns",
	[CROSSLAT_METRIC_CPU] = "cpu",
};

static const struct {
	const char *name;
	unsigned int metric;
} hists[__CROSSLAT_METRICS_HIST_MAX] = {
	[CROSSLAT_METRICS_HIST_RUNQ] = { "runq", CROSSLAT_METRIC_RUNQ },
	[CROSSLAT_METRICS_HIST_FAULT_MINOR] = { "fault_minor", CROSSLAT_METRIC_FAULTS },
	[CROSSLAT_METRICS_HIST_FAULT_MAJOR] = { "fault_major", CROSSLAT_METRIC_FAULTS },
	[CROSSLAT_METRICS_HIST_TCP_RETRANS] = { "tcp_retrans", CROSSLAT_METRIC_TCP_RETRANS },
	[CROSSLAT_METRICS_HIST_BLKIO_READ] = { "blkio_read", CROSSLAT_METRIC_BLKIO },
	[CROSSLAT_METRICS_HIST_BLKIO_WRITE] = { "blkio_write", CROSSLAT_METRIC_BLKIO },
	[CROSSLAT_METRICS_HIST_BLKIO_BYTES] = { "blkio_bytes", CROSSLAT_METRIC_BLKIO },
	[CROSSLAT_METRICS_HIST_DNS] = { "dns", CROSSLAT_METRIC_DNS },
	[CROSSLAT_METRICS_HIST_ONCPU] = { "oncpu", CROSSLAT_METRIC_CPU },
	[CROSSLAT_METRICS_HIST_OFFCPU] = { "offcpu", CROSSLAT_METRIC_CPU },
	[CROSSLAT_METRICS_HIST_TCP_SYNACK_RETRANS] = { "tcp_synack_retrans",
						       CROSSLAT_METRIC_TCP_RETRANS },
};

const char *crosslat_metrics_name(unsigned int metric)
{
	return metric < __CROSSLAT_METRIC_MAX ? metric_names[metric] : NULL;
}
CROSSLAT_CORE_EXPORT(crosslat_metrics_name);

const char *crosslat_metrics_hist_name(unsigned int hist)
{
	return hist < __CROSSLAT_METRICS_HIST_MAX ? hists[hist].name : NULL;
}
CROSSLAT_CORE_EXPORT(crosslat_metrics_hist_name);

const char *crosslat_metrics_hist_unit(unsigned int hist)
{
	return hist == CROSSLAT_METRICS_HIST_BLKIO_BYTES ? "bytes" : "ns";
}
CROSSLAT_CORE_EXPORT(crosslat_metrics_hist_unit);

unsigned int crosslat_metrics_hist_metric(unsigned int hist)
{
	return hist < __CROSSLAT_METRICS_HIST_MAX ? hists[hist].metric : __CROSSLAT_METRIC_MAX;
}
CROSSLAT_CORE_EXPORT(crosslat_metrics_hist_metric);

/* The bit of the metric named by len bytes at s, or 0. */
static u32 name_bit(const char *s, size_t len)
{
	unsigned int i;

	for (i = 0; i < __CROSSLAT_METRIC_MAX; i++)
		if (strlen(metric_names[i]) == len && !memcmp(metric_names[i], s, len))
			return 1u << i;
	if (len == 3 && !memcmp(s, "all", 3))
		return CROSSLAT_METRICS_ALL;
	return 0;
}

int crosslat_metrics_parse_list(const char *s, size_t len, u32 *mask)
{
	size_t start = 0, i;
	u32 m = 0, bit;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != ',')
			continue;
		bit = name_bit(s + start, i - start);
		if (!bit || (m & bit))
			return -1;
		m |= bit;
		start = i + 1;
	}
	*mask = m;
	return 0;
}
CROSSLAT_CORE_EXPORT(crosslat_metrics_parse_list);

bool crosslat_metrics_conf_valid(u32 mask, u32 every)
{
	return !(mask & ~CROSSLAT_METRICS_ALL) && every >= 1 &&
	       every <= CROSSLAT_METRICS_SAMPLE_MAX;
}
CROSSLAT_CORE_EXPORT(crosslat_metrics_conf_valid);
