// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of libcrosslat-span's C API (ust/crosslat_span.h), linked against the built library:
 * argument checks, ids, names, the CROSSLAT_SPAN_LOG lines, spans ended by another thread,
 * concurrent spans, fork. Without /dev/crosslat_span (the host), spans are userspace only.
 * TAP-style lines on stdout (tests/userspace/run.sh), diagnostics on stderr.
 *
 * The test's CROSSLAT_SPAN_LOG is a temporary file, removed at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/crosslat_span.h>
#include "crosslat_span.h"

#define THREADS		8
#define THREAD_SPANS	200

static int failures;
static bool have_device;

static void result(bool ok, const char *name)
{
	printf("%sok - %s\n", ok ? "" : "not ", name);
	if (!ok)
		failures++;
}

static bool zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static void hex(char *out, const uint8_t *in, size_t n)
{
	while (n--)
		out += sprintf(out, "%02x", *in++);
}

/* The log's line for span @s (its span id is unique), or NULL; the caller frees it. */
static char *log_line(const char *path, const struct crosslat_span *s)
{
	char key[64], *line = NULL, *found = NULL;
	size_t size = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	strcpy(key, "\"span_id\":\"");
	hex(key + strlen(key), s->span_id, sizeof(s->span_id));
	while (!found && getline(&line, &size, f) > 0)
		if (strstr(line, key))
			found = strdup(line);
	free(line);
	fclose(f);
	return found;
}

static size_t log_lines(const char *path)
{
	char *line = NULL;
	size_t size = 0, n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (getline(&line, &size, f) > 0)
		n++;
	free(line);
	fclose(f);
	return n;
}

static void test_args(void)
{
	static const uint8_t trace[16] = { 1 }, parent[8] = { 2 }, zeros[16];
	struct crosslat_span s;

	result(crosslat_span_begin(NULL, NULL, NULL, "x", NULL) == -EINVAL, "begin_null_span");
	result(crosslat_span_begin(&s, NULL, NULL, NULL, NULL) == -EINVAL, "begin_null_name");
	result(crosslat_span_begin(&s, NULL, parent, "x", NULL) == -EINVAL,
	       "begin_parent_without_trace");
	result(crosslat_span_begin(&s, zeros, NULL, "x", NULL) == -EINVAL, "begin_zero_trace");
	memset(&s, 0, sizeof(s));
	result(crosslat_span_end(&s, CROSSLAT_OTLP_OK) == -EINVAL, "end_never_begun");
	result(crosslat_span_end(NULL, CROSSLAT_OTLP_OK) == -EINVAL, "end_null");
	crosslat_span_begin(&s, trace, parent, "x", NULL);
	result(crosslat_span_end(&s, 3) == -EINVAL && crosslat_span_end(&s, -1) == -EINVAL,
	       "end_bad_status");
	result(crosslat_span_end(&s, CROSSLAT_OTLP_OK) == 0, "end_after_bad_status");
	result(crosslat_span_end(&s, CROSSLAT_OTLP_OK) == -EINVAL, "end_twice");
}

static void test_spans(const char *log)
{
	static const uint8_t trace[16] = { 0xaa, [15] = 0x55 }, parent[8] = { 0x12, [7] = 0x34 };
	struct crosslat_span root, child;
	char tp[CROSSLAT_TRACEPARENT_SIZE], *line;
	uint8_t tid[16], sid[8], flags;
	int err;

	errno = 4242;
	err = crosslat_span_begin(&root, NULL, NULL, "GET /root", NULL);
	result(!err && errno == 4242, "begin_root_keeps_errno");
	result(!zero(root.trace_id, 16) && !zero(root.span_id, 8) && zero(root.parent_span_id, 8),
	       "begin_root_ids");
	result(root.tid == gettid() && root.start_ns && !root.end_ns, "begin_root_tid_start");
	result(!strcmp(root.service, "test-svc"), "begin_default_service_from_env");
	result(have_device ? root.begin_kernel != 0 : root.begin_kernel == 0,
	       "begin_kernel_matches_device");

	err = crosslat_span_begin(&child, trace, parent, "child", "other-svc");
	result(!err && !memcmp(child.trace_id, trace, 16) &&
	       !memcmp(child.parent_span_id, parent, 8) && memcmp(child.span_id, parent, 8) &&
	       !strcmp(child.service, "other-svc"), "begin_child_ids");
	err = crosslat_span_traceparent(&child, tp, CROSSLAT_TRACE_FLAG_SAMPLED);
	result(err == CROSSLAT_TRACEPARENT_LEN &&
	       !crosslat_traceparent_parse(tp, err, tid, sid, &flags) &&
	       !memcmp(tid, trace, 16) && !memcmp(sid, child.span_id, 8) && flags == 1,
	       "span_traceparent_names_span_as_parent");

	errno = 77;
	err = crosslat_span_end(&child, CROSSLAT_OTLP_ERROR);
	result(!err && errno == 77 && child.end_ns >= child.start_ns &&
	       child.status == CROSSLAT_OTLP_ERROR, "end_child");
	result(have_device || (child.duration_ns == child.end_ns - child.start_ns &&
			       child.end_kernel == 0), "end_without_kernel_duration");
	crosslat_span_end(&root, CROSSLAT_OTLP_UNSET);

	line = log_line(log, &child);
	result(line && strstr(line, "\"trace_id\":\"aa000000000000000000000000000055\"") &&
	       strstr(line, "\"parent_span_id\":\"1200000000000034\"") &&
	       strstr(line, "\"name\":\"child\",\"service\":\"other-svc\"") &&
	       strstr(line, "\"status\":2,"), "log_line_child");
	if (line)
		fprintf(stderr, "# %s", line);
	free(line);
	line = log_line(log, &root);
	result(line && strstr(line, "\"parent_span_id\":\"\"") &&
	       strstr(line, "\"name\":\"GET /root\",\"service\":\"test-svc\""), "log_line_root");
	free(line);
}

