/* SPDX-License-Identifier: GPL-2.0 */
/* Per-network-namespace state (netns.c). */
#ifndef _V6FIX_NETNS_H
#define _V6FIX_NETNS_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "policy.h"
#include "scope.h"

struct ctl_table_header;

/* A namespace's settings, read and changed as one (v6fix_config_get()). */
struct v6fix_config {
	enum v6fix_policy policy[V6FIX_FAMILY_NR];
	int bsd_retries;
	enum v6fix_errqueue errqueue;
};

/*
 * Allocated by the pernet core (net_generic). The settings are written by
 * sysctl and netlink (process context) inside config_lock's write section,
 * BHs off, so that a SET_CONFIG of several values is one change; the packet
 * path reads them locklessly as one snapshot (v6fix_config_get()), retrying
 * if a write came in between, and never sees half of a change. A single
 * setting may also be read alone with READ_ONCE(). The counters are
 * atomics: soft errors are rare, and a reader sums nothing.
 */
struct v6fix_net {
	seqlock_t config_lock;
	struct v6fix_config config;
	struct ctl_table_header *sysctl_hdr;
	/* Pending deferred aborts (abort.c), under deferred_lock. */
	spinlock_t deferred_lock;
	struct list_head deferred;
	unsigned int deferred_nr;
	bool dying;
	struct v6fix_scopes scopes;	/* scope.c */
	atomic64_t stats[V6FIX_FAMILY_NR][V6FIX_SLOT_NR][__V6FIX_ACTION_MAX];
};

extern unsigned int v6fix_net_id;

static inline struct v6fix_net *v6fix_pernet(const struct net *net)
{
	return net_generic(net, v6fix_net_id);
}

/* Every setting of @vn as of one moment; any context. */
static inline void v6fix_config_get(struct v6fix_net *vn,
				    struct v6fix_config *cfg)
{
	unsigned int seq;

	do {
		seq = read_seqbegin(&vn->config_lock);
		*cfg = vn->config;
	} while (read_seqretry(&vn->config_lock, seq));
}

int v6fix_netns_init(void);
void v6fix_netns_uninit(void);

#endif /* _V6FIX_NETNS_H */
