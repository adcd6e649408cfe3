// SPDX-License-Identifier: GPL-2.0-only
/* Entry kprobes past the ftrace call site (kprobe_past_ftrace.h). */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <asm/ftrace.h>
#include "kprobe_past_ftrace.h"

int crosslat_kprobes_register_past_ftrace(struct kprobe **kps, unsigned int n)
{
	struct kprobe *look, **lookp;
	unsigned int i;
	int err;

	look = kcalloc(n, sizeof(*look), GFP_KERNEL);
	lookp = kcalloc(n, sizeof(*lookp), GFP_KERNEL);
	err = -ENOMEM;
	if (!look || !lookp)
		goto out;
	/* Disabled probes are resolved (address, ftrace site or not) but never armed. */
	for (i = 0; i < n; i++) {
		look[i].symbol_name = kps[i]->symbol_name;
		look[i].offset = kps[i]->offset;
		look[i].flags = KPROBE_FLAG_DISABLED;
		lookp[i] = &look[i];
	}
	err = register_kprobes(lookp, n);
	if (err)
		goto out;
	for (i = 0; i < n; i++) {
		if (!(look[i].flags & KPROBE_FLAG_FTRACE))
			continue;
		kps[i]->symbol_name = NULL;
		kps[i]->offset = 0;
		kps[i]->addr = (kprobe_opcode_t *)((unsigned long)look[i].addr +
						   MCOUNT_INSN_SIZE);
	}
	unregister_kprobes(lookp, n);
	err = register_kprobes(kps, n);
out:
	kfree(lookp);
	kfree(look);
	return err;
}
EXPORT_SYMBOL_GPL(crosslat_kprobes_register_past_ftrace);
