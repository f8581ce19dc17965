// SPDX-License-Identifier: GPL-2.0
/*
 * The "events" multicast group: one V6FIX_CMD_EVENT per decision, sent in
 * the namespace of the connection (uapi/v6fix.h). Built only when someone
 * listens; from the hook, in softirq context, hence the gfp argument.
 */
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "events.h"
#include "netlink.h"
#include "netns.h"
#include "scope.h"
#include "stats.h"

/*
 * The largest event (an IPv6 one): one term per attribute
 * v6fix_event_fill() may put.
 */
static size_t v6fix_event_size(void)
{
	return nla_total_size_64bit(sizeof(u64)) +	/* TIMESTAMP_NS */
	       nla_total_size(sizeof(u8)) +		/* FAMILY */
	       nla_total_size(sizeof(u8)) +		/* ICMP_TYPE */
	       nla_total_size(sizeof(u8)) +		/* ICMP_CODE */
	       nla_total_size(sizeof(struct in6_addr)) +	/* ICMP_SOURCE6 */
	       nla_total_size(sizeof(u32)) +		/* ERRNO */
	       nla_total_size(sizeof(u32)) +		/* POLICY */
	       nla_total_size(sizeof(u32)) +		/* ACTION */
	       nla_total_size(sizeof(struct in6_addr)) +	/* SADDR6 */
	       nla_total_size(sizeof(struct in6_addr)) +	/* DADDR6 */
	       nla_total_size(sizeof(__be16)) +		/* SPORT */
	       nla_total_size(sizeof(__be16)) +		/* DPORT */
	       nla_total_size(sizeof(u32)) +		/* SYN_RETRANS */
	       nla_total_size_64bit(sizeof(u64)) +	/* DELAY_NS */
	       nla_total_size(sizeof(u32));		/* SCOPE_ID */
}

/* An address as the attribute of its family: @type4 or @type6. */
static int v6fix_put_addr(struct sk_buff *skb, int type4, int type6, bool v6,
			  const union v6fix_addr *a)
{
	if (v6)
		return nla_put_in6_addr(skb, type6, &a->ip6);
	return nla_put_in_addr(skb, type4, a->ip);
}

static int v6fix_event_fill(struct sk_buff *skb, const struct v6fix_event *ev)
{
	bool v6 = ev->family == V6FIX_INET6;

	if (nla_put_u64_64bit(skb, V6FIX_EV_A_TIMESTAMP_NS, ev->tstamp_ns,
			      V6FIX_EV_A_PAD) ||
	    nla_put_u8(skb, V6FIX_EV_A_FAMILY, v6 ? AF_INET6 : AF_INET) ||
	    nla_put_u8(skb, V6FIX_EV_A_ICMP_TYPE, ev->type) ||
	    nla_put_u8(skb, V6FIX_EV_A_ICMP_CODE, ev->code) ||
	    v6fix_put_addr(skb, V6FIX_EV_A_ICMP_SOURCE4,
			   V6FIX_EV_A_ICMP_SOURCE6, v6, &ev->icmp_src) ||
	    nla_put_u32(skb, V6FIX_EV_A_ERRNO, ev->err) ||
	    nla_put_u32(skb, V6FIX_EV_A_POLICY, ev->policy) ||
	    nla_put_u32(skb, V6FIX_EV_A_ACTION, ev->action))
		return -EMSGSIZE;
	if (ev->has_conn &&
	    (v6fix_put_addr(skb, V6FIX_EV_A_SADDR4, V6FIX_EV_A_SADDR6,
			    v6, &ev->saddr) ||
	     v6fix_put_addr(skb, V6FIX_EV_A_DADDR4, V6FIX_EV_A_DADDR6,
			    v6, &ev->daddr) ||
	     nla_put_be16(skb, V6FIX_EV_A_SPORT, ev->sport) ||
	     nla_put_be16(skb, V6FIX_EV_A_DPORT, ev->dport)))
		return -EMSGSIZE;
	if (ev->has_retrans &&
	    nla_put_u32(skb, V6FIX_EV_A_SYN_RETRANS, ev->syn_retrans))
		return -EMSGSIZE;
	if (ev->scope_id &&
	    nla_put_u32(skb, V6FIX_EV_A_SCOPE_ID, ev->scope_id))
		return -EMSGSIZE;
	/* Only decisions of the deferred work have a delay. */
	if (ev->delay_ns &&
	    nla_put_u64_64bit(skb, V6FIX_EV_A_DELAY_NS, ev->delay_ns,
			      V6FIX_EV_A_PAD))
		return -EMSGSIZE;
	return 0;
}

void v6fix_event_notify(struct net *net, const struct v6fix_event *ev, gfp_t gfp)
{
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&v6fix_genl_family, net, V6FIX_MCGRP_EVENTS))
		return;

	skb = genlmsg_new(v6fix_event_size(), gfp);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &v6fix_genl_family, 0, V6FIX_CMD_EVENT);
	if (!hdr || v6fix_event_fill(skb, ev)) {
		/* The size above is exact: this does not happen. */
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	/* Listeners that cannot keep up lose events (ENOBUFS on their socket). */
	genlmsg_multicast_netns(&v6fix_genl_family, net, skb, 0,
				V6FIX_MCGRP_EVENTS, gfp);
}

/* Count a decision and tell the listeners of the events group. */
void v6fix_record(struct net *net, const struct v6fix_event *ev, gfp_t gfp)
{
	v6fix_stats_inc(v6fix_pernet(net), ev);
	v6fix_scope_count(v6fix_pernet(net), ev);
	v6fix_event_notify(net, ev, gfp);
}
