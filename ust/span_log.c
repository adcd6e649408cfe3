// SPDX-License-Identifier: GPL-2.0-only
/* CROSSLAT_SPAN_LOG: one JSON line per ended span, appended to a file (span_internal.h). */
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "crosslat_span.h"
#include "span_internal.h"

#define LOG_CLOSED	-1	/* not open yet (or closed by the application): open it */
#define LOG_NONE	-2	/* no CROSSLAT_SPAN_LOG, or it cannot be opened */

static atomic_int log_fd = LOG_CLOSED;
static const char *log_path;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;

static void log_init(void)
{
	log_path = getenv("CROSSLAT_SPAN_LOG");
	if (!log_path || !*log_path)
		atomic_store(&log_fd, LOG_NONE);
}

/* The log's descriptor, opened on first use; < 0 if there is none. */
static int log_get(void)
{
	int fd, expected = LOG_CLOSED;

	pthread_once(&log_once, log_init);
	fd = atomic_load_explicit(&log_fd, memory_order_acquire);
	if (fd != LOG_CLOSED)
		return fd;
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		atomic_store(&log_fd, LOG_NONE);
		return -1;
	}
	if (!atomic_compare_exchange_strong(&log_fd, &expected, fd)) {
		close(fd);
		return expected;
	}
	return fd;
}

/* @s as a JSON string's contents: names hold no control characters (span.c made sure). */
static size_t json_escape(char *out, const char *s)
{
	char *o = out;

	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
	return o - out;
}

size_t span_log_format(char buf[SPAN_LOG_LINE_MAX], const struct crosslat_span *s)
{
	char trace[2 * CROSSLAT_TRACE_ID_SIZE + 1], span[2 * CROSSLAT_SPAN_ID_SIZE + 1];
	char parent[2 * CROSSLAT_SPAN_ID_SIZE + 1] = "";
	char name[2 * CROSSLAT_SPAN_NAME_SIZE], service[2 * CROSSLAT_SPAN_NAME_SIZE];
	int n;

	hex_encode(trace, s->trace_id, sizeof(s->trace_id));
	hex_encode(span, s->span_id, sizeof(s->span_id));
	if (!all_zero(s->parent_span_id, sizeof(s->parent_span_id)))
		hex_encode(parent, s->parent_span_id, sizeof(s->parent_span_id));
	json_escape(name, s->name);
	json_escape(service, s->service);
	n = snprintf(buf, SPAN_LOG_LINE_MAX,
		     "{\"trace_id\":\"%s\",\"span_id\":\"%s\",\"parent_span_id\":\"%s\","
		     "\"name\":\"%s\",\"service\":\"%s\",\"pid\":%d,\"tid\":%d,"
		     "\"start_ns\":%" PRIu64 ",\"end_ns\":%" PRIu64 ",\"duration_ns\":%" PRIu64 ","
		     "\"status\":%u,\"begin_kernel\":%d,\"end_kernel\":%d,\"annotated\":%u,"
		     "\"syscalls\":%u}\n",
		     trace, span, parent, name, service, (int)getpid(), (int)s->tid,
		     s->start_ns, s->end_ns, s->duration_ns, s->status, s->begin_kernel,
		     s->end_kernel, s->annotated, s->syscalls);
	return n < 0 ? 0 : (size_t)n < SPAN_LOG_LINE_MAX ? (size_t)n : SPAN_LOG_LINE_MAX - 1;
}

void span_log_write(const struct crosslat_span *s)
{
	char line[SPAN_LOG_LINE_MAX];
	size_t len;
	int fd = log_get();

	if (fd < 0)
		return;
	len = span_log_format(line, s);
	/*
	 * One write to an O_APPEND file: lines of concurrent spans do not interleave. A line
	 * that a full disk refuses is lost.
	 */
	(void)!write(fd, line, len);
}

void span_log_fds_closed(unsigned int first, unsigned int last)
{
	int fd = atomic_load_explicit(&log_fd, memory_order_relaxed);

	if (fd >= 0 && (unsigned int)fd >= first && (unsigned int)fd <= last)
		atomic_compare_exchange_strong(&log_fd, &fd, LOG_CLOSED);
}
