// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for crosslat_encap_parse(). Byte 0: bit 0 picks the start layer (0 = L2,
 * 1 = L3), bit 1 the port set (0 = defaults, 1 = VXLAN 4789+8472, GENEVE 6081+7081); the
 * rest is the packet.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encap_invariants.h"
#include "encap_parse.h"
#include "fuzz_require.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crosslat_encap res, again;
	struct crosslat_encap_ports custom;
	const struct crosslat_encap_ports *ports = NULL;
	enum crosslat_pkt_layer start;
	struct crosslat_pkt direct;
	const char *bad;
	uint32_t len, end;
	int ret;

	if (!size || size - 1 > UINT32_MAX)
		return 0;
	start = data[0] & 1 ? CROSSLAT_PKT_L3 : CROSSLAT_PKT_L2;
	if (data[0] & 2) {
		crosslat_encap_ports_init(&custom);
		REQUIRE(crosslat_encap_ports_add(&custom, CROSSLAT_ENCAP_VXLAN,
						 CROSSLAT_VXLAN_PORT_LINUX));
		REQUIRE(crosslat_encap_ports_add(&custom, CROSSLAT_ENCAP_GENEVE, 7081));
		ports = &custom;
	}
	/* libFuzzer's buffer ends exactly at data + size: ASan flags any over-read */
	data++;
	len = (uint32_t)(size - 1);

	ret = crosslat_encap_parse(data, len, start, ports, &res);
	bad = encap_invariants_check(ret, &res, len, start, ports);
	if (bad) {
		fprintf(stderr, "invariant violated: %s (ret %d, len %u, start %d, type %u)\n",
			bad, ret, len, start, res.type);
		abort();
	}

	/* deterministic: the same bytes give the same result */
	REQUIRE(crosslat_encap_parse(data, len, start, ports, &again) == ret);
	if (!ret) {
		REQUIRE(!memcmp(&res, &again, sizeof(res)));
	} else {
		REQUIRE(res.type == again.type);
		REQUIRE(res.pkt_err == again.pkt_err);
	}
	if (ret || res.type == CROSSLAT_ENCAP_NONE)
		return 0;

	/* the inner result is crosslat_pkt_parse() of the outer payload from inner_off */
	end = res.outer.payload_off + res.outer.payload_len;
	REQUIRE(!crosslat_pkt_parse(data + res.inner_off, end - res.inner_off,
				    (enum crosslat_pkt_layer)res.inner_start, &direct));
	direct.l3_off += res.inner_off;
	direct.l4_off += res.inner_off;
	direct.payload_off += res.inner_off;
	REQUIRE(!memcmp(&direct, &res.inner, sizeof(direct)));
	return 0;
}
