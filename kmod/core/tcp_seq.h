/* SPDX-License-Identifier: GPL-2.0-only */
/* Wrap-safe comparisons in 32-bit TCP sequence space (RFC 793 modular arithmetic). */
#ifndef _CROSSLAT_TCP_SEQ_H
#define _CROSSLAT_TCP_SEQ_H

#include "core_types.h"

/*
 * a comes strictly before b when b - a, taken modulo 2^32, lies in [1, 2^31 - 1]. Two numbers
 * exactly 2^31 apart are ambiguous; by this rule each is "before" the other, like the kernel's
 * before().
 */
static inline bool crosslat_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

/* a comes strictly after b. */
static inline bool crosslat_seq_after(u32 a, u32 b)
{
	return crosslat_seq_before(b, a);
}

/* lo <= seq <= hi walking forward from lo, both ends inclusive; the window may wrap. */
static inline bool crosslat_seq_between(u32 seq, u32 lo, u32 hi)
{
	return hi - lo >= seq - lo;
}

/*
 * The sequence number just past a segment: seq plus its payload plus one for SYN and one for
 * FIN (each occupies a sequence number). An ACK whose ack_seq is not before this value covers
 * the whole segment.
 */
static inline u32 crosslat_seq_end(u32 seq, u32 payload_len, bool syn, bool fin)
{
	return seq + payload_len + (syn ? 1 : 0) + (fin ? 1 : 0);
}

#endif /* _CROSSLAT_TCP_SEQ_H */
