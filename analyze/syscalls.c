// SPDX-License-Identifier: GPL-2.0-only
/* System call names of x86_64, and which calls take a file descriptor first. */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "syscalls.h"

static const char *const names[] = {
#include "syscall_names.h"
	NULL
};

#define NR_NAMES	(sizeof(names) / sizeof(names[0]))

/* Calls whose first argument is a descriptor (of a file, socket, epoll, ...). */
static const char *const fd_first[] = {
	"read", "write", "close", "fstat", "lseek", "ioctl", "pread64", "pwrite64", "readv",
	"writev", "sendfile", "connect", "accept", "sendto", "recvfrom", "sendmsg", "recvmsg",
	"shutdown", "bind", "listen", "getsockname", "getpeername", "setsockopt",
	"getsockopt", "fcntl", "flock", "fsync", "fdatasync", "ftruncate", "getdents",
	"fchdir", "fchmod", "fchown", "fstatfs", "readahead", "fgetxattr", "fsetxattr",
	"flistxattr", "fremovexattr", "getdents64", "fadvise64", "epoll_wait", "epoll_ctl",
	"splice", "tee", "sync_file_range", "vmsplice", "epoll_pwait", "fallocate", "accept4",
	"dup", "dup2", "dup3", "preadv", "pwritev", "recvmmsg", "sendmmsg", "syncfs",
	"preadv2", "pwritev2", "copy_file_range", "epoll_pwait2", "io_uring_enter",
	"io_uring_register", "timerfd_settime", "timerfd_gettime", "inotify_add_watch",
	"inotify_rm_watch", "fanotify_mark",
};

const char *crosslat_syscall_name(int64_t nr, char *buf, size_t len)
{
	if (nr >= 0 && (uint64_t)nr < NR_NAMES && names[nr])
		return names[nr];
	snprintf(buf, len, "syscall_%" PRId64, nr);
	return buf;
}

bool crosslat_syscall_arg_is_fd(int64_t nr)
{
	size_t i;

	if (nr < 0 || (uint64_t)nr >= NR_NAMES || !names[nr])
		return false;
	for (i = 0; i < sizeof(fd_first) / sizeof(fd_first[0]); i++)
		if (!strcmp(names[nr], fd_first[i]))
			return true;
	return false;
}
