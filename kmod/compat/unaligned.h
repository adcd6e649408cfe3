/* SPDX-License-Identifier: GPL-2.0-only */
/* Compat: get_unaligned_be*() moved from <asm/unaligned.h> to <linux/unaligned.h> in 6.12. */
#ifndef _CROSSLAT_COMPAT_UNALIGNED_H
#define _CROSSLAT_COMPAT_UNALIGNED_H

#if __has_include(<linux/unaligned.h>)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* _CROSSLAT_COMPAT_UNALIGNED_H */
