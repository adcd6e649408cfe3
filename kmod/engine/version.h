/* SPDX-License-Identifier: GPL-2.0-only */
/* Version of the crosslat modules, reported over netlink and /proc. */
#ifndef _CROSSLAT_VERSION_H
#define _CROSSLAT_VERSION_H

#define CROSSLAT_VERSION "0.1.0"

#endif /* _CROSSLAT_VERSION_H */
