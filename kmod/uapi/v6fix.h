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
 * (GENL_UNS_ADMIN_PERM). Attributes are validated strictly against the
 * command's policy (the commands without attributes share one that admits
 * none): an attribute a command does not take, or of the wrong length, is
 * an error, reported with an extended-ack message.
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
 *     V6FIX_A_ERRQUEUE       u32: enum v6fix_errqueue (absent from modules
 *                            before it existed: read that as "stock")
 *
 * V6FIX_CMD_SET_CONFIG                                  (GENL_UNS_ADMIN_PERM)
 *   Request: at least one of V6FIX_A_POLICY_INET6, V6FIX_A_POLICY_INET,
 *   V6FIX_A_BSD_RETRIES, V6FIX_A_ERRQUEUE. Attributes not given keep their value. Either all
 *   given values are applied or, on a validation error, none (the extack
 *   points at the attribute that failed); they are applied as one change,
 *   so no reader (the packet path, GET_CONFIG, the sysctls) sees some of
 *   them without the others.
 *   Reply: none (an ACK when NLM_F_ACK is set).
 *
 * The same settings are visible and writable as the per-namespace sysctls
 * net.v6fix.softerr_policy (IPv6), net.v6fix.softerr_policy_v4 (IPv4),
 * net.v6fix.softerr_bsd_retries and net.v6fix.softerr_errqueue; both are
 * views of one state.
 *
 * V6FIX_CMD_GET_STATS
 *   Request: no attributes.
 *   Reply (V6FIX_CMD_GET_STATS):
 *     V6FIX_A_NETNS_INUM     u32: the namespace that answered
 *     V6FIX_A_STATS          nest of V6FIX_STATS_ENTRY nests, one per
 *                            (family, ICMP type, code, action) whose count
 *                            is not zero; each holds enum v6fix_stat_attr.
 *   The counters count soft errors only (hard ones are never touched): one
 *   count per ICMP or ICMPv6 soft error that quotes a TCP segment, under
 *   the action v6fix took (enum v6fix_action). An error whose abort was
 *   deferred is counted once, when the deferred work has decided.
 *
 * V6FIX_CMD_RESET_STATS                                 (GENL_UNS_ADMIN_PERM)
 *   Request: no attributes. Sets the namespace's counters to zero.
 *
 * Multicast group V6FIX_MCGRP_EVENTS_NAME ("events")     (CAP_NET_ADMIN)
 *   One V6FIX_CMD_EVENT message per counted decision, sent in the namespace
 *   of the connection, with the attributes of enum v6fix_event_attr that
 *   are known (addresses and ports are missing for malformed errors, the
 *   SYN retransmission count when no SYN-SENT socket was found).
 *   Subscribing needs CAP_NET_ADMIN over the namespace (the module needs
 *   Linux 6.7's GENL_MCAST_CAP_NET_ADMIN, or a stable backport, to build).
 *
 * Scopes: per-application settings
 * --------------------------------
 * A scope gives the sockets it matches settings of their own, in place of
 * the namespace's: a socket mark (SO_MARK: sk_mark & mask == value) or a
 * cgroup v2 (the cgroup the socket was created in, sock_cgroup_ptr(), and
 * every cgroup below it). The match is made when the soft error arrives,
 * against the scopes of the socket's namespace at that moment.
 *
 * Precedence: each setting (the family's policy, V6FIX_SCOPE_A_BSD_RETRIES,
 * V6FIX_SCOPE_A_ERRQUEUE) comes from the matching scope of the highest
 * precedence that sets it, else from the namespace:
 *   1. mark scopes: the one with more bits in its mask first, then the
 *      older (lower id);
 *   2. cgroup scopes: the deepest cgroup (nearest the socket's) first;
 *   3. the namespace (V6FIX_CMD_SET_CONFIG, the sysctls).
 * An error is counted in the namespace's counters as before, and also in
 * the counters of the scope that gave its family's policy. Errors whose
 * socket is not known (malformed quotes, no socket) follow the namespace.
 * At most V6FIX_SCOPES_MAX scopes per namespace; they go with it.
 *
 * V6FIX_CMD_SET_SCOPE                                   (GENL_UNS_ADMIN_PERM)
 *   Request: V6FIX_A_SCOPE, a nest with the key, exactly one of
 *     V6FIX_SCOPE_A_CGROUP_FD   u32: an open file descriptor of the
 *                               sender's, of a cgroup v2 directory
 *     V6FIX_SCOPE_A_MARK        u32, and V6FIX_SCOPE_A_MARK_MASK u32
 *                               (default 0xffffffff; not 0, and no bit of
 *                               the mark outside it)
 *   and at least one of V6FIX_SCOPE_A_POLICY_INET6, _POLICY_INET,
 *   _BSD_RETRIES, _ERRQUEUE. Creates the scope, or changes the given
 *   settings of the scope with that key; settings not given are not set
 *   (they come from the next scope, or the namespace).
 *
 * V6FIX_CMD_DEL_SCOPE                                   (GENL_UNS_ADMIN_PERM)
 *   Request: V6FIX_A_SCOPE with a key as above, or V6FIX_SCOPE_A_ID alone.
 *   ENOENT (with an extack message) when no scope matches.
 *
 * V6FIX_CMD_FLUSH_SCOPES                                (GENL_UNS_ADMIN_PERM)
 *   Request: no attributes. Removes every scope of the namespace.
 *
 * V6FIX_CMD_GET_SCOPE (dump only)
 *   Request: no attributes. One V6FIX_CMD_GET_SCOPE message per scope, in
 *   the order of their ids: V6FIX_A_NETNS_INUM and V6FIX_A_SCOPE with
 *     V6FIX_SCOPE_A_ID          u32: unique in the namespace, never reused
 *     V6FIX_SCOPE_A_CGROUP_ID, V6FIX_SCOPE_A_CGROUP_PATH (the path in the
 *     requester's cgroup namespace), or V6FIX_SCOPE_A_MARK and _MARK_MASK
 *     the settings the scope sets
 *     V6FIX_SCOPE_A_STATS       nest of V6FIX_STATS_ENTRY nests, each with
 *                               V6FIX_STAT_A_FAMILY, _ACTION and _COUNT
 *                               (no type or code), those not zero
 *   V6FIX_CMD_RESET_STATS zeroes these counters too.
 *
 * Events carry V6FIX_EV_A_SCOPE_ID when a scope gave the policy.
 */
/*
 * The soft errors, the only ones v6fix acts on: what the kernel's own tables
 * call non-fatal among the errors that reach TCP's error handlers (the same
 * in 6.1 and 6.12); everything else is left to the stock kernel.
 *
 *   family  type                     codes   errno         kernel's source
 *   inet6   1 Destination Unreach.   0       ENETUNREACH   icmpv6_err_convert()
 *                                    2       EHOSTUNREACH
 *                                    3       EHOSTUNREACH
 *   inet6   3 Time Exceeded          0, 1    EHOSTUNREACH  (every code)
 *   inet    3 Destination Unreach.   0, 11   ENETUNREACH   icmp_err_convert[]
 *                                    1, 12   EHOSTUNREACH
 *                                    5       EOPNOTSUPP
 *   inet    11 Time Exceeded         0       EHOSTUNREACH  tcp_v4_err()
 *
 * Not soft: IPv4 Time Exceeded code 1 (icmp_unreach() discards it before
 * TCP), Destination Unreachable 4 (path MTU discovery), Parameter Problem
 * (tcp_v4_err() aborts with EPROTO; icmpv6_err_convert() calls it fatal).
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
 * @V6FIX_POLICY_BSD: FreeBSD's (and XNU's) tcp_notify(): abort only on a
 *	second soft error, one that arrives after more than
 *	V6FIX_A_BSD_RETRIES SYN retransmissions while an earlier one is still
 *	remembered (Linux keeps it in sk_err_soft, which a read of SO_ERROR
 *	clears); otherwise remember it, to report instead of ETIMEDOUT.
 * @V6FIX_POLICY_RETRIES: abort on the first soft error that arrives after
 *	more than V6FIX_A_BSD_RETRIES SYN retransmissions, remembered or not
 *	(v6fix's "bsd" before 0.2; differs from bsd when one late error comes
 *	alone, as when neighbour discovery fails once).
 */
enum v6fix_policy {
	V6FIX_POLICY_PASS,
	V6FIX_POLICY_HARD,
	V6FIX_POLICY_RFC1122,
	V6FIX_POLICY_BSD,
	V6FIX_POLICY_RETRIES,
	__V6FIX_POLICY_MAX
};

#define V6FIX_POLICY_MAX	(__V6FIX_POLICY_MAX - 1)

/**
 * enum v6fix_errqueue - whether a soft error v6fix does not abort on still
 *	goes to the socket's error queue (MSG_ERRQUEUE)
 * @V6FIX_ERRQUEUE_STOCK: as the stock error handlers do: tcp_v4_err() queues
 *	every error it accepts in SYN-SENT, IP_RECVERR or not (and a non-empty
 *	error queue makes poll() report EPOLLERR); tcp_v6_err() queues only
 *	for sockets with IPV6_RECVERR (ipv6_icmp_error() checks). The default.
 * @V6FIX_ERRQUEUE_RECVERR: only for sockets that asked with IP_RECVERR /
 *	IPV6_RECVERR, as the 2024 upstream series ("tcp: conditionally call
 *	ip_icmp_error() from tcp_v4_err()") would have made tcp_v4_err() do.
 *	Differs from stock for IPv4 only.
 * Applies to errors v6fix suppresses (rfc1122, bsd before its threshold);
 * an error that aborts is the stock kernel's, queued as stock queues it.
 */
enum v6fix_errqueue {
	V6FIX_ERRQUEUE_STOCK,
	V6FIX_ERRQUEUE_RECVERR,
	__V6FIX_ERRQUEUE_MAX
};

#define V6FIX_ERRQUEUE_MAX	(__V6FIX_ERRQUEUE_MAX - 1)

/* The largest V6FIX_A_BSD_RETRIES; tcp_syn_retries itself stops at 127. */
#define V6FIX_BSD_RETRIES_MAX	127

enum v6fix_cmd {
	V6FIX_CMD_UNSPEC,
	V6FIX_CMD_GET_CONFIG,
	V6FIX_CMD_SET_CONFIG,
	V6FIX_CMD_GET_STATS,
	V6FIX_CMD_RESET_STATS,
	V6FIX_CMD_EVENT,	/* notification only, on V6FIX_MCGRP_EVENTS_NAME */
	V6FIX_CMD_SET_SCOPE,
	V6FIX_CMD_DEL_SCOPE,
	V6FIX_CMD_FLUSH_SCOPES,
	V6FIX_CMD_GET_SCOPE,
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
	V6FIX_A_STATS,		/* nest of V6FIX_STATS_ENTRY */
	V6FIX_A_ERRQUEUE,	/* u32: enum v6fix_errqueue */
	V6FIX_A_SCOPE,		/* nest of enum v6fix_scope_attr */
	__V6FIX_A_MAX
};

#define V6FIX_A_MAX		(__V6FIX_A_MAX - 1)

#define V6FIX_MCGRP_EVENTS_NAME	"events"

/**
 * enum v6fix_action - what v6fix did with one soft error
 * @V6FIX_ACTION_PASSED: left to the stock kernel (policy pass, or a
 *	deferred abort that could not be queued), or an error the stock
 *	kernel discarded before TCP saw it (addressed to a broadcast or
 *	multicast address, refused by an IPsec policy): v6fix does not act
 *	on those.
 * @V6FIX_ACTION_ABORTED: the connection attempt was aborted at once with
 *	the error's errno; the error was consumed.
 * @V6FIX_ACTION_DEFERRED_ABORT: the socket was owned by the user when the
 *	error came; the attempt was aborted when the lock was released.
 * @V6FIX_ACTION_SUPPRESSED: not aborted; the error was stored as the
 *	socket's soft error (reported instead of ETIMEDOUT) and consumed.
 * @V6FIX_ACTION_IGNORED_SPOOFED: a SYN-SENT socket was found but the quoted
 *	sequence number was not its ISN (RFC 5927), or the error failed the
 *	socket's minimum hop limit / TTL. Dropped, except under
 *	V6FIX_POLICY_PASS (the stock kernel also accepts ISN + 1).
 * @V6FIX_ACTION_IGNORED_NOT_SYN_SENT: the socket was in another state;
 *	left to the stock kernel.
 * @V6FIX_ACTION_IGNORED_NO_SOCKET: no connection matches the quoted segment;
 *	left to the stock kernel.
 * @V6FIX_ACTION_IGNORED_MALFORMED: bad checksum, truncated or fragmented
 *	quote, a quoted IPv4 header that is not one, or an error in IPv6
 *	fragments (its first one). Dropped, except under V6FIX_POLICY_PASS
 *	(the stock kernel drops most of them, but would act on some).
 */
enum v6fix_action {
	V6FIX_ACTION_PASSED,
	V6FIX_ACTION_ABORTED,
	V6FIX_ACTION_DEFERRED_ABORT,
	V6FIX_ACTION_SUPPRESSED,
	V6FIX_ACTION_IGNORED_SPOOFED,
	V6FIX_ACTION_IGNORED_NOT_SYN_SENT,
	V6FIX_ACTION_IGNORED_NO_SOCKET,
	V6FIX_ACTION_IGNORED_MALFORMED,
	__V6FIX_ACTION_MAX
};

#define V6FIX_ACTION_MAX	(__V6FIX_ACTION_MAX - 1)

/* The attribute type of each entry inside V6FIX_A_STATS. */
#define V6FIX_STATS_ENTRY	1

/* Inside a V6FIX_STATS_ENTRY nest. */
enum v6fix_stat_attr {
	V6FIX_STAT_A_UNSPEC,
	V6FIX_STAT_A_PAD,
	V6FIX_STAT_A_FAMILY,	/* u8: AF_INET (ICMP) or AF_INET6 (ICMPv6) */
	V6FIX_STAT_A_ICMP_TYPE,	/* u8 */
	V6FIX_STAT_A_ICMP_CODE,	/* u8 */
	V6FIX_STAT_A_ACTION,	/* u32: enum v6fix_action */
	V6FIX_STAT_A_COUNT,	/* u64 */
	__V6FIX_STAT_A_MAX
};

#define V6FIX_STAT_A_MAX	(__V6FIX_STAT_A_MAX - 1)

/*
 * Attributes of a V6FIX_CMD_EVENT message. Addresses follow netlink's
 * convention (as tcp_metrics' _IPV4/_IPV6 or MPTCP's SADDR4/SADDR6): one
 * attribute per family, in network byte order (NLA_IN_ADDR: a __be32,
 * NLA_IN6_ADDR: a struct in6_addr), and only the family's are sent. Ports
 * are NLA_BE16, network byte order. Attributes 6 to 10 carried addresses
 * sized by family and host-order ports in earlier versions: no longer
 * sent, their numbers not reused.
 */
enum v6fix_event_attr {
	V6FIX_EV_A_UNSPEC,
	V6FIX_EV_A_PAD,
	V6FIX_EV_A_TIMESTAMP_NS,	/* u64: CLOCK_MONOTONIC when the error came */
	V6FIX_EV_A_FAMILY,		/* u8: AF_INET or AF_INET6 */
	V6FIX_EV_A_ICMP_TYPE,		/* u8 */
	V6FIX_EV_A_ICMP_CODE,		/* u8 */
	V6FIX_EV_A_UNUSED_6,
	V6FIX_EV_A_UNUSED_7,
	V6FIX_EV_A_UNUSED_8,
	V6FIX_EV_A_UNUSED_9,
	V6FIX_EV_A_UNUSED_10,
	V6FIX_EV_A_ERRNO,		/* u32: the error's errno (positive) */
	V6FIX_EV_A_POLICY,		/* u32: enum v6fix_policy in force */
	V6FIX_EV_A_ACTION,		/* u32: enum v6fix_action */
	V6FIX_EV_A_SYN_RETRANS,		/* u32: SYN retransmissions so far */
	V6FIX_EV_A_DELAY_NS,		/* u64: deferred decisions: error to decision */
	V6FIX_EV_A_ICMP_SOURCE4,	/* in_addr: the sender of an ICMP error */
	V6FIX_EV_A_ICMP_SOURCE6,	/* in6_addr: the sender of an ICMPv6 error */
	V6FIX_EV_A_SADDR4,		/* in_addr: the connection's local address */
	V6FIX_EV_A_SADDR6,		/* in6_addr */
	V6FIX_EV_A_DADDR4,		/* in_addr: the connection's remote address */
	V6FIX_EV_A_DADDR6,		/* in6_addr */
	V6FIX_EV_A_SPORT,		/* be16: local port */
	V6FIX_EV_A_DPORT,		/* be16: remote port */
	V6FIX_EV_A_SCOPE_ID,		/* u32: the scope that gave the policy */
	__V6FIX_EV_A_MAX
};

#define V6FIX_EV_A_MAX		(__V6FIX_EV_A_MAX - 1)

/* Scopes per namespace, at most. */
#define V6FIX_SCOPES_MAX	128

/* Inside V6FIX_A_SCOPE (see "Scopes" above). */
enum v6fix_scope_attr {
	V6FIX_SCOPE_A_UNSPEC,
	V6FIX_SCOPE_A_PAD,
	V6FIX_SCOPE_A_ID,		/* u32 */
	V6FIX_SCOPE_A_CGROUP_FD,	/* u32, requests only */
	V6FIX_SCOPE_A_CGROUP_ID,	/* u64, replies only: cgroup_id() */
	V6FIX_SCOPE_A_CGROUP_PATH,	/* string, replies only */
	V6FIX_SCOPE_A_MARK,		/* u32 */
	V6FIX_SCOPE_A_MARK_MASK,	/* u32 */
	V6FIX_SCOPE_A_POLICY_INET6,	/* u32: enum v6fix_policy */
	V6FIX_SCOPE_A_POLICY_INET,	/* u32: enum v6fix_policy */
	V6FIX_SCOPE_A_BSD_RETRIES,	/* u32 */
	V6FIX_SCOPE_A_ERRQUEUE,		/* u32: enum v6fix_errqueue */
	V6FIX_SCOPE_A_STATS,		/* nest of V6FIX_STATS_ENTRY */
	__V6FIX_SCOPE_A_MAX
};

#define V6FIX_SCOPE_A_MAX	(__V6FIX_SCOPE_A_MAX - 1)

#endif /* _UAPI_V6FIX_H */
