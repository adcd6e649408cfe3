/* SPDX-License-Identifier: GPL-2.0-only */
/* Compat: __assign_str() lost its source argument in 6.10 (it now reads it from __string()). */
#ifndef _CROSSLAT_COMPAT_TRACE_STRING_H
#define _CROSSLAT_COMPAT_TRACE_STRING_H

#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define crosslat_assign_str(dst, src)	__assign_str(dst)
#else
#define crosslat_assign_str(dst, src)	__assign_str(dst, src)
#endif

#endif /* _CROSSLAT_COMPAT_TRACE_STRING_H */