static void test_names(void)
{
	struct crosslat_span s;

	crosslat_span_begin(&s, NULL, NULL, "0123456789012345678901234567890123456789", "svc");
	result(!strcmp(s.name, "0123456789012345678901234567890"), "name_truncated_to_31");
	crosslat_span_end(&s, 0);
	/* 30 bytes, then a 2-byte character that does not fit: not cut in half. */
	crosslat_span_begin(&s, NULL, NULL, "012345678901234567890123456789\xc3\xa9", "svc");
	result(!strcmp(s.name, "012345678901234567890123456789"),
	       "name_truncated_at_utf8_boundary");
	crosslat_span_end(&s, 0);
	crosslat_span_begin(&s, NULL, NULL, "caf\xc3\xa9\t\x01\xff\xc3(\xed\xa0\x80!", "svc");
	result(!strcmp(s.name, "caf\xc3\xa9" "????" "(" "???" "!"),
	       "name_controls_invalid_utf8_replaced");
	crosslat_span_end(&s, 0);
}

static void *end_elsewhere(void *arg)
{
	struct crosslat_span *s = arg;

	return (void *)(intptr_t)crosslat_span_end(s, CROSSLAT_OTLP_OK);
}

static void test_end_on_other_thread(const char *log)
{
	struct crosslat_span s;
	pthread_t t;
	void *ret;
	char *line, key[32];

	crosslat_span_begin(&s, NULL, NULL, "handoff", NULL);
	pthread_create(&t, NULL, end_elsewhere, &s);
	pthread_join(t, &ret);
	line = log_line(log, &s);
	snprintf(key, sizeof(key), "\"tid\":%d,", (int)gettid());
	result(!ret && line && strstr(line, key), "end_on_other_thread_keeps_tid");
	free(line);
}

static struct crosslat_span thread_spans[THREADS][THREAD_SPANS];

static void *many_spans(void *arg)
{
	struct crosslat_span *spans = arg;
	int i, bad = 0;

	for (i = 0; i < THREAD_SPANS; i++) {
		bad |= crosslat_span_begin(&spans[i], NULL, NULL, "many", NULL);
		bad |= crosslat_span_end(&spans[i], CROSSLAT_OTLP_UNSET);
	}
	return (void *)(intptr_t)bad;
}

static int cmp_span_id(const void *a, const void *b)
{
	return memcmp(((const struct crosslat_span *)a)->span_id,
		      ((const struct crosslat_span *)b)->span_id, CROSSLAT_SPAN_ID_SIZE);
}

static void test_threads(const char *log)
{
	pthread_t t[THREADS];
	size_t before = log_lines(log), i;
	intptr_t bad = 0;
	void *ret;
	bool unique = true;

	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, many_spans, thread_spans[i]);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &ret);
		bad |= (intptr_t)ret;
	}
	qsort(thread_spans, THREADS * THREAD_SPANS, sizeof(struct crosslat_span), cmp_span_id);
	for (i = 1; i < THREADS * THREAD_SPANS; i++)
		unique &= cmp_span_id(&thread_spans[0][i - 1], &thread_spans[0][i]) != 0;
	result(!bad, "threads_begin_end");
	result(unique, "threads_span_ids_unique");
	result(log_lines(log) - before == THREADS * THREAD_SPANS, "threads_one_log_line_each");
}

/* A child of fork() must not draw the span ids its parent draws next. */
static void test_fork(const char *log)
{
	struct crosslat_span s, mine;
	uint8_t theirs[8];
	int pipefd[2], status;
	char *line;
	pid_t pid;

	crosslat_span_begin(&s, NULL, NULL, "before-fork", NULL);	/* fills the pool */
	crosslat_span_end(&s, 0);
	if (pipe(pipefd)) {
		result(false, "fork_pipe");
		return;
	}
	pid = fork();
	if (pid == 0) {
		crosslat_span_begin(&s, NULL, NULL, "child", NULL);
		crosslat_span_end(&s, 0);
		_exit(write(pipefd[1], s.span_id, 8) == 8 && s.tid == gettid() ? 0 : 1);
	}
	crosslat_span_begin(&mine, NULL, NULL, "parent", NULL);
	crosslat_span_end(&mine, 0);
	waitpid(pid, &status, 0);
	result(read(pipefd[0], theirs, 8) == 8 && WIFEXITED(status) && !WEXITSTATUS(status),
	       "fork_child_spans");
	result(memcmp(theirs, mine.span_id, 8) != 0, "fork_child_draws_other_ids");
	memcpy(s.span_id, theirs, 8);
	line = log_line(log, &s);
	result(line && strstr(line, "\"name\":\"child\""), "fork_child_logs");
	free(line);
	close(pipefd[0]);
	close(pipefd[1]);
}

int main(void)
{
	char log[] = "/tmp/test_span_api.XXXXXX";
	int fd = mkstemp(log);

	if (fd < 0) {
		perror("mkstemp");
		return 2;
	}
	close(fd);
	setenv("CROSSLAT_SPAN_LOG", log, 1);
	setenv("CROSSLAT_SPAN_SERVICE", "test-svc", 1);
	have_device = !access(CROSSLAT_SPAN_DEVICE, F_OK);
	test_args();
	test_spans(log);
	test_names();
	test_end_on_other_thread(log);
	test_threads(log);
	test_fork(log);
	unlink(log);
	return failures ? 1 : 0;
}
