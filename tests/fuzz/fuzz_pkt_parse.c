// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target for crosslat_pkt_parse(): byte 0 picks the start layer, the rest is packet. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_invariants.h"
#include "pkt_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crosslat_pkt pkt, again;
	enum crosslat_pkt_layer start;
	const char *bad;
	uint32_t len;
	int ret;

	if (!size || size - 1 > UINT32_MAX)
		return 0;
	start = data[0] & 1 ? CROSSLAT_PKT_L3 : CROSSLAT_PKT_L2;
	/* libFuzzer's buffer ends exactly at data + size: ASan flags any over-read */
	data++;
	len = (uint32_t)(size - 1);

	ret = crosslat_pkt_parse(data, len, start, &pkt);
	bad = pkt_invariants_check(ret, &pkt, len, start);
	if (bad) {
		fprintf(stderr, "invariant violated: %s (ret %d, len %u, start %d)\n",
			bad, ret, len, start);
		abort();
	}
	if (crosslat_pkt_parse(data, len, start, &again) != ret ||
	    (!ret && memcmp(&pkt, &again, sizeof(pkt)))) {
		fprintf(stderr, "second parse of the same bytes differs\n");
		abort();
	}
	return 0;
}
