/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernel APIs v6fix builds against (Debian's
 * 6.1 and 6.12 series), in one place, so the other files read as if there
 * were one kernel.
 */
#ifndef _V6FIX_COMPAT_H
#define _V6FIX_COMPAT_H

#include <linux/version.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

/* 6.11 made sysctl handlers take a const table. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define V6FIX_CTL_TABLE const struct ctl_table
#else
#define V6FIX_CTL_TABLE struct ctl_table
#endif

/*
 * 6.6 added register_net_sysctl_sz() and turned register_net_sysctl() into a
 * macro that needs an array, not a pointer to a per-namespace copy; 6.11
 * dropped the empty sentinel entry. Tables here keep the sentinel (6.1 needs
 * it) and pass the count of real entries where a size is taken.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define v6fix_register_net_sysctl(net, path, table, n) \
	register_net_sysctl_sz(net, path, table, n)
#else
#define v6fix_register_net_sysctl(net, path, table, n) \
	register_net_sysctl(net, path, table)
#endif

/*
 * 6.7 let a genetlink multicast group require CAP_NET_ADMIN (in the user
 * namespace that owns the network namespace) to subscribe; Debian's 6.1
 * has the backport. Without it, anyone may listen.
 */
#include <net/genetlink.h>
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define V6FIX_MCAST_CAP_NET_ADMIN GENL_MCAST_CAP_NET_ADMIN
#else
#define V6FIX_MCAST_CAP_NET_ADMIN 0
#endif

#endif /* _V6FIX_COMPAT_H */
