// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the HTTP trace-context scanner (crosslat_http_ctx_*). Byte 0 picks
 * the header block bound (0: the default, else 4 x byte 0), byte 1 seeds the chunking; the
 * rest is the message. Checks: the invariants of every result, the naive whole-buffer model
 * (tests/unit/http_ctx_model.h), the same result for random chunkings (1-byte chunks one run
 * in four) as for the whole buffer, and a prefix giving INCOMPLETE or the full result.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_require.h"
#include "http_ctx_model.h"
#include "http_trace_ctx.h"

/* splitmix64, as tests/unit/prng.h */
static uint64_t next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Feed data[0, len) in chunks, each an exact-size heap copy so ASan sees any over-read. */
static void scan_chunked(const uint8_t *data, size_t len, uint32_t max_len, uint64_t *rng,
			 bool bytes, struct crosslat_http_ctx *res)
{
	struct crosslat_http_ctx_scan s;
	size_t off = 0, n;
	uint8_t *copy;
	int st;

	crosslat_http_ctx_init(&s, max_len);
	while (off < len) {
		n = bytes ? 1 : 1 + next(rng) % (next(rng) % 4 ? 16 : len - off);
		if (n > len - off)
			n = len - off;
		copy = malloc(n);
		REQUIRE(copy);
		memcpy(copy, data + off, n);
		st = crosslat_http_ctx_feed(&s, copy, (uint32_t)n);
		free(copy);
		REQUIRE(st == s.status);
		off += n;
	}
	crosslat_http_ctx_result(&s, res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crosslat_http_ctx whole, model, chunked, part;
	uint64_t rng;
	uint32_t max_len;
	const char *bad;
	size_t len, cut;

	if (size < 2 || size - 2 > UINT32_MAX)
		return 0;
	max_len = data[0] * 4u;
	rng = data[1];
	data += 2;
	len = size - 2;

	/* libFuzzer's buffer ends exactly at data + size: ASan flags any over-read */
	crosslat_http_ctx_scan_buf(data, (uint32_t)len, max_len, &whole);
	bad = http_ctx_invariants(&whole, len, max_len);
	if (bad) {
		fprintf(stderr, "invariant violated: %s (status %s, len %zu, max_len %u)\n", bad,
			crosslat_http_ctx_status_name(whole.status), len, max_len);
		abort();
	}

	model_http_ctx(data, len, max_len, &model);
	if (memcmp(&whole, &model, sizeof(whole))) {
		fprintf(stderr, "model: %s/%s scanned %u, scanner: %s/%s scanned %u\n",
			crosslat_http_ctx_status_name(model.status),
			crosslat_trace_ctx_kind_name(model.kind), model.scanned,
			crosslat_http_ctx_status_name(whole.status),
			crosslat_trace_ctx_kind_name(whole.kind), whole.scanned);
		abort();
	}

	scan_chunked(data, len, max_len, &rng, !(data[-1] & 3), &chunked);
	REQUIRE(!memcmp(&whole, &chunked, sizeof(whole)));

	cut = len ? next(&rng) % (len + 1) : 0;
	crosslat_http_ctx_scan_buf(data, (uint32_t)cut, max_len, &part);
	if (part.status == CROSSLAT_HTTP_CTX_INCOMPLETE)
		REQUIRE(part.scanned == cut);
	else
		REQUIRE(!memcmp(&whole, &part, sizeof(whole)));
	return 0;
}
