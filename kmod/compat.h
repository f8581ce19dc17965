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

/*
 * 6.11 made sysctl handlers take a const table. The handlers are written in
 * that form; before 6.11 the table points at a wrapper of the older type,
 * which V6FIX_PROC_HANDLER_COMPAT(fn) defines after fn and
 * V6FIX_PROC_HANDLER(fn) names (from 6.11, fn itself, and the first a
 * declaration that checks fn's type).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define V6FIX_PROC_HANDLER_COMPAT(fn)	static proc_handler fn
#define V6FIX_PROC_HANDLER(fn)		fn
#else
#define V6FIX_PROC_HANDLER_COMPAT(fn)					\
static int fn##_compat(struct ctl_table *ctl, int write, void *buffer,	\
		       size_t *lenp, loff_t *ppos)			\
{									\
	return fn(ctl, write, buffer, lenp, ppos);			\
}									\
static proc_handler fn##_compat
#define V6FIX_PROC_HANDLER(fn)		fn##_compat
#endif

/*
 * 6.6 added register_net_sysctl_sz() and turned register_net_sysctl() into a
 * macro that needs an array, not a pointer to a per-namespace copy; 6.11
 * dropped the empty sentinel entry. Tables here keep the sentinel (6.1 needs
 * it) and pass the count of real entries.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
#define register_net_sysctl_sz(net, path, table, n) \
	({ (void)(n); register_net_sysctl(net, path, table); })
#endif

/*
 * 6.6 made IP_RECVERR and IPV6_RECVERR bits of inet_sk(sk)->inet_flags,
 * read locklessly; before, they were bitfields of inet_sock and ipv6_pinfo.
 */
#include <net/inet_sock.h>
#include <linux/ipv6.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define v6fix_sk_recverr(sk)	inet_test_bit(RECVERR, sk)
#define v6fix_sk_recverr6(sk)	inet6_test_bit(RECVERR6, sk)
#else
#define v6fix_sk_recverr(sk)	(inet_sk(sk)->recverr)
#define v6fix_sk_recverr6(sk)	(inet6_sk(sk)->recverr)
#endif

/*
 * 6.7 let a genetlink multicast group require CAP_NET_ADMIN (in the user
 * namespace that owns the network namespace) to subscribe; Debian's 6.1
 * has the backport. The events name connections: without the check the
 * module is not built, rather than open to anyone.
 */
#include <net/genetlink.h>
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "v6fix needs GENL_MCAST_CAP_NET_ADMIN (Linux 6.7, or a stable backport)"
#endif

/* tcp_done_with_error(): exported by Debian's 6.1, not by 6.12 (abort.c). */
#include <net/tcp.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
static inline void v6fix_tcp_done_with_error(struct sock *sk, int err)
{
	WRITE_ONCE(sk->sk_err, err);
	/* Pairs with the smp_rmb() in tcp_poll(). */
	smp_wmb();
	tcp_done(sk);
	if (!sock_flag(sk, SOCK_DEAD))
		sk_error_report(sk);
}
#else
#define v6fix_tcp_done_with_error(sk, err) tcp_done_with_error(sk, err)
#endif

#endif /* _V6FIX_COMPAT_H */
