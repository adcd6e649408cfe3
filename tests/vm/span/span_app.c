// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test service of t_span*.sh, talking to /dev/crosslat_span with raw ioctls (the
 * library is tested on its own): it measures each of its steps itself, the oracle the
 * kernel's annotation is checked against. Built in the guest with frame pointers.
 *
 *   span_app annotate [SPIN_MS]  one span: nanosleep 50 ms, write+fsync (a file in
 *                                $SPAN_APP_DIR, default /tmp), a 30 ms blocking recv,
 *                                SPIN_MS of CPU work; prints one JSON object
 *   span_app refusals            every refusal the device owes (one "ok"/"FAIL" line each)
 *   span_app limit N             N threads each try to open a span; prints the errors
 *   span_app exit                a thread exits inside its span
 *   span_app loop N              N empty spans (under any threshold)
 *   span_app hold N MS           N threads each in a span for MS milliseconds
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/crosslat_span.h>

static int dev_fd = -1;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void dev_open(void)
{
	dev_fd = open(CROSSLAT_SPAN_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0) {
		perror(CROSSLAT_SPAN_DEVICE);
		exit(2);
	}
}

static void ids(struct crosslat_span_begin *b, unsigned int seed)
{
	unsigned int i;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < sizeof(b->trace_id); i++)
		b->trace_id[i] = (uint8_t)(0xa0 + i + seed);
	for (i = 0; i < sizeof(b->span_id); i++)
		b->span_id[i] = (uint8_t)(0x10 + i + seed);
	b->parent_span_id[0] = 0x77;
	snprintf(b->name, sizeof(b->name), "GET /work");
	snprintf(b->service, sizeof(b->service), "span-app");
}

static int begin(struct crosslat_span_begin *b)
{
	return ioctl(dev_fd, CROSSLAT_SPAN_IOC_BEGIN, b) ? -errno : 0;
}

