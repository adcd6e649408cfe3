/* SPDX-License-Identifier: GPL-2.0-only */
/* Compat: get_unaligned_be*() moved from <asm/unaligned.h> to <linux/unaligned.h> in 6.12. */
#ifndef _CROSSLAT_COMPAT_UNALIGNED_H
#define _CROSSLAT_COMPAT_UNALIGNED_H

#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* _CROSSLAT_COMPAT_UNALIGNED_H */
