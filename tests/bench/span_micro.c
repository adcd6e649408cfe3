// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-operation cost of span tracking, for tests/bench/span-micro: run in a guest under
 * qemu -icount, where guest time counts instructions, so nanoseconds per operation divided
 * by the icount step are guest instructions per operation, free of the host's noise.
 *
 * Usage: span_micro N
 * Prints one line per measure, "name<TAB>ns per operation", the minimum of 5 runs of N:
 *   getppid        a system call, the device not open here (so no probe registered unless
 *                  another process holds it)
 *   getppid_probes the same with the device open (the probes registered), outside any span
 *   getppid_span   the same inside a span (begun once, ended after the runs)
 *   begin_end      an empty span begun and ended (two ioctls)
 *   bad_ioctl      an ioctl the device refuses (-ENOTTY): the system call and VFS part of
 *                  begin_end without the span work
 * Without /dev/crosslat_span, only getppid is measured.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/crosslat_span.h>

#define RUNS 5

static int dev_fd = -1;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void span_ids(struct crosslat_span_begin *b, unsigned int n)
{
	memset(b, 0, sizeof(*b));
	memset(b->trace_id, 0x5a, sizeof(b->trace_id));
	memcpy(b->span_id, &n, sizeof(n));
	b->span_id[7] = 1;
	strcpy(b->name, "micro");
	strcpy(b->service, "bench");
}

static int span_begin(struct crosslat_span_begin *b)
{
	return ioctl(dev_fd, CROSSLAT_SPAN_IOC_BEGIN, b);
}

static int span_end(const struct crosslat_span_begin *b)
{
	struct crosslat_span_end e;

	memset(&e, 0, sizeof(e));
	memcpy(e.span_id, b->span_id, sizeof(e.span_id));
	return ioctl(dev_fd, CROSSLAT_SPAN_IOC_END, &e);
}

static void op_getppid(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static void op_begin_end(long n)
{
	struct crosslat_span_begin b;

	for (long i = 0; i < n; i++) {
		span_ids(&b, (unsigned int)i);
		if (span_begin(&b) || span_end(&b)) {
			perror("span ioctl");
			exit(1);
		}
	}
}

static void op_bad_ioctl(long n)
{
	for (long i = 0; i < n; i++)
		ioctl(dev_fd, _IO(CROSSLAT_SPAN_IOC_MAGIC, 99), 0);
}

/* The cheapest of RUNS runs of op(n), in ns per operation. */
static double measure(void (*op)(long), long n)
{
	double best = 0;

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = now_ns();
		double per;

		op(n);
		per = (double)(now_ns() - t0) / (double)n;
		if (!r || per < best)
			best = per;
	}
	return best;
}

int main(int argc, char **argv)
{
	struct crosslat_span_begin b;
	long n = argc > 1 ? atol(argv[1]) : 20000;

	if (n < 1) {
		fprintf(stderr, "usage: %s N\n", argv[0]);
		return 2;
	}
	printf("getppid\t%.1f\n", measure(op_getppid, n));
	dev_fd = open("/dev/crosslat_span", O_RDWR | O_CLOEXEC);
	if (dev_fd < 0)
		return 0;
	printf("getppid_probes\t%.1f\n", measure(op_getppid, n));
	span_ids(&b, 0xffffffffu);
	if (span_begin(&b)) {
		perror("begin");
		return 1;
	}
	printf("getppid_span\t%.1f\n", measure(op_getppid, n));
	if (span_end(&b)) {
		perror("end");
		return 1;
	}
	printf("begin_end\t%.1f\n", measure(op_begin_end, n));
	printf("bad_ioctl\t%.1f\n", measure(op_bad_ioctl, n));
	return 0;
}
