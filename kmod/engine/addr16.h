/* SPDX-License-Identifier: GPL-2.0-only */
/* Addresses in events: always 16 bytes, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d). */
#ifndef _CROSSLAT_ADDR16_H
#define _CROSSLAT_ADDR16_H

#include <linux/string.h>
#include <linux/types.h>

/* src holds an IPv4 address in its first 4 bytes when family is 4, else 16 bytes of IPv6. */
static inline void crosslat_addr16(u8 dst[16], const u8 src[16], u8 family)
{
	if (family == 4) {
		memset(dst, 0, 10);
		dst[10] = 0xff;
		dst[11] = 0xff;
		memcpy(dst + 12, src, 4);
	} else {
		memcpy(dst, src, 16);
	}
}

#endif /* _CROSSLAT_ADDR16_H */