static int end(const struct crosslat_span_begin *b, pid_t tid, struct crosslat_span_end *e)
{
	memset(e, 0, sizeof(*e));
	e->tid = tid;
	e->status = CROSSLAT_SPAN_STATUS_OK;
	memcpy(e->span_id, b->span_id, sizeof(e->span_id));
	return ioctl(dev_fd, CROSSLAT_SPAN_IOC_END, e) ? -errno : 0;
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/* ---- annotate: the steps, each its own function so the user stack can name it ---- */

static int sock_pair[2], go_pipe[2];

static void *late_sender(void *arg)
{
	struct timespec d = { 0, 30 * 1000000L };
	char c;

	(void)arg;
	if (read(go_pipe[0], &c, 1) != 1)
		return NULL;
	nanosleep(&d, NULL);
	if (send(sock_pair[1], "x", 1, 0) != 1)
		perror("send");
	return NULL;
}

__attribute__((noinline)) void step_sleep(uint64_t *ns)
{
	struct timespec d = { 0, 50 * 1000000L };
	uint64_t t0 = now_ns();

	nanosleep(&d, NULL);
	*ns = now_ns() - t0;
	__asm__ volatile("" ::: "memory");	/* keep the frame */
}

__attribute__((noinline)) void step_write_fsync(int fd, uint64_t *write_ns, uint64_t *fsync_ns)
{
	static char buf[65536];
	uint64_t t0, t1;

	memset(buf, 'w', sizeof(buf));
	t0 = now_ns();
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		perror("write");
	t1 = now_ns();
	if (fsync(fd))
		perror("fsync");
	*write_ns = t1 - t0;
	*fsync_ns = now_ns() - t1;
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void step_recv(uint64_t *ns)
{
	uint64_t t0;
	char c;

	if (write(go_pipe[1], "g", 1) != 1)
		perror("write pipe");
	t0 = now_ns();
	if (recv(sock_pair[0], &c, 1, 0) != 1)
		perror("recv");
	*ns = now_ns() - t0;
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void step_spin(unsigned int ms)
{
	uint64_t stop = now_ns() + (uint64_t)ms * 1000000ull;
	volatile unsigned long x = 0;

	while (now_ns() < stop)
		x++;
}

/*
 * What the app's clock adds to a call the kernel times from entry to exit: the cheapest of
 * 200 timed getppid() (entry, exit, the clock reads themselves).
 */
static uint64_t call_overhead_ns(void)
{
	uint64_t t0, d, best = UINT64_MAX;
	int i;

	for (i = 0; i < 200; i++) {
		t0 = now_ns();
		syscall(SYS_getppid);
		d = now_ns() - t0;
		if (d < best)
			best = d;
	}
	return best;
}

static int cmd_annotate(unsigned int spin_ms)
{
	uint64_t sleep_ns, write_ns, fsync_ns, recv_ns, t0, t1, overhead_ns;
	struct crosslat_span_begin b;
	struct crosslat_span_end e;
	char trace[33], span[17];
	const char *dir = getenv("SPAN_APP_DIR");
	char path[256];
	pthread_t th;
	int fd, err;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sock_pair) || pipe(go_pipe))
		return 2;
	snprintf(path, sizeof(path), "%s/span_app.XXXXXX", dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return 2;
	unlink(path);
	pthread_create(&th, NULL, late_sender, NULL);
	dev_open();
	ids(&b, 0);
	overhead_ns = call_overhead_ns();
	/*
	 * Once outside the span: the first run of any code under qemu's TCG pays its
	 * translation (tens of us around a call), which the app's clock would count.
	 */
	step_write_fsync(fd, &write_ns, &fsync_ns);

	t0 = now_ns();
	err = begin(&b);
	if (err) {
		fprintf(stderr, "begin: %s\n", strerror(-err));
		return 1;
	}
	step_sleep(&sleep_ns);
	step_write_fsync(fd, &write_ns, &fsync_ns);
	step_recv(&recv_ns);
	if (spin_ms)
		step_spin(spin_ms);
	err = end(&b, 0, &e);
	t1 = now_ns();
	if (err) {
		fprintf(stderr, "end: %s\n", strerror(-err));
		return 1;
	}
	pthread_join(th, NULL);
	hex(trace, b.trace_id, 16);
	hex(span, b.span_id, 8);
	printf("{\"pid\": %d, \"tid\": %d, \"trace_id\": \"%s\", \"span_id\": \"%s\", "
	       "\"app_ns\": %llu, \"sleep_ns\": %llu, \"write_ns\": %llu, \"fsync_ns\": %llu, "
	       "\"recv_ns\": %llu, \"fd\": %d, \"sock\": %d, \"duration_ns\": %llu, "
	       "\"threshold_ns\": %llu, \"annotated\": %u, \"syscalls\": %u, "
	       "\"call_overhead_ns\": %llu, "
	       "\"fn\": {\"step_sleep\": %llu, \"step_write_fsync\": %llu, \"step_recv\": %llu, "
	       "\"step_spin\": %llu, \"cmd_annotate\": %llu}}\n",
	       getpid(), gettid_(), trace, span, (unsigned long long)(t1 - t0),
	       (unsigned long long)sleep_ns, (unsigned long long)write_ns,
	       (unsigned long long)fsync_ns, (unsigned long long)recv_ns, fd, sock_pair[0],
	       (unsigned long long)e.duration_ns, (unsigned long long)e.threshold_ns,
	       e.annotated, e.syscalls, (unsigned long long)overhead_ns,
	       (unsigned long long)(uintptr_t)step_sleep,
	       (unsigned long long)(uintptr_t)step_write_fsync,
	       (unsigned long long)(uintptr_t)step_recv,
	       (unsigned long long)(uintptr_t)step_spin,
	       (unsigned long long)(uintptr_t)cmd_annotate);
	return 0;
}

/* ---- refusals ---- */

static int failures;

static void expect(const char *what, int got, int want)
{
	if (got == want) {
		printf("ok: %s: %s\n", what, want ? strerror(-want) : "accepted");
	} else {
		printf("FAIL: %s: got %s, want %s\n", what, got ? strerror(-got) : "success",
		       want ? strerror(-want) : "success");
		failures++;
	}
}

static struct crosslat_span_begin sib_span;
static volatile pid_t sib_tid;
static volatile int sib_done;

static void *sibling(void *arg)
{
	pid_t tid = gettid_();

	(void)arg;
	ids(&sib_span, 3);
	sib_tid = begin(&sib_span) ? -1 : tid;
	while (!sib_done)
		usleep(1000);
	return NULL;
}

static int cmd_refusals(void)
{
	struct crosslat_span_begin b, bad;
	struct crosslat_span_end e;
	int child_pipe[2], go[2];
	pthread_t th;
	pid_t child, ctid;
	int status;
	char c;

	dev_open();
	ids(&b, 0);

	bad = b;
	bad.flags = 1;
	expect("begin with flags", begin(&bad), -EINVAL);
	bad = b;
	memset(bad.trace_id, 0, sizeof(bad.trace_id));
	expect("begin with an all-zero trace id", begin(&bad), -EINVAL);
	bad = b;
	memset(bad.span_id, 0, sizeof(bad.span_id));
	expect("begin with an all-zero span id", begin(&bad), -EINVAL);
	bad = b;
	memset(bad.name, 'n', sizeof(bad.name));
	expect("begin with an unterminated name", begin(&bad), -EINVAL);
	bad = b;
	memset(bad.service, 's', sizeof(bad.service));
	expect("begin with an unterminated service", begin(&bad), -EINVAL);
	bad = b;
	bad.tid = 4000000;
	expect("begin for a thread that does not exist", begin(&bad), -ESRCH);
	expect("unknown ioctl", ioctl(dev_fd, _IO(CROSSLAT_SPAN_IOC_MAGIC, 9), 0) ? -errno : 0,
	       -ENOTTY);
	expect("end without a span", end(&b, 0, &e), -ENOENT);

	expect("begin", begin(&b), 0);
	expect("begin again on the same thread", begin(&b), -EBUSY);
	bad = b;
	bad.span_id[0] ^= 0xff;
	expect("end of another span id", end(&bad, 0, &e), -ENOENT);
	e.status = 7;
	expect("end with status 7", ioctl(dev_fd, CROSSLAT_SPAN_IOC_END, &e) ? -errno : 0,
	       -EINVAL);
	expect("end", end(&b, 0, &e), 0);
	expect("end twice", end(&b, 0, &e), -ENOENT);

	/* a thread of the same process may end a sibling's span */
	pthread_create(&th, NULL, sibling, NULL);
	while (!sib_tid)
		usleep(1000);
	expect("sibling thread began its span", sib_tid > 0 ? 0 : -EIO, 0);
	expect("end of a sibling thread's span", end(&sib_span, sib_tid, &e), 0);
	sib_done = 1;
	pthread_join(th, NULL);

	/* another process's thread: neither begin nor end */
	if (pipe(child_pipe) || pipe(go))
		return 2;
	child = fork();
	if (child == 0) {
		struct crosslat_span_begin cb;

		ids(&cb, 5);
		ctid = begin(&cb) ? -1 : gettid_();
		if (write(child_pipe[1], &ctid, sizeof(ctid)) != sizeof(ctid))
			_exit(2);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		/* still ours after the other process's attempts */
		_exit(end(&cb, 0, &e) ? 3 : 0);
	}
	if (read(child_pipe[0], &ctid, sizeof(ctid)) != sizeof(ctid) || ctid < 0)
		return 2;
	ids(&bad, 5);
	expect("end of another process's thread's span", end(&bad, ctid, &e), -EPERM);
	bad.tid = ctid;
	expect("begin for another process's thread", begin(&bad), -EPERM);
	if (write(go[1], "g", 1) != 1)
		return 2;
	if (waitpid(child, &status, 0) != child)
		return 2;
	expect("the other process still ended its own span",
	       WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO, 0);
	return failures ? 1 : 0;
}

/* ---- limit ---- */

static pthread_barrier_t limit_barrier;
static int limit_errs[256];	/* limit: 0..n-1, reclaim: 128.. */

static void *limit_thread(void *arg)
{
	long i = (long)arg;
	struct crosslat_span_begin b;
	struct crosslat_span_end e;

	ids(&b, (unsigned int)i + 16);
	limit_errs[i] = begin(&b);
	pthread_barrier_wait(&limit_barrier);
	if (!limit_errs[i])
		end(&b, 0, &e);
	return NULL;
}

static int cmd_limit(long n)
{
	pthread_t th[256];
	int ok = 0, dquot = 0, other = 0;
	long i;

	if (n < 1 || n > 256)
		return 2;
	dev_open();
	pthread_barrier_init(&limit_barrier, NULL, (unsigned int)n);
	for (i = 0; i < n; i++)
		pthread_create(&th[i], NULL, limit_thread, (void *)i);
	for (i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		if (!limit_errs[i])
			ok++;
		else if (limit_errs[i] == -EDQUOT)
			dquot++;
		else
			other++;
	}
	printf("opened %d, EDQUOT %d, other %d\n", ok, dquot, other);
	return 0;
}

/* ---- reclaim: idle entries of live threads make room ---- */

static pthread_barrier_t idle_barrier;

/* A span begun and ended, then the thread stays alive (its entry idle) until released. */
static void *idle_thread(void *arg)
{
	struct crosslat_span_begin b;
	struct crosslat_span_end e;
	long err;

	ids(&b, (unsigned int)(long)arg + 300);
	err = begin(&b) || end(&b, 0, &e);
	pthread_barrier_wait(&idle_barrier);	/* all idle */
	pthread_barrier_wait(&idle_barrier);	/* the others are done */
	return (void *)err;
}

static int cmd_reclaim(long n)
{
	pthread_t idle[128], th[128];
	int ok = 0, dquot = 0, other = 0;
	void *ret;
	long i, bad = 0;

	if (n < 1 || n > 128)
		return 2;
	dev_open();
	pthread_barrier_init(&idle_barrier, NULL, (unsigned int)n + 1);
	for (i = 0; i < n; i++)
		pthread_create(&idle[i], NULL, idle_thread, (void *)i);
	pthread_barrier_wait(&idle_barrier);
	/* n more threads, each in a span at the same time, while the first n are idle */
	pthread_barrier_init(&limit_barrier, NULL, (unsigned int)n);
	for (i = 0; i < n; i++)
		pthread_create(&th[i], NULL, limit_thread, (void *)(i + 128));
	for (i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		if (!limit_errs[i + 128])
			ok++;
		else if (limit_errs[i + 128] == -EDQUOT)
			dquot++;
		else
			other++;
	}
	pthread_barrier_wait(&idle_barrier);
	for (i = 0; i < n; i++) {
		pthread_join(idle[i], &ret);
		bad += (long)ret;
	}
	printf("idle %ld (%ld failed), then opened %d, EDQUOT %d, other %d\n", n, bad, ok, dquot,
	       other);
	return 0;
}

/* ---- exit inside a span; loop ---- */

static void *exit_thread(void *arg)
{
	struct crosslat_span_begin b;

	(void)arg;
	ids(&b, 40);
	if (begin(&b))
		fprintf(stderr, "begin failed\n");
	return NULL;		/* exits with the span open */
}

static int cmd_loop(long n)
{
	struct crosslat_span_begin b;
	struct crosslat_span_end e;
	long i, annotated = 0;

	dev_open();
	for (i = 0; i < n; i++) {
		ids(&b, (unsigned int)i);
		if (begin(&b) || end(&b, 0, &e))
			return 1;
		annotated += e.annotated;
	}
	printf("spans %ld annotated %ld\n", n, annotated);
	return 0;
}

static unsigned int hold_ms;

static void *hold_thread(void *arg)
{
	struct crosslat_span_begin b;
	struct crosslat_span_end e;

	ids(&b, (unsigned int)(long)arg + 64);
	if (begin(&b))
		return (void *)1L;
	usleep(hold_ms * 1000);
	return (void *)(long)(end(&b, 0, &e) != 0);
}

static int cmd_hold(long n, unsigned int ms)
{
	pthread_t th[256];
	long i, bad = 0;
	void *ret;

	if (n < 1 || n > 256)
		return 2;
	dev_open();
	hold_ms = ms;
	for (i = 0; i < n; i++)
		pthread_create(&th[i], NULL, hold_thread, (void *)i);
	for (i = 0; i < n; i++) {
		pthread_join(th[i], &ret);
		bad += (long)ret;
	}
	printf("held %ld spans for %u ms, %ld failed\n", n, ms, bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	pthread_t th;

	if (argc >= 2 && !strcmp(argv[1], "annotate"))
		return cmd_annotate(argc > 2 ? (unsigned int)atoi(argv[2]) : 0);
	if (argc == 2 && !strcmp(argv[1], "refusals"))
		return cmd_refusals();
	if (argc == 3 && !strcmp(argv[1], "limit"))
		return cmd_limit(atol(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "exit")) {
		dev_open();
		pthread_create(&th, NULL, exit_thread, NULL);
		pthread_join(th, NULL);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "reclaim"))
		return cmd_reclaim(atol(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "loop"))
		return cmd_loop(atol(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return cmd_hold(atol(argv[2]), (unsigned int)atoi(argv[3]));
	fprintf(stderr, "usage: span_app annotate [SPIN_MS] | refusals | limit N | reclaim N | exit | loop N | hold N MS\n");
	return 2;
}
