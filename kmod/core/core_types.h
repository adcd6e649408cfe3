/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Type and helper shim for kmod/core: the same sources build in the kernel (crosslat.ko,
 * KUnit) and in userspace (unit tests, libFuzzer, callgrind). Nothing else in kmod/core
 * includes a kernel or libc header directly.
 */
#ifndef _CROSSLAT_CORE_TYPES_H
#define _CROSSLAT_CORE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/bitops.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <asm/byteorder.h>
#include <linux/export.h>
#include "compat/unaligned.h"

/* Core functions used by other modules are exported from crosslat.ko, GPL-only. */
#define CROSSLAT_CORE_EXPORT(sym)	EXPORT_SYMBOL_GPL(sym)

#define cl_be16_to_cpu(x)	be16_to_cpu((__force __be16)(x))
#define cl_be32_to_cpu(x)	be32_to_cpu((__force __be32)(x))
#define cl_get_be16(p)		get_unaligned_be16(p)
#define cl_get_be32(p)		get_unaligned_be32(p)
#define cl_get_be64(p)		get_unaligned_be64(p)
#define cl_fls64(x)		fls64(x)
#define cl_div_u64_rem(a, b, r)	div_u64_rem(a, b, r)
#define cl_div64_u64(a, b)	div64_u64(a, b)
#define CL_U64_MAX		U64_MAX

#else /* userspace build of the portable core */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/cdefs.h>

/* Userspace has nothing to export: a no-op declaration swallows the semicolon. */
#define CROSSLAT_CORE_EXPORT(sym)	_Static_assert(1, #sym)

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef min
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#endif
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef noinline
#define noinline __attribute_noinline__	/* glibc's spelling, from <sys/cdefs.h> */
#endif

static inline u16 cl_get_be16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] << 8 | b[1]);
}

static inline u32 cl_get_be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline u64 cl_get_be64(const void *p)
{
	return (u64)cl_get_be32(p) << 32 | cl_get_be32((const u8 *)p + 4);
}

#define CL_U64_MAX UINT64_MAX

/* Position of the most significant set bit, 1-based; 0 for x == 0 (the kernel's fls64()). */
static inline unsigned int cl_fls64(u64 x)
{
	return x ? 64 - (unsigned int)__builtin_clzll(x) : 0;
}

/* The kernel's div_u64_rem(): 64-by-32 division that also stores the remainder. */
static inline u64 cl_div_u64_rem(u64 dividend, u32 divisor, u32 *remainder)
{
	*remainder = (u32)(dividend % divisor);
	return dividend / divisor;
}

/* The kernel's div64_u64(): 64-by-64 division. */
static inline u64 cl_div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}
#endif /* __KERNEL__ */

#endif /* _CROSSLAT_CORE_TYPES_H */
