// SPDX-License-Identifier: GPL-2.0-only
/*
 * Workloads for t_metrics, each run by a child that lives its whole life in one cgroup, so
 * the kernel's own per-task accounting of the child (read from /proc while it is a zombie,
 * after its last instruction) covers exactly what crosslat_metrics saw of that cgroup.
 *
 *   metrics_load CGROUP_DIR runq ITERS SPIN SLEEP_US CPU
 *                            on CPU: busy SPIN loop turns, sleep, ITERS times
 *   metrics_load CGROUP_DIR faults PAGES              touch PAGES fresh anonymous pages
 *   metrics_load CGROUP_DIR major FILE                read every page of FILE through a
 *                                                     mapping, no readahead (MADV_RANDOM)
 *
 * The parent, outside the cgroup, clones the child into it (CLONE_INTO_CGROUP: the child is
 * born there and nothing else of this program ever is), waits for the child to exit
 * without reaping it, and prints the child's counters:
 *   pid PID run_delay_ns N timeslices N minflt N majflt N work_ns N oncpu_ns N sleep_ns N
 * (work_ns: the child's workload, wall clock, from a pipe; oncpu_ns: its CPU time, the first
 * field of /proc/PID/schedstat; sleep_ns: the time it slept or blocked, sum_sleep_runtime of
 * /proc/PID/sched, -1 unless kernel.sched_schedstats was on and the kernel has the file).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sched.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* fork() into the cgroup directory dir. */
static pid_t fork_into(const char *dir)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
	};
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		die(dir);
	args.cgroup = fd;
	return syscall(SYS_clone3, &args, sizeof(args));
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static volatile unsigned long sink;

static void runq(long iters, long spin, long sleep_us, int cpu)
{
	struct timespec ts = { sleep_us / 1000000, (sleep_us % 1000000) * 1000 };
	cpu_set_t set;
	long i, j;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
	for (i = 0; i < iters; i++) {
		for (j = 0; j < spin; j++)
			sink += j;
		nanosleep(&ts, NULL);
	}
}

static void faults(long pages)
{
	long psz = sysconf(_SC_PAGESIZE), i;
	char *p = mmap(NULL, pages * psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	/* one fault per page: no transparent huge page (EINVAL: a kernel without them) */
	if (madvise(p, pages * psz, MADV_NOHUGEPAGE) && errno != EINVAL)
		die("madvise");
	for (i = 0; i < pages; i++)
		p[i * psz] = 1;
	munmap(p, pages * psz);
}

static void major(const char *file)
{
	long psz = sysconf(_SC_PAGESIZE), i, pages;
	struct stat st;
	char *p;
	int fd = open(file, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		die(file);
	pages = st.st_size / psz;
	p = mmap(NULL, pages * psz, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	if (madvise(p, pages * psz, MADV_RANDOM))
		die("madvise");
	for (i = 0; i < pages; i++)
		sink += p[i * psz];
	munmap(p, pages * psz);
	close(fd);
}

static void read_proc(pid_t pid, const char *file, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	f = fopen(path, "r");
	if (!f || !fgets(buf, len, f))
		die(path);
	fclose(f);
}

/* /proc/PID/schedstat: ns on a CPU, ns waiting in a runqueue, times run after a wait. */
static void sched_counts(pid_t pid, unsigned long long *oncpu, unsigned long long *delay,
			 unsigned long long *slices)
{
	char buf[256];

	read_proc(pid, "schedstat", buf, sizeof(buf));
	if (sscanf(buf, "%llu %llu %llu", oncpu, delay, slices) != 3)
		die("schedstat");
}

/*
 * sum_sleep_runtime of /proc/PID/sched ("ms.ns"), in ns; -1 when it is not there (no
 * kernel.sched_schedstats, or no /proc/PID/sched: CONFIG_SCHED_DEBUG off).
 */
static long long sleep_runtime(pid_t pid)
{
	unsigned long long ms, ns;
	char path[64], line[256], *c;
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/sched", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		c = strchr(line, ':');
		if (strstr(line, "sum_sleep_runtime") && c &&
		    sscanf(c + 1, " %llu.%6llu", &ms, &ns) == 2)
			v = (long long)(ms * 1000000 + ns);
	}
	fclose(f);
	return v;
}

/* Fields 10 and 12 of /proc/PID/stat, after "pid (comm)". */
static void fault_counts(pid_t pid, unsigned long long *minflt, unsigned long long *majflt)
{
	char buf[4096], *s;

	read_proc(pid, "stat", buf, sizeof(buf));
	s = strrchr(buf, ')');
	if (!s || sscanf(s + 1, " %*c %*d %*d %*d %*d %*d %*u %llu %*u %llu", minflt,
			 majflt) != 2)
		die("stat");
}

int main(int argc, char **argv)
{
	int fds[2];
	unsigned long long minflt, majflt, delay, slices, oncpu;
	uint64_t work = 0, t0;
	siginfo_t si;
	pid_t pid;

	if (argc < 4)
		return 2;
	if (pipe(fds))
		die("pipe");
	pid = fork_into(argv[1]);
	if (pid < 0)
		die("clone3");
	if (!pid) {
		t0 = now_ns();
		if (!strcmp(argv[2], "runq") && argc == 7)
			runq(atol(argv[3]), atol(argv[4]), atol(argv[5]), atoi(argv[6]));
		else if (!strcmp(argv[2], "faults"))
			faults(atol(argv[3]));
		else if (!strcmp(argv[2], "major"))
			major(argv[3]);
		else
			_exit(2);
		work = now_ns() - t0;
		if (write(fds[1], &work, sizeof(work)) != sizeof(work))
			_exit(1);
		_exit(0);
	}
	if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT))
		die("waitid");
	if (si.si_code != CLD_EXITED || si.si_status)
		return 1;
	if (read(fds[0], &work, sizeof(work)) != sizeof(work))
		die("read");
	fault_counts(pid, &minflt, &majflt);
	sched_counts(pid, &oncpu, &delay, &slices);
	printf("pid %d run_delay_ns %llu timeslices %llu minflt %llu majflt %llu work_ns %" PRIu64
	       " oncpu_ns %llu sleep_ns %lld\n", pid, delay, slices, minflt, majflt, work, oncpu,
	       sleep_runtime(pid));
	return waitpid(pid, NULL, 0) == pid ? 0 : 1;
}
