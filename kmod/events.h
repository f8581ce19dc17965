/* SPDX-License-Identifier: GPL-2.0 */
/* One decision on a soft error, and the "events" group it is sent to (events.c). */
#ifndef _V6FIX_EVENTS_H
#define _V6FIX_EVENTS_H

#include <linux/gfp.h>
#include <linux/in6.h>
#include <linux/types.h>

#include "policy.h"

struct net;

/* The index of the "events" group in the family's mcgrps (netlink.c). */
#define V6FIX_MCGRP_EVENTS 0

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
	enum v6fix_policy policy;
	enum v6fix_action action;
	u32 seq;			/* quoted sequence number */
	u32 syn_retrans;
	u32 scope_id;			/* the scope that gave the policy, or 0 */
	bool has_conn;			/* addresses and ports */
	bool has_retrans;		/* a SYN-SENT socket was found */
	union v6fix_addr icmp_src, saddr, daddr;
	__be16 sport, dport;
};

void v6fix_event_notify(struct net *net, const struct v6fix_event *ev, gfp_t gfp);
void v6fix_record(struct net *net, const struct v6fix_event *ev, gfp_t gfp);

#endif /* _V6FIX_EVENTS_H */
