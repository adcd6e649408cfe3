// SPDX-License-Identifier: GPL-2.0-only
/* Parsing the declarative crosslat_metrics configuration (metrics_file.h). */

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <linux/crosslat_metrics.h>

#include "core/metrics_conf.h"
#include "metrics_file.h"

#define MAX_TOKENS	3

void metrics_file_free(struct metrics_file *mf)
{
	size_t i;

	for (i = 0; i < mf->nr; i++)
		free(mf->v[i].path);
	free(mf->v);
	memset(mf, 0, sizeof(*mf));
}

static int fail(struct metrics_file *mf, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	metrics_file_free(mf);
	return -1;
}

/* "sample=N" with 1 <= N <= CROSSLAT_METRICS_SAMPLE_MAX into *every. */
static bool parse_sample(const char *tok, uint32_t *every)
{
	unsigned long v;
	char *end;

	if (strncmp(tok, "sample=", 7) || tok[7] < '0' || tok[7] > '9')
		return false;
	errno = 0;
	v = strtoul(tok + 7, &end, 10);
	if (errno || *end || v < 1 || v > CROSSLAT_METRICS_SAMPLE_MAX)
		return false;
	*every = (uint32_t)v;
	return true;
}

int metrics_file_parse(FILE *f, const char *name, struct metrics_file *mf, char *err,
		       size_t errlen)
{
	unsigned int lineno = 0;
	size_t cap = 0, i;
	char *buf = NULL;
	ssize_t len;

	memset(mf, 0, sizeof(*mf));
	while ((len = getline(&buf, &cap, f)) >= 0) {
		char *tok[MAX_TOKENS + 1], *save = NULL, *hash, *t;
		struct metrics_file_line *l;
		unsigned int n = 0;
		uint32_t mask, every = 1;

		lineno++;
		if (memchr(buf, '\0', (size_t)len)) {
			free(buf);
			return fail(mf, err, errlen, "%s:%u: a NUL byte", name, lineno);
		}
		hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		for (t = strtok_r(buf, " \t\r\n", &save); t && n <= MAX_TOKENS;
		     t = strtok_r(NULL, " \t\r\n", &save))
			tok[n++] = t;
		if (!n)
			continue;
		if (n == 1 || n > MAX_TOKENS) {
			free(buf);
			return fail(mf, err, errlen,
				    "%s:%u: expected PATH METRIC[,METRIC...] [sample=N]", name,
				    lineno);
		}
		if (crosslat_metrics_parse_list(tok[1], strlen(tok[1]), &mask)) {
			fail(mf, err, errlen,
			     "%s:%u: '%s': expected metric names (runq, faults, tcp_retrans, blkio, dns, cpu, all) separated by commas",
			     name, lineno, tok[1]);
			free(buf);
			return -1;
		}
		if (n == 3 && !parse_sample(tok[2], &every)) {
			fail(mf, err, errlen, "%s:%u: '%s': expected sample=N, N from 1 to %d",
			     name, lineno, tok[2], CROSSLAT_METRICS_SAMPLE_MAX);
			free(buf);
			return -1;
		}
		for (i = 0; i < mf->nr; i++)
			if (!strcmp(mf->v[i].path, tok[0])) {
				fail(mf, err, errlen, "%s:%u: %s already configured on line %u",
				     name, lineno, tok[0], mf->v[i].line);
				free(buf);
				return -1;
			}
		if (mf->nr == mf->cap) {
			size_t ncap = mf->cap ? 2 * mf->cap : 16;

			l = reallocarray(mf->v, ncap, sizeof(*l));
			if (!l) {
				free(buf);
				return fail(mf, err, errlen, "%s: out of memory", name);
			}
			mf->v = l;
			mf->cap = ncap;
		}
		l = &mf->v[mf->nr];
		l->path = strdup(tok[0]);
		if (!l->path) {
			free(buf);
			return fail(mf, err, errlen, "%s: out of memory", name);
		}
		l->mask = mask;
		l->every = every;
		l->line = lineno;
		mf->nr++;
	}
	free(buf);
	if (ferror(f))
		return fail(mf, err, errlen, "%s: %s", name, strerror(errno ? errno : EIO));
	return 0;
}
