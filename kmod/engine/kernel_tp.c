// SPDX-License-Identifier: GPL-2.0-only
/* Probes on core kernel tracepoints found by name (kernel_tp.h). */
#include <linux/module.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include "kernel_tp.h"

struct tp_find {
	struct crosslat_kernel_tp *tps;
	unsigned int n;
};

static void tp_match(struct tracepoint *tp, void *priv)
{
	struct tp_find *f = priv;
	unsigned int i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(tp->name, f->tps[i].name))
			f->tps[i].tp = tp;
}

static void tp_drop(struct crosslat_kernel_tp *tps, unsigned int n)
{
	while (n--)
		tracepoint_probe_unregister(tps[n].tp, tps[n].probe, NULL);
}

int crosslat_kernel_tp_register(struct crosslat_kernel_tp *tps, unsigned int n)
{
	struct tp_find f = { tps, n };
	unsigned int i;
	int err = 0;

	for_each_kernel_tracepoint(tp_match, &f);
	for (i = 0; i < n; i++) {
		if (!tps[i].tp) {
			pr_err("kernel tracepoint %s not found\n", tps[i].name);
			err = -ENOENT;
		} else {
			err = tracepoint_probe_register(tps[i].tp, tps[i].probe, NULL);
		}
		if (err) {
			tp_drop(tps, i);
			return err;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(crosslat_kernel_tp_register);

void crosslat_kernel_tp_unregister(struct crosslat_kernel_tp *tps, unsigned int n)
{
	tp_drop(tps, n);
	tracepoint_synchronize_unregister();
}
EXPORT_SYMBOL_GPL(crosslat_kernel_tp_unregister);
