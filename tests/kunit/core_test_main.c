// SPDX-License-Identifier: GPL-2.0-only
/* crosslat_core_test.ko: module metadata for the KUnit suites of the portable core. */
#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crosslat: KUnit tests for the portable core (kmod/core)");
