// SPDX-License-Identifier: GPL-2.0-only
/* Exports the portable core (kmod/core) to the tracker and KUnit modules. */
#include <linux/module.h>
#include "core/log2_hist.h"
#include "core/pkt_parse.h"

EXPORT_SYMBOL_GPL(crosslat_pkt_parse);
EXPORT_SYMBOL_GPL(crosslat_pkt_strerror);
EXPORT_SYMBOL_GPL(crosslat_log2_hist_init);
EXPORT_SYMBOL_GPL(crosslat_log2_hist_add);
EXPORT_SYMBOL_GPL(crosslat_log2_hist_merge);
EXPORT_SYMBOL_GPL(crosslat_log2_hist_quantile);
