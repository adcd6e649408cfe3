// SPDX-License-Identifier: GPL-2.0-only
/* Trace discovery: directories holding a CTF "metadata" file, below each argument. */

#define _GNU_SOURCE	/* asprintf */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trace_find.h"

void crosslat_trace_dirs_free(struct crosslat_trace_dirs *dirs)
{
	size_t i;

	for (i = 0; i < dirs->nr; i++) {
		free(dirs->path[i]);
		free(dirs->real[i]);
	}
	free(dirs->path);
	free(dirs->real);
	memset(dirs, 0, sizeof(*dirs));
}

static bool has_metadata(const char *dir)
{
	struct stat st;
	char *p;
	bool ok;

	if (asprintf(&p, "%s/metadata", dir) < 0)
		return false;
	ok = !stat(p, &st) && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

/*
 * Appends dir (taking ownership of path) unless its realpath is already in dirs. Returns 1
 * (found), 0 (it vanished) or -ENOMEM.
 */
static int append(struct crosslat_trace_dirs *dirs, char *path)
{
	char *real = realpath(path, NULL);
	size_t i;

	if (!real) {
		free(path);
		return errno == ENOMEM ? -ENOMEM : 0;
	}
	for (i = 0; i < dirs->nr; i++) {
		if (!strcmp(dirs->real[i], real)) {
			free(path);
			free(real);
			return 1;
		}
	}
	if (dirs->nr == dirs->cap) {
		size_t cap = dirs->cap ? dirs->cap * 2 : 8;
		char **p = realloc(dirs->path, cap * sizeof(*p)), **r;

		if (p)
			dirs->path = p;
		r = p ? realloc(dirs->real, cap * sizeof(*r)) : NULL;
		if (!r) {
			free(path);
			free(real);
			return -ENOMEM;
		}
		dirs->real = r;
		dirs->cap = cap;
	}
	dirs->path[dirs->nr] = path;
	dirs->real[dirs->nr] = real;
	dirs->nr++;
	return 1;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Searches dir (a directory, not a symbolic link below the argument) and its
 * subdirectories in name order. Unreadable subdirectories are skipped.
 */
static int walk(const char *dir, int depth, struct crosslat_trace_dirs *dirs)
{
	char **names = NULL;
	size_t nr = 0, cap = 0, i;
	struct dirent *de;
	int found = 0, rc;
	DIR *d;

	if (has_metadata(dir)) {
		char *p = strdup(dir);

		return p ? append(dirs, p) : -ENOMEM;
	}
	if (depth >= CROSSLAT_TRACE_FIND_DEPTH)
		return 0;
	d = opendir(dir);
	if (!d)
		return depth ? 0 : -errno;
	while ((de = readdir(d))) {
		char *sub;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&sub, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
			     de->d_name) < 0) {
			found = -ENOMEM;
			break;
		}
		if (lstat(sub, &st) || !S_ISDIR(st.st_mode)) {
			free(sub);
			continue;
		}
		if (nr == cap) {
			char **v = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*v));

			if (!v) {
				free(sub);
				found = -ENOMEM;
				break;
			}
			names = v;
		}
		names[nr++] = sub;
	}
	closedir(d);
	if (found >= 0 && nr)
		qsort(names, nr, sizeof(*names), name_cmp);
	for (i = 0; i < nr; i++) {
		if (found >= 0) {
			rc = walk(names[i], depth + 1, dirs);
			found = rc < 0 ? rc : found + rc;
		}
		free(names[i]);
	}
	free(names);
	return found;
}

int crosslat_trace_find(const char *path, struct crosslat_trace_dirs *dirs)
{
	const char *base = strrchr(path, '/');
	struct stat st;

	if (stat(path, &st))
		return -errno;
	base = base ? base + 1 : path;
	if (S_ISREG(st.st_mode) && !strcmp(base, "metadata")) {
		char *dir = base == path ? strdup(".") : strndup(path, base - 1 - path);

		if (dir && !*dir) {
			free(dir);
			dir = strdup("/");
		}
		return dir ? append(dirs, dir) : -ENOMEM;
	}
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return walk(path, 0, dirs);
}
