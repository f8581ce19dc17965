/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scopes (scope.c): settings for the sockets of one cgroup v2 subtree or of
 * one socket mark, in place of their namespace's (uapi/v6fix.h, "Scopes").
 */
#ifndef _V6FIX_SCOPE_H
#define _V6FIX_SCOPE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <net/netlink.h>

#include "policy.h"
#include "uapi/v6fix.h"

struct genl_info;
struct netlink_callback;
struct sk_buff;
struct sock;
struct v6fix_config;
struct v6fix_event;
struct v6fix_net;

/*
 * A namespace's scopes, in its struct v6fix_net. @list holds struct
 * v6fix_scope in id order; @lock (a mutex: dumps sleep in cgroup_path_ns())
 * serialises the writers and the dumps; the packet path reads @list and @nr
 * under RCU only (scope.c explains).
 */
struct v6fix_scopes {
	struct mutex lock;		/* writers and dumps; not the packet path */
	struct list_head list;
	unsigned int nr;
	u32 last_id;
};

/* The settings in force for one socket and family, and where they came from. */
struct v6fix_settings {
	enum v6fix_policy policy;
	int bsd_retries;
	enum v6fix_errqueue errqueue;
	u32 scope_id;			/* the scope that gave the policy; 0: none */
};

/*
 * The settings for @sk's errors of @family: the best matching scope's, each
 * setting a scope does not set from @cfg, the namespace's snapshot.
 */
void v6fix_scope_resolve(struct v6fix_net *vn, const struct v6fix_config *cfg,
			 struct sock *sk, enum v6fix_family family,
			 struct v6fix_settings *st);
/* Count @ev in the counters of the scope that gave its policy, if it is still there. */
void v6fix_scope_count(struct v6fix_net *vn, const struct v6fix_event *ev);

void v6fix_scopes_net_init(struct v6fix_scopes *sc);
void v6fix_scopes_net_exit(struct v6fix_scopes *sc);
void v6fix_scopes_reset_stats(struct v6fix_scopes *sc);
/* At module exit, after the last namespace's exit: wait for the frees. */
void v6fix_scopes_uninit(void);

/* The attributes inside V6FIX_A_SCOPE, for the commands' policies. */
extern const struct nla_policy v6fix_scope_attr_policy[V6FIX_SCOPE_A_MAX + 1];

int v6fix_scope_set(struct sk_buff *skb, struct genl_info *info);
int v6fix_scope_del(struct sk_buff *skb, struct genl_info *info);
int v6fix_scope_flush(struct sk_buff *skb, struct genl_info *info);
int v6fix_scope_dump(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _V6FIX_SCOPE_H */
