/* SPDX-License-Identifier: GPL-2.0-only */
/* The "crosslat" generic netlink family: control requests from crosslatctl. */
#ifndef _CROSSLAT_NETLINK_H
#define _CROSSLAT_NETLINK_H

int crosslat_netlink_init(void);
void crosslat_netlink_uninit(void);

#endif /* _CROSSLAT_NETLINK_H */
