// SPDX-License-Identifier: GPL-2.0-only
/* W3C trace context: parsing and formatting traceparent values (crosslat_span.h). */
#include <errno.h>
#include <string.h>
#include "crosslat_span.h"
#include "span_internal.h"

/*
 * version "-" trace-id "-" parent-id "-" trace-flags: 2, 32, 16 and 2 lowercase hex digits
 * at these offsets.
 */
#define TP_TRACE_ID	3
#define TP_SPAN_ID	36
#define TP_FLAGS	53

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;	/* uppercase is invalid in traceparent */
}

/* Decodes 2 * @n lowercase hex digits; false on any other character. */
static bool hex_decode(const char *in, uint8_t *out, size_t n)
{
	int hi, lo;

	for (; n--; in += 2) {
		hi = hex_digit(in[0]);
		lo = hex_digit(in[1]);
		if (hi < 0 || lo < 0)
			return false;
		*out++ = hi << 4 | lo;
	}
	return true;
}

CROSSLAT_EXPORT int crosslat_traceparent_parse(const char *value, size_t len,
					       uint8_t trace_id[CROSSLAT_TRACE_ID_SIZE],
					       uint8_t parent_span_id[CROSSLAT_SPAN_ID_SIZE],
					       uint8_t *flags)
{
	uint8_t version, tid[CROSSLAT_TRACE_ID_SIZE], sid[CROSSLAT_SPAN_ID_SIZE], fl;

	if (!value || len < CROSSLAT_TRACEPARENT_LEN ||
	    !hex_decode(value, &version, 1) || value[TP_TRACE_ID - 1] != '-' ||
	    !hex_decode(value + TP_TRACE_ID, tid, sizeof(tid)) || value[TP_SPAN_ID - 1] != '-' ||
	    !hex_decode(value + TP_SPAN_ID, sid, sizeof(sid)) || value[TP_FLAGS - 1] != '-' ||
	    !hex_decode(value + TP_FLAGS, &fl, 1))
		return -EINVAL;
	/* Version 00 is exactly 55 characters; later ones may append "-<more>". */
	if (version == 0xff || (len > CROSSLAT_TRACEPARENT_LEN &&
				(!version || value[CROSSLAT_TRACEPARENT_LEN] != '-')))
		return -EINVAL;
	if (all_zero(tid, sizeof(tid)) || all_zero(sid, sizeof(sid)))
		return -EINVAL;
	memcpy(trace_id, tid, sizeof(tid));
	memcpy(parent_span_id, sid, sizeof(sid));
	if (flags)
		*flags = fl;
	return 0;
}

CROSSLAT_EXPORT int crosslat_traceparent_format(char out[CROSSLAT_TRACEPARENT_SIZE],
						const uint8_t trace_id[CROSSLAT_TRACE_ID_SIZE],
						const uint8_t span_id[CROSSLAT_SPAN_ID_SIZE],
						uint8_t flags)
{
	if (!out || !trace_id || !span_id || all_zero(trace_id, CROSSLAT_TRACE_ID_SIZE) ||
	    all_zero(span_id, CROSSLAT_SPAN_ID_SIZE))
		return -EINVAL;
	memcpy(out, "00-", 3);
	hex_encode(out + TP_TRACE_ID, trace_id, CROSSLAT_TRACE_ID_SIZE);
	out[TP_SPAN_ID - 1] = '-';
	hex_encode(out + TP_SPAN_ID, span_id, CROSSLAT_SPAN_ID_SIZE);
	out[TP_FLAGS - 1] = '-';
	hex_encode(out + TP_FLAGS, &flags, 1);
	return CROSSLAT_TRACEPARENT_LEN;
}
