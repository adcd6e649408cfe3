/* SPDX-License-Identifier: GPL-2.0-only */
/* Read-only statistics under /proc/crosslat/. */
#ifndef _CROSSLAT_PROCFS_H
#define _CROSSLAT_PROCFS_H

struct proc_dir_entry;

int crosslat_procfs_init(void);
void crosslat_procfs_uninit(void);
/* The /proc/crosslat directory, for tracker modules to add their own files. */
struct proc_dir_entry *crosslat_procfs_dir(void);

#endif /* _CROSSLAT_PROCFS_H */
