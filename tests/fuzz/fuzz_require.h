/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the libFuzzer targets: the entry point's prototype and an abort-on-false check. */
#ifndef _CROSSLAT_FUZZ_REQUIRE_H
#define _CROSSLAT_FUZZ_REQUIRE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant the code under test must keep: report it and abort, so libFuzzer saves it. */
#define REQUIRE(cond) do {							\
	if (!(cond)) {								\
		fprintf(stderr, "%s:%d: invariant violated: %s\n",		\
			__FILE__, __LINE__, #cond);				\
		abort();							\
	}									\
} while (0)

#endif /* _CROSSLAT_FUZZ_REQUIRE_H */
