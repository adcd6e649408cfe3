/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel addresses as "symbol+0xoff [module]", from a copy of /proc/kallsyms of the traced
 * host (`crosslat-analyze spans --kallsyms FILE`), read as root: without privilege every
 * address there is 0.
 */
#ifndef _CROSSLAT_KALLSYMS_H
#define _CROSSLAT_KALLSYMS_H

#include <stddef.h>
#include <stdint.h>

struct crosslat_ksym;

struct crosslat_kallsyms {
	struct crosslat_ksym *v;	/* sorted by address */
	size_t nr, cap;
};

/*
 * Reads a kallsyms file ("ffffffff81000000 T _stext [module]" per line) into ks, which must
 * be zeroed. Returns 0, -errno of reading it, -ENOMEM, or -ENODATA when it has no non-zero
 * address (read without privilege).
 */
int crosslat_kallsyms_load(struct crosslat_kallsyms *ks, const char *path);

/*
 * addr as "name+0xoff" or "name+0xoff [module]" into buf, or NULL when it is below the first
 * symbol or past the last one.
 */
const char *crosslat_kallsyms_fmt(const struct crosslat_kallsyms *ks, uint64_t addr, char *buf,
				  size_t len);

void crosslat_kallsyms_free(struct crosslat_kallsyms *ks);

#endif /* _CROSSLAT_KALLSYMS_H */
