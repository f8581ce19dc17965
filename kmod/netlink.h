/* SPDX-License-Identifier: GPL-2.0 */
/* The "v6fix" generic netlink family (netlink.c). */
#ifndef _V6FIX_NETLINK_H
#define _V6FIX_NETLINK_H

struct genl_family;

extern struct genl_family v6fix_genl_family;

int v6fix_genl_init(void);
void v6fix_genl_uninit(void);

#endif /* _V6FIX_NETLINK_H */
