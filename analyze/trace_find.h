/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Finds the CTF traces under the paths given on the command line: every directory holding a
 * file named "metadata" (an LTTng session directory holds kernel/ and ust/uid/.../64-bit/).
 */
#ifndef _CROSSLAT_TRACE_FIND_H
#define _CROSSLAT_TRACE_FIND_H

#include <stddef.h>

struct crosslat_trace_dirs {
	char **path;		/* as reached from the argument: "ARG/kernel" */
	char **real;		/* realpath() of each, to skip a trace named twice */
	size_t nr, cap;
};

/* Directories deeper than this below an argument are not searched. */
#define CROSSLAT_TRACE_FIND_DEPTH	16

/*
 * Appends the trace directories at or below path (the directory of path when it is a file
 * named metadata), sorted by path, skipping those already in dirs. Symbolic links are
 * followed for path itself only. Returns how many it found (appended or already there), or
 * a negative errno when path cannot be read (-ENOMEM, -ENOENT, -ENOTDIR, -EACCES...).
 */
int crosslat_trace_find(const char *path, struct crosslat_trace_dirs *dirs);

void crosslat_trace_dirs_free(struct crosslat_trace_dirs *dirs);

#endif /* _CROSSLAT_TRACE_FIND_H */
