/* SPDX-License-Identifier: GPL-2.0-only */
/* Minimal TAP producer for the userspace unit tests: test points, CHECK_* macros, the plan. */
#ifndef _CROSSLAT_TAP_H
#define _CROSSLAT_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Diagnostics printed per test point; later failures are only counted. */
#define TAP_MAX_DIAG	10

static struct {
	int planned;		/* -1 until tap_plan() */
	int points;
	int failed_points;
	int fails;		/* CHECK failures in the current test point */
} tap = { .planned = -1 };

/* Announce n test points up front; without it tap_done() prints a trailing plan. */
static inline void tap_plan(int n)
{
	tap.planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static inline void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/* Record one failure at file:line in the current test point. */
static inline void tap_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void tap_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (++tap.fails > TAP_MAX_DIAG) {
		if (tap.fails == TAP_MAX_DIAG + 1)
			tap_diag("(further failures in this test not shown)");
		return;
	}
	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/* Emit one test point; it fails if ok is false or a CHECK failed since the last point. */
static inline bool tap_ok_at(const char *file, int line, bool ok, const char *name)
{
	if (!ok)
		tap_fail_at(file, line, "test point failed");
	ok = tap.fails == 0;
	tap.fails = 0;
	tap.points++;
	if (!ok)
		tap.failed_points++;
	printf("%sok %d - %s\n", ok ? "" : "not ", tap.points, name);
	fflush(stdout);
	return ok;
}

#define TAP_OK(cond, name)	tap_ok_at(__FILE__, __LINE__, (cond), (name))

/* Run a void fn(void) made of CHECKs as one test point named after the function. */
#define TAP_RUN(fn)	do { fn(); tap_ok_at(__FILE__, __LINE__, true, #fn); } while (0)

/* Print the trailing plan if none was given; returns the process exit status. */
static inline int tap_done(void)
{
	if (tap.planned < 0)
		printf("1..%d\n", tap.points);
	else if (tap.planned != tap.points)
		tap_diag("planned %d test points but ran %d", tap.planned, tap.points);
	fflush(stdout);
	return tap.failed_points || (tap.planned >= 0 && tap.planned != tap.points);
}

#define CHECK(cond) do {							\
	if (!(cond))								\
		tap_fail_at(__FILE__, __LINE__, "CHECK(%s)", #cond);		\
} while (0)

/* Unsigned comparison; prints both values in decimal and hex. */
#define CHECK_EQ(a, b) do {							\
	uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b);			\
	if (_a != _b)								\
		tap_fail_at(__FILE__, __LINE__,					\
			    "%s == %s: %" PRIu64 " (0x%" PRIx64 ") != %"	\
			    PRIu64 " (0x%" PRIx64 ")", #a, #b, _a, _a, _b, _b);	\
} while (0)

/* Signed comparison (error codes, differences). */
#define CHECK_INT_EQ(a, b) do {							\
	int64_t _a = (int64_t)(a), _b = (int64_t)(b);				\
	if (_a != _b)								\
		tap_fail_at(__FILE__, __LINE__, "%s == %s: %" PRId64 " != %" PRId64,	\
			    #a, #b, _a, _b);					\
} while (0)

#define CHECK_MEM_EQ(a, b, n) do {						\
	const unsigned char *_a = (const void *)(a), *_b = (const void *)(b);	\
	size_t _i, _n = (n);							\
	for (_i = 0; _i < _n && _a[_i] == _b[_i]; _i++)				\
		;								\
	if (_i < _n)								\
		tap_fail_at(__FILE__, __LINE__,					\
			    "%s == %s: byte %zu differs: 0x%02x != 0x%02x",	\
			    #a, #b, _i, _a[_i], _b[_i]);			\
} while (0)

#endif /* _CROSSLAT_TAP_H */
