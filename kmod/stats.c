// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace counters of soft errors, by family, ICMP type/code (a slot,
 * see policy.c) and action; and their netlink form (uapi/v6fix.h,
 * V6FIX_CMD_GET_STATS).
 */
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "events.h"
#include "netns.h"
#include "stats.h"

void v6fix_stats_inc(struct v6fix_net *vn, const struct v6fix_event *ev)
{
	atomic64_inc(&vn->stats[ev->family][ev->slot][ev->action]);
}

void v6fix_stats_reset(struct v6fix_net *vn)
{
	int f, s, a;

	for (f = 0; f < V6FIX_FAMILY_NR; f++)
		for (s = 0; s < V6FIX_SLOT_NR; s++)
			for (a = 0; a < __V6FIX_ACTION_MAX; a++)
				atomic64_set(&vn->stats[f][s][a], 0);
}

static size_t v6fix_stats_entry_size(void)
{
	return nla_total_size(0) +			/* V6FIX_STATS_ENTRY */
	       nla_total_size(sizeof(u8)) +		/* FAMILY */
	       nla_total_size(sizeof(u8)) +		/* ICMP_TYPE */
	       nla_total_size(sizeof(u8)) +		/* ICMP_CODE */
	       nla_total_size(sizeof(u32)) +		/* ACTION */
	       nla_total_size_64bit(sizeof(u64));	/* COUNT */
}

/* Room for V6FIX_A_STATS with every counter non-zero. */
size_t v6fix_stats_size(void)
{
	return nla_total_size(0) + V6FIX_FAMILY_NR * V6FIX_SLOT_NR *
	       __V6FIX_ACTION_MAX * v6fix_stats_entry_size();
}

static const u8 v6fix_af[V6FIX_FAMILY_NR] = {
	[V6FIX_INET] = AF_INET,
	[V6FIX_INET6] = AF_INET6,
};

/* V6FIX_A_STATS, with the counters that are not zero. */
int v6fix_stats_fill(struct sk_buff *skb, struct v6fix_net *vn)
{
	struct nlattr *nest, *entry;
	int f, s, a;
	u8 type, code;
	u64 n;

	nest = nla_nest_start(skb, V6FIX_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (f = 0; f < V6FIX_FAMILY_NR; f++) {
		for (s = 0; s < v6fix_slot_count(f); s++) {
			v6fix_slot_type_code(f, s, &type, &code);
			for (a = 0; a < __V6FIX_ACTION_MAX; a++) {
				n = atomic64_read(&vn->stats[f][s][a]);
				if (!n)
					continue;
				entry = nla_nest_start(skb, V6FIX_STATS_ENTRY);
				if (!entry ||
				    nla_put_u8(skb, V6FIX_STAT_A_FAMILY, v6fix_af[f]) ||
				    nla_put_u8(skb, V6FIX_STAT_A_ICMP_TYPE, type) ||
				    nla_put_u8(skb, V6FIX_STAT_A_ICMP_CODE, code) ||
				    nla_put_u32(skb, V6FIX_STAT_A_ACTION, a) ||
				    nla_put_u64_64bit(skb, V6FIX_STAT_A_COUNT, n,
						      V6FIX_STAT_A_PAD))
					goto err;
				nla_nest_end(skb, entry);
			}
		}
	}
	nla_nest_end(skb, nest);
	return 0;

err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}
