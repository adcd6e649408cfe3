/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The declarative configuration of crosslat_metrics that `crosslatctl metrics apply FILE`
 * makes true: one line per cgroup,
 *
 *   # comment
 *   PATH  METRIC[,METRIC...]  [sample=N]
 *
 * PATH a cgroup v2 directory (as `metrics set` takes it), the metrics as `metrics set` names
 * them ("all" too), sample=N one event in N (1 by default). Blank lines and everything
 * after a '#' are ignored; a path may appear once.
 */
#ifndef _CROSSLAT_METRICS_FILE_H
#define _CROSSLAT_METRICS_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct metrics_file_line {
	char *path;
	uint32_t mask;		/* CROSSLAT_METRICS_* bits, never 0 */
	uint32_t every;		/* 1..CROSSLAT_METRICS_SAMPLE_MAX */
	unsigned int line;	/* 1-based, for messages */
};

struct metrics_file {
	struct metrics_file_line *v;
	size_t nr, cap;
};

/*
 * Reads f (named name in messages) into mf; 0, or -1 with "name:LINE: why" (or the read
 * error) in err, mf then empty.
 */
int metrics_file_parse(FILE *f, const char *name, struct metrics_file *mf, char *err,
		       size_t errlen);
void metrics_file_free(struct metrics_file *mf);

#endif /* _CROSSLAT_METRICS_FILE_H */
