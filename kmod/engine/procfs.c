// SPDX-License-Identifier: GPL-2.0-only
/* /proc/crosslat/stats: "name value" per counter, the loaded trackers' too (seq_file, read-only). */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include "nl_ext.h"
#include "procfs.h"
#include "stats.h"
#include "version.h"

static struct proc_dir_entry *crosslat_dir;

static int stats_show(struct seq_file *m, void *v)
{
	u64 val;
	int i;

	seq_printf(m, "version %s\n", CROSSLAT_VERSION);
	for (i = 0; i < __CROSSLAT_STAT_MAX; i++) {
		const char *name = crosslat_stats_name(i);

		if (name && crosslat_stats_value(i, &val))
			seq_printf(m, "%s %llu\n", name, val);
	}
	return 0;
}

struct proc_dir_entry *crosslat_procfs_dir(void)
{
	return crosslat_dir;
}
EXPORT_SYMBOL_GPL(crosslat_procfs_dir);

int __init crosslat_procfs_init(void)
{
	crosslat_dir = proc_mkdir("crosslat", NULL);
	if (!crosslat_dir)
		return -ENOMEM;
	if (!proc_create_single("stats", 0444, crosslat_dir, stats_show)) {
		proc_remove(crosslat_dir);
		crosslat_dir = NULL;
		return -ENOMEM;
	}
	return 0;
}

void crosslat_procfs_uninit(void)
{
	proc_remove(crosslat_dir);
	crosslat_dir = NULL;
}
