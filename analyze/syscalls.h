/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86_64 system call numbers as names (the crosslat_span_* events' nr and syscall_nr), from
 * a table generated at build time out of asm/unistd_64.h (gen_syscall_names.sh).
 */
#ifndef _CROSSLAT_SYSCALLS_H
#define _CROSSLAT_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fits "syscall_4294967295". */
#define CROSSLAT_SYSCALL_NAME_MAX	24

/* The name of system call nr ("clock_nanosleep"), or "syscall_N" in buf when unknown. */
const char *crosslat_syscall_name(int64_t nr, char *buf, size_t len);

/* Whether the first argument of system call nr is a file descriptor (read, fsync...). */
bool crosslat_syscall_arg_is_fd(int64_t nr);

#endif /* _CROSSLAT_SYSCALLS_H */
