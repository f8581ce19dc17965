/* SPDX-License-Identifier: GPL-2.0 */
/* Per-namespace counters of decisions, and their netlink form (stats.c). */
#ifndef _V6FIX_STATS_H
#define _V6FIX_STATS_H

#include <linux/types.h>

struct sk_buff;
struct v6fix_event;
struct v6fix_net;

void v6fix_stats_inc(struct v6fix_net *vn, const struct v6fix_event *ev);
int v6fix_stats_fill(struct sk_buff *skb, struct v6fix_net *vn);
size_t v6fix_stats_size(void);
void v6fix_stats_reset(struct v6fix_net *vn);

#endif /* _V6FIX_STATS_H */
