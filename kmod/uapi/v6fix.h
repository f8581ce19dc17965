/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * v6fix: per-network-namespace control of how TCP reacts to ICMP and ICMPv6
 * soft errors while a connection is in SYN-SENT.
 *
 * This header is the protocol's documentation. It is shared, unchanged, by
 * the kernel module and by userspace.
 *
 * Generic netlink family
 * ----------------------
 *
 * The family is called V6FIX_GENL_NAME ("v6fix"), version V6FIX_GENL_VERSION.
 * Every request acts on the network namespace of the netlink socket that
 * sends it; the family is netns-aware, so a socket opened inside a namespace
 * sees and changes only that namespace. Commands that change state need
 * CAP_NET_ADMIN in the user namespace that owns the network namespace
 * (GENL_UNS_ADMIN_PERM). Every command validates its attributes against a
 * policy of its own, strictly: an attribute a command does not take is an
 * error, reported with an extended-ack message.
 *
 * V6FIX_CMD_GET_CONFIG
 *   Request: no attributes.
 *   Reply (V6FIX_CMD_GET_CONFIG):
 *     V6FIX_A_VERSION        NUL-terminated string: the module's version
 *     V6FIX_A_NETNS_INUM     u32: inode number of the namespace that answered
 *                            (the number in `readlink /proc/self/ns/net`)
 *     V6FIX_A_POLICY_INET6   u32: enum v6fix_policy for ICMPv6 soft errors
 *     V6FIX_A_POLICY_INET    u32: enum v6fix_policy for ICMP (IPv4) soft errors
 *     V6FIX_A_BSD_RETRIES    u32: the N of V6FIX_POLICY_BSD
 *
 * V6FIX_CMD_SET_CONFIG                                  (GENL_UNS_ADMIN_PERM)
 *   Request: at least one of V6FIX_A_POLICY_INET6, V6FIX_A_POLICY_INET,
 *   V6FIX_A_BSD_RETRIES. Attributes not given keep their value. Either all
 *   given values are applied or, on a validation error, none.
 *   Reply: none (an ACK when NLM_F_ACK is set).
 *
 * The same settings are visible and writable as the per-namespace sysctls
 * net.v6fix.softerr_policy (IPv6), net.v6fix.softerr_policy_v4 (IPv4) and
 * net.v6fix.softerr_bsd_retries; both are views of one state.
 */
#ifndef _UAPI_V6FIX_H
#define _UAPI_V6FIX_H

#define V6FIX_GENL_NAME		"v6fix"
#define V6FIX_GENL_VERSION	1

/**
 * enum v6fix_policy - what TCP does with a soft error in SYN-SENT
 * @V6FIX_POLICY_PASS: count only; the stock kernel decides (Linux aborts at
 *	once, except while connect() holds the socket lock).
 * @V6FIX_POLICY_HARD: abort the attempt at once with the error's errno, also
 *	when the socket is owned by the user when the error arrives.
 * @V6FIX_POLICY_RFC1122: never abort (RFC 1122 4.2.3.9, RFC 9293 MUST-56);
 *	remember the error and report it instead of ETIMEDOUT.
 * @V6FIX_POLICY_BSD: abort only when a soft error arrives after more than
 *	V6FIX_A_BSD_RETRIES SYN retransmissions (4.4BSD/FreeBSD tcp_notify).
 */
enum v6fix_policy {
	V6FIX_POLICY_PASS,
	V6FIX_POLICY_HARD,
	V6FIX_POLICY_RFC1122,
	V6FIX_POLICY_BSD,
	__V6FIX_POLICY_MAX
};
#define V6FIX_POLICY_MAX	(__V6FIX_POLICY_MAX - 1)

/* The largest V6FIX_A_BSD_RETRIES; tcp_syn_retries itself stops at 127. */
#define V6FIX_BSD_RETRIES_MAX	127

enum v6fix_cmd {
	V6FIX_CMD_UNSPEC,
	V6FIX_CMD_GET_CONFIG,
	V6FIX_CMD_SET_CONFIG,
	__V6FIX_CMD_MAX
};
#define V6FIX_CMD_MAX		(__V6FIX_CMD_MAX - 1)

enum v6fix_attr {
	V6FIX_A_UNSPEC,
	V6FIX_A_VERSION,
	V6FIX_A_NETNS_INUM,
	V6FIX_A_POLICY_INET6,
	V6FIX_A_POLICY_INET,
	V6FIX_A_BSD_RETRIES,
	__V6FIX_A_MAX
};
#define V6FIX_A_MAX		(__V6FIX_A_MAX - 1)

#endif /* _UAPI_V6FIX_H */
