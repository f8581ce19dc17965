/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the files of v6fix.ko. Each file owns one concern;
 * this header is how they meet.
 */
#ifndef _V6FIX_H
#define _V6FIX_H

#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "uapi/v6fix.h"

/* From the Makefile's VERSION, the one place it is set (Kbuild passes it). */
#ifndef V6FIX_VERSION
#error "V6FIX_VERSION is not set: build through the Makefile or DKMS"
#endif

/* Index of a per-family setting. */
enum v6fix_family {
	V6FIX_INET,
	V6FIX_INET6,
	V6FIX_FAMILY_NR
};

/*
 * The soft errors of each family, as slots of the counters table: ICMPv6
 * has 5 and ICMP 6 (policy.c lists them); room for the larger.
 */
#define V6FIX_SLOT_NR 6

struct ctl_table_header;

/*
 * Per-namespace state, allocated by the pernet core (net_generic). The
 * settings are plain ints written by sysctl and netlink and read locklessly
 * by the packet path, so every access goes through READ_ONCE/WRITE_ONCE; no
 * reader needs two of them to agree. The counters are atomics: soft errors
 * are rare, and a reader sums nothing.
 */
struct v6fix_net {
	int policy[V6FIX_FAMILY_NR];	/* enum v6fix_policy */
	int bsd_retries;
	int errqueue;			/* enum v6fix_errqueue */
	struct ctl_table_header *sysctl_hdr;
	/* Pending deferred aborts (abort.c), under deferred_lock. */
	spinlock_t deferred_lock;
	struct list_head deferred;
	unsigned int deferred_nr;
	bool dying;
	atomic64_t stats[V6FIX_FAMILY_NR][V6FIX_SLOT_NR][__V6FIX_ACTION_MAX];
};

union v6fix_addr {
	__be32 ip;
	struct in6_addr ip6;
};

/*
 * One soft error and what was done with it: filled in by the hook, counted
 * and sent as a V6FIX_CMD_EVENT. The has_* flags say which parts are known.
 */
struct v6fix_event {
	u64 tstamp_ns;			/* ktime_get_ns() when the error came */
	u64 delay_ns;			/* deferred decisions only */
	enum v6fix_family family;
	u8 type, code;
	int slot;			/* v6fix_soft_slot() */
	int err;			/* positive errno */
	int policy;
	enum v6fix_action action;
	u32 seq;			/* quoted sequence number */
	u32 syn_retrans;
	bool has_conn;			/* addresses and ports */
	bool has_retrans;		/* a SYN-SENT socket was found */
	union v6fix_addr icmp_src, saddr, daddr;
	__be16 sport, dport;
};

extern unsigned int v6fix_net_id;

static inline struct v6fix_net *v6fix_pernet(const struct net *net)
{
	return net_generic(net, v6fix_net_id);
}

/* policy.c */
const char *v6fix_policy_name(int policy);
int v6fix_policy_parse(const char *name);
const char *v6fix_errqueue_name(int errqueue);
int v6fix_errqueue_parse(const char *name);
extern int v6fix_default_policy[V6FIX_FAMILY_NR];
extern int v6fix_default_bsd_retries;
int v6fix_soft_slot(enum v6fix_family family, u8 type, u8 code, int *err);
void v6fix_slot_type_code(enum v6fix_family family, int slot, u8 *type, u8 *code);
int v6fix_slot_count(enum v6fix_family family);
enum v6fix_action v6fix_policy_decide(enum v6fix_policy policy, int bsd_retries,
				      unsigned int syn_retrans, bool remembered,
				      bool owned);

/* netns.c */
int v6fix_netns_init(void);
void v6fix_netns_uninit(void);

/* sysctl.c */
int v6fix_sysctl_register(struct net *net, struct v6fix_net *vn);
void v6fix_sysctl_unregister(struct v6fix_net *vn);

/* hook.c */
int v6fix_hooks_init(void);
void v6fix_hooks_uninit(void);

/* abort.c */
struct sock;
struct sk_buff;
struct genl_family;
void v6fix_abort(struct sock *sk, int err);
bool v6fix_defer_abort(struct sock *sk, const struct v6fix_event *ev);
void v6fix_defer_net_init(struct v6fix_net *vn);
void v6fix_defer_net_exit(struct v6fix_net *vn);
int v6fix_defer_init(void);
void v6fix_defer_uninit(void);

/* stats.c */
void v6fix_stats_inc(struct v6fix_net *vn, const struct v6fix_event *ev);
int v6fix_stats_fill(struct sk_buff *skb, struct v6fix_net *vn);
size_t v6fix_stats_size(void);
void v6fix_stats_reset(struct v6fix_net *vn);

/* events.c; the index of the "events" group in the family's mcgrps. */
#define V6FIX_MCGRP_EVENTS 0
void v6fix_event_notify(struct net *net, const struct v6fix_event *ev, gfp_t gfp);

/* netlink.c */
extern struct genl_family v6fix_genl_family;
int v6fix_genl_init(void);
void v6fix_genl_uninit(void);

/* Count a decision and tell the listeners of the events group. */
static inline void v6fix_record(struct net *net, const struct v6fix_event *ev,
				gfp_t gfp)
{
	v6fix_stats_inc(v6fix_pernet(net), ev);
	v6fix_event_notify(net, ev, gfp);
}

#endif /* _V6FIX_H */
