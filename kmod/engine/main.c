// SPDX-License-Identifier: GPL-2.0-only
/* crosslat.ko: init and exit of the engine every crosslat tracker builds on. */
#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/crosslat.h>
#include "netlink.h"
#include "procfs.h"
#include "stats.h"
#include "version.h"

static int __init crosslat_init(void)
{
	int err;

	err = crosslat_stats_init();
	if (err)
		return err;
	err = crosslat_procfs_init();
	if (err)
		goto err_stats;
	err = crosslat_netlink_init();
	if (err)
		goto err_procfs;
	pr_info("crosslat engine %s loaded\n", CROSSLAT_VERSION);
	return 0;

err_procfs:
	crosslat_procfs_uninit();
err_stats:
	crosslat_stats_uninit();
	return err;
}

static void __exit crosslat_exit(void)
{
	crosslat_netlink_uninit();
	crosslat_procfs_uninit();
	crosslat_stats_uninit();
	pr_info("crosslat engine unloaded\n");
}

module_init(crosslat_init);
module_exit(crosslat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crosslat: cross-layer latency tracing engine");
MODULE_VERSION(CROSSLAT_VERSION);
MODULE_ALIAS_GENL_FAMILY(CROSSLAT_GENL_NAME);
