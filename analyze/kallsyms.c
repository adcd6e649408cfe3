// SPDX-License-Identifier: GPL-2.0-only
/* A sorted copy of a kallsyms file and address lookups in it. */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"

struct crosslat_ksym {
	uint64_t addr;
	char *name;		/* "name" or "name [module]" */
};

/* Symbols further than this from the address are not taken as its function. */
#define KSYM_MAX_OFFSET	(1u << 20)

static int cmp_addr(const void *a, const void *b)
{
	const struct crosslat_ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int add(struct crosslat_kallsyms *ks, uint64_t addr, const char *name,
	       const char *module)
{
	struct crosslat_ksym *s;
	size_t n;

	if (ks->nr == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 4096;

		s = realloc(ks->v, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		ks->v = s;
		ks->cap = cap;
	}
	s = &ks->v[ks->nr];
	n = strlen(name) + (module ? strlen(module) + 2 : 0) + 1;
	s->name = malloc(n);
	if (!s->name)
		return -ENOMEM;
	if (module)
		snprintf(s->name, n, "%s %s", name, module);
	else
		snprintf(s->name, n, "%s", name);
	s->addr = addr;
	ks->nr++;
	return 0;
}

int crosslat_kallsyms_load(struct crosslat_kallsyms *ks, const char *path)
{
	char line[512], name[256], module[256];
	FILE *f = fopen(path, "r");
	int rc = 0, n;
	uint64_t addr;
	char type;

	if (!f)
		return -errno;
	while (!rc && fgets(line, sizeof(line), f)) {
		n = sscanf(line, "%" SCNx64 " %c %255s %255s", &addr, &type, name, module);
		/* Only code: text symbols, of the kernel or a module. */
		if (n < 3 || !addr || (type != 't' && type != 'T' && type != 'w' && type != 'W'))
			continue;
		rc = add(ks, addr, name, n == 4 ? module : NULL);
	}
	if (!rc && ferror(f))
		rc = -EIO;
	fclose(f);
	if (!rc && !ks->nr)
		rc = -ENODATA;
	if (rc) {
		crosslat_kallsyms_free(ks);
		return rc;
	}
	qsort(ks->v, ks->nr, sizeof(*ks->v), cmp_addr);
	return 0;
}

const char *crosslat_kallsyms_fmt(const struct crosslat_kallsyms *ks, uint64_t addr, char *buf,
				  size_t len)
{
	size_t lo = 0, hi = ks->nr;
	const struct crosslat_ksym *s;
	const char *space;

	/* The last symbol at or below addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &ks->v[lo - 1];
	if (addr - s->addr >= KSYM_MAX_OFFSET)
		return NULL;
	space = strchr(s->name, ' ');
	if (space)
		snprintf(buf, len, "%.*s+0x%" PRIx64 "%s", (int)(space - s->name), s->name,
			 addr - s->addr, space);
	else
		snprintf(buf, len, "%s+0x%" PRIx64, s->name, addr - s->addr);
	return buf;
}

void crosslat_kallsyms_free(struct crosslat_kallsyms *ks)
{
	size_t i;

	for (i = 0; i < ks->nr; i++)
		free(ks->v[i].name);
	free(ks->v);
	memset(ks, 0, sizeof(*ks));
}
