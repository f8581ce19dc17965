// SPDX-License-Identifier: GPL-2.0
/*
 * Scopes: the settings of one cgroup v2 subtree's or one socket mark's
 * sockets, in place of the namespace's (uapi/v6fix.h, "Scopes"). The hook
 * asks v6fix_scope_resolve() once it has found the socket an error is for.
 *
 * Matching, when the error arrives:
 *   mark    (READ_ONCE(sk->sk_mark) & mask) == mark
 *   cgroup  the socket's cgroup (sock_cgroup_ptr(), set when the socket was
 *           made: the creating task's cgroup v2) is the scope's cgroup or
 *           below it (cgroup_is_descendant()). Descendants match so that a
 *           scope on a service or a session covers what it starts in
 *           sub-cgroups; the deepest matching scope wins over its ancestors.
 * Each setting comes from the matching scope of the highest rank that sets
 * it: marks above cgroups above the namespace; among marks the one with
 * more mask bits, then the older; among cgroups the deepest (at most one
 * scope per cgroup, and a socket has one ancestor per level).
 *
 * Locking. A namespace's scopes are a list in id order (struct
 * v6fix_scopes). Writers (SET/DEL/FLUSH_SCOPE, the namespace's exit) and
 * dumps hold its mutex; a dump sleeps in cgroup_path_ns(). The hook
 * (softirq) and the deferred work read the list under RCU only:
 * list_add_tail_rcu()/list_del_rcu(), and a removed scope is freed, and its
 * cgroup reference dropped, by call_rcu() after a grace period (css_put()
 * may run there: a cgroup's release is queued to a workqueue).
 * v6fix_scopes_uninit() waits for those callbacks at module exit. A live
 * scope's settings are written with WRITE_ONCE() under the mutex and read
 * with READ_ONCE(), as the namespace's are: no reader needs two of them to
 * agree. Which of them the scope sets is the bitmask @set: a bit is
 * published with smp_store_release() after its value, and read with
 * smp_load_acquire() before it. Counters are atomics. A cgroup scope holds a reference on
 * its cgroup (cgroup_get_from_fd()); a socket holds one on its own, so
 * cgroup_is_descendant() compares two live cgroups.
 *
 * Bounds: V6FIX_SCOPES_MAX per namespace; ids are never reused in it.
 */
#include <linux/bitops.h>
#include <linux/cgroup.h>
#include <linux/nsproxy.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/stringify.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "events.h"
#include "netlink.h"
#include "netns.h"
#include "policy.h"
#include "scope.h"

/*
 * The socket's cgroup is in sk_cgrp_data only with CONFIG_SOCK_CGROUP_DATA
 * (any kernel with cgroup-BPF or net_cls/net_prio: Debian's). Without it a
 * cgroup scope could never match: refuse to build rather than ignore them.
 */
#ifndef CONFIG_SOCK_CGROUP_DATA
#error "v6fix needs CONFIG_SOCK_CGROUP_DATA (a socket's cgroup, for cgroup scopes)"
#endif

/*
 * The settings a scope may set, as bits of v6fix_scope.set; one it does not
 * set comes from the next matching scope, or from the namespace.
 */
enum v6fix_scope_setting {
	V6FIX_SCOPE_POLICY_INET = V6FIX_INET,
	V6FIX_SCOPE_POLICY_INET6 = V6FIX_INET6,
	V6FIX_SCOPE_BSD_RETRIES = V6FIX_FAMILY_NR,
	V6FIX_SCOPE_ERRQUEUE,
};

struct v6fix_scope {
	struct list_head node;		/* on v6fix_scopes.list */
	struct rcu_head rcu;
	u32 id;
	struct cgroup *cgrp;		/* a cgroup scope; NULL: a mark scope */
	u32 mark, mask;
	unsigned long set;		/* BIT(enum v6fix_scope_setting) */
	enum v6fix_policy policy[V6FIX_FAMILY_NR];
	int bsd_retries;
	enum v6fix_errqueue errqueue;
	atomic64_t stats[V6FIX_FAMILY_NR][__V6FIX_ACTION_MAX];
};

const struct nla_policy v6fix_scope_attr_policy[V6FIX_SCOPE_A_MAX + 1] = {
	[V6FIX_SCOPE_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[V6FIX_SCOPE_A_CGROUP_FD] = { .type = NLA_U32 },
	[V6FIX_SCOPE_A_MARK] = { .type = NLA_U32 },
	[V6FIX_SCOPE_A_MARK_MASK] = NLA_POLICY_MIN(NLA_U32, 1),
	[V6FIX_SCOPE_A_POLICY_INET6] = NLA_POLICY_MAX(NLA_U32, V6FIX_POLICY_MAX),
	[V6FIX_SCOPE_A_POLICY_INET] = NLA_POLICY_MAX(NLA_U32, V6FIX_POLICY_MAX),
	[V6FIX_SCOPE_A_BSD_RETRIES] = NLA_POLICY_MAX(NLA_U32, V6FIX_BSD_RETRIES_MAX),
	[V6FIX_SCOPE_A_ERRQUEUE] = NLA_POLICY_MAX(NLA_U32, V6FIX_ERRQUEUE_MAX),
	/* CGROUP_ID, CGROUP_PATH and STATS are replies': unspec, refused. */
};

/* The scope's rank for @sk (see the top of the file); 0 if it does not match. */
static u64 v6fix_scope_rank(const struct v6fix_scope *s, struct sock *sk,
			    struct cgroup *skcg)
{
	u64 low = U32_MAX - s->id;	/* the older first */

	if (!s->cgrp) {
		if ((READ_ONCE(sk->sk_mark) & s->mask) != s->mark)
			return 0;
		return (2ULL << 48) | ((u64)hweight32(s->mask) << 32) | low;
	}
	if (!skcg || !cgroup_is_descendant(skcg, s->cgrp))
		return 0;
	return (1ULL << 48) | ((u64)min(s->cgrp->level, 0xffff) << 32) | low;
}

void v6fix_scope_resolve(struct v6fix_net *vn, const struct v6fix_config *cfg,
			 struct sock *sk, enum v6fix_family family,
			 struct v6fix_settings *st)
{
	u64 rank, best_policy = 0, best_retries = 0, best_errqueue = 0;
	struct cgroup *skcg;
	struct v6fix_scope *s;
	unsigned long set;

	st->policy = cfg->policy[family];
	st->bsd_retries = cfg->bsd_retries;
	st->errqueue = cfg->errqueue;
	st->scope_id = 0;
	if (!READ_ONCE(vn->scopes.nr))
		return;

	skcg = sock_cgroup_ptr(&sk->sk_cgrp_data);
	rcu_read_lock();
	list_for_each_entry_rcu(s, &vn->scopes.list, node) {
		rank = v6fix_scope_rank(s, sk, skcg);
		if (!rank)
			continue;
		/* Pairs with v6fix_scope_apply(): a bit seen, its value seen. */
		set = smp_load_acquire(&s->set);
		if ((set & BIT(family)) && rank > best_policy) {
			best_policy = rank;
			st->policy = READ_ONCE(s->policy[family]);
			st->scope_id = s->id;
		}
		if ((set & BIT(V6FIX_SCOPE_BSD_RETRIES)) && rank > best_retries) {
			best_retries = rank;
			st->bsd_retries = READ_ONCE(s->bsd_retries);
		}
		if ((set & BIT(V6FIX_SCOPE_ERRQUEUE)) && rank > best_errqueue) {
			best_errqueue = rank;
			st->errqueue = READ_ONCE(s->errqueue);
		}
	}
	rcu_read_unlock();
}

void v6fix_scope_count(struct v6fix_net *vn, const struct v6fix_event *ev)
{
	struct v6fix_scope *s;

	if (!ev->scope_id)
		return;
	rcu_read_lock();
	list_for_each_entry_rcu(s, &vn->scopes.list, node) {
		if (s->id == ev->scope_id) {
			atomic64_inc(&s->stats[ev->family][ev->action]);
			break;
		}
	}
	rcu_read_unlock();
}

static void v6fix_scope_free_rcu(struct rcu_head *head)
{
	struct v6fix_scope *s = container_of(head, struct v6fix_scope, rcu);

	if (s->cgrp)
		cgroup_put(s->cgrp);
	kfree(s);
}

/* Take @s off its list and free it after a grace period; the mutex is held. */
static void v6fix_scope_remove(struct v6fix_scopes *sc, struct v6fix_scope *s)
{
	list_del_rcu(&s->node);
	WRITE_ONCE(sc->nr, sc->nr - 1);
	call_rcu(&s->rcu, v6fix_scope_free_rcu);
}

void v6fix_scopes_net_init(struct v6fix_scopes *sc)
{
	mutex_init(&sc->lock);
	INIT_LIST_HEAD(&sc->list);
	sc->nr = 0;
	sc->last_id = 0;
}

/* The namespace goes: its hooks are gone, no request can name it. */
void v6fix_scopes_net_exit(struct v6fix_scopes *sc)
{
	struct v6fix_scope *s, *tmp;

	mutex_lock(&sc->lock);
	list_for_each_entry_safe(s, tmp, &sc->list, node)
		v6fix_scope_remove(sc, s);
	mutex_unlock(&sc->lock);
	mutex_destroy(&sc->lock);
}

void v6fix_scopes_reset_stats(struct v6fix_scopes *sc)
{
	struct v6fix_scope *s;
	int f, a;

	rcu_read_lock();
	list_for_each_entry_rcu(s, &sc->list, node)
		for (f = 0; f < V6FIX_FAMILY_NR; f++)
			for (a = 0; a < __V6FIX_ACTION_MAX; a++)
				atomic64_set(&s->stats[f][a], 0);
	rcu_read_unlock();
}

void v6fix_scopes_uninit(void)
{
	rcu_barrier();
}

/* What a request names: a cgroup (a reference, to put) or a mark and mask. */
struct v6fix_scope_key {
	struct cgroup *cgrp;
	u32 mark, mask;
};

/* Parse V6FIX_A_SCOPE into @tb; -EINVAL with an extack when it is missing. */
static int v6fix_scope_parse(struct genl_info *info,
			     struct nlattr *tb[V6FIX_SCOPE_A_MAX + 1])
{
	if (!info->attrs[V6FIX_A_SCOPE]) {
		NL_SET_ERR_MSG(info->extack, "no scope given (V6FIX_A_SCOPE)");
		return -EINVAL;
	}
	return nla_parse_nested(tb, V6FIX_SCOPE_A_MAX, info->attrs[V6FIX_A_SCOPE],
				v6fix_scope_attr_policy, info->extack);
}

/* The key of a request: exactly one of a cgroup fd and a mark. */
static int v6fix_scope_key_get(struct nlattr **tb, struct netlink_ext_ack *extack,
			       struct v6fix_scope_key *key)
{
	struct nlattr *fd = tb[V6FIX_SCOPE_A_CGROUP_FD];
	struct nlattr *mark = tb[V6FIX_SCOPE_A_MARK];
	struct nlattr *mask = tb[V6FIX_SCOPE_A_MARK_MASK];

	key->cgrp = NULL;
	if (!fd == !mark) {
		NL_SET_ERR_MSG(extack,
			       "a scope is one cgroup (V6FIX_SCOPE_A_CGROUP_FD) or one mark (V6FIX_SCOPE_A_MARK)");
		return -EINVAL;
	}
	if (mask && !mark) {
		NL_SET_ERR_MSG_ATTR(extack, mask, "a mask without a mark");
		return -EINVAL;
	}
	if (mark) {
		key->mark = nla_get_u32(mark);
		key->mask = mask ? nla_get_u32(mask) : U32_MAX;
		if (key->mark & ~key->mask) {
			NL_SET_ERR_MSG_ATTR(extack, mark,
					    "the mark has bits outside the mask: it never matches");
			return -EINVAL;
		}
		return 0;
	}
	if (nla_get_u32(fd) > INT_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, fd, "not a file descriptor");
		return -EBADF;
	}
	key->cgrp = cgroup_get_from_fd(nla_get_u32(fd));
	if (IS_ERR(key->cgrp)) {
		int err = PTR_ERR(key->cgrp);

		key->cgrp = NULL;
		NL_SET_ERR_MSG_ATTR(extack, fd, "not an open directory of a live cgroup v2");
		return err;
	}
	return 0;
}

/* The scope with @key, or NULL; the mutex is held. */
static struct v6fix_scope *v6fix_scope_find(struct v6fix_scopes *sc,
					    const struct v6fix_scope_key *key)
{
	struct v6fix_scope *s;

	list_for_each_entry(s, &sc->list, node) {
		if (key->cgrp ? s->cgrp == key->cgrp :
		    !s->cgrp && s->mark == key->mark && s->mask == key->mask)
			return s;
	}
	return NULL;
}

/* The settings attributes, in the order of struct v6fix_scope's fields. */
static const int v6fix_scope_setting_attrs[] = {
	V6FIX_SCOPE_A_POLICY_INET6, V6FIX_SCOPE_A_POLICY_INET,
	V6FIX_SCOPE_A_BSD_RETRIES, V6FIX_SCOPE_A_ERRQUEUE,
};

static bool v6fix_scope_has_settings(struct nlattr **tb)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(v6fix_scope_setting_attrs); i++)
		if (tb[v6fix_scope_setting_attrs[i]])
			return true;
	return false;
}

/*
 * Write the given settings into @s (the policies checked every value), then
 * publish which are set: a reader that sees a bit sees its value.
 */
static void v6fix_scope_apply(struct v6fix_scope *s, struct nlattr **tb)
{
	unsigned long set = s->set;

	if (tb[V6FIX_SCOPE_A_POLICY_INET6]) {
		WRITE_ONCE(s->policy[V6FIX_INET6],
			   nla_get_u32(tb[V6FIX_SCOPE_A_POLICY_INET6]));
		set |= BIT(V6FIX_SCOPE_POLICY_INET6);
	}
	if (tb[V6FIX_SCOPE_A_POLICY_INET]) {
		WRITE_ONCE(s->policy[V6FIX_INET],
			   nla_get_u32(tb[V6FIX_SCOPE_A_POLICY_INET]));
		set |= BIT(V6FIX_SCOPE_POLICY_INET);
	}
	if (tb[V6FIX_SCOPE_A_BSD_RETRIES]) {
		WRITE_ONCE(s->bsd_retries, nla_get_u32(tb[V6FIX_SCOPE_A_BSD_RETRIES]));
		set |= BIT(V6FIX_SCOPE_BSD_RETRIES);
	}
	if (tb[V6FIX_SCOPE_A_ERRQUEUE]) {
		WRITE_ONCE(s->errqueue, nla_get_u32(tb[V6FIX_SCOPE_A_ERRQUEUE]));
		set |= BIT(V6FIX_SCOPE_ERRQUEUE);
	}
	/* Pairs with v6fix_scope_resolve(): the values before their bits. */
	smp_store_release(&s->set, set);
}

int v6fix_scope_set(struct sk_buff *skb, struct genl_info *info)
{
	struct v6fix_scopes *sc = &v6fix_pernet(genl_info_net(info))->scopes;
	struct nlattr *tb[V6FIX_SCOPE_A_MAX + 1];
	struct v6fix_scope_key key;
	struct v6fix_scope *s, *new;
	int ret;

	ret = v6fix_scope_parse(info, tb);
	if (ret)
		return ret;
	if (tb[V6FIX_SCOPE_A_ID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[V6FIX_SCOPE_A_ID],
				    "set names a scope by its cgroup or mark, not by id");
		return -EINVAL;
	}
	if (!v6fix_scope_has_settings(tb)) {
		NL_SET_ERR_MSG(info->extack, "no setting given");
		return -EINVAL;
	}
	ret = v6fix_scope_key_get(tb, info->extack, &key);
	if (ret)
		return ret;

	/* Everything that can fail is done before anything changes. */
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new) {
		ret = -ENOMEM;
		goto out_put;
	}
	new->cgrp = key.cgrp;
	new->mark = key.mark;
	new->mask = key.mask;

	mutex_lock(&sc->lock);
	s = v6fix_scope_find(sc, &key);
	if (s) {
		v6fix_scope_apply(s, tb);
		mutex_unlock(&sc->lock);
		kfree(new);
		goto out_put;	/* the scope holds its own reference */
	}
	if (sc->nr >= V6FIX_SCOPES_MAX || sc->last_id == U32_MAX) {
		mutex_unlock(&sc->lock);
		kfree(new);
		NL_SET_ERR_MSG(info->extack, "this namespace has "
			       __stringify(V6FIX_SCOPES_MAX) " scopes, the most it may have");
		ret = -ENOSPC;
		goto out_put;
	}
	new->id = ++sc->last_id;
	v6fix_scope_apply(new, tb);
	list_add_tail_rcu(&new->node, &sc->list);
	WRITE_ONCE(sc->nr, sc->nr + 1);
	mutex_unlock(&sc->lock);
	return 0;

out_put:
	if (key.cgrp)
		cgroup_put(key.cgrp);
	return ret;
}

int v6fix_scope_del(struct sk_buff *skb, struct genl_info *info)
{
	struct v6fix_scopes *sc = &v6fix_pernet(genl_info_net(info))->scopes;
	struct nlattr *tb[V6FIX_SCOPE_A_MAX + 1];
	struct v6fix_scope_key key = { };
	struct v6fix_scope *s = NULL, *pos;
	u32 id = 0;
	int ret;

	ret = v6fix_scope_parse(info, tb);
	if (ret)
		return ret;
	if (v6fix_scope_has_settings(tb)) {
		NL_SET_ERR_MSG(info->extack, "del takes a scope, no settings");
		return -EINVAL;
	}
	if (tb[V6FIX_SCOPE_A_ID]) {
		if (tb[V6FIX_SCOPE_A_CGROUP_FD] || tb[V6FIX_SCOPE_A_MARK] ||
		    tb[V6FIX_SCOPE_A_MARK_MASK]) {
			NL_SET_ERR_MSG(info->extack, "an id names the scope alone");
			return -EINVAL;
		}
		id = nla_get_u32(tb[V6FIX_SCOPE_A_ID]);
	} else {
		ret = v6fix_scope_key_get(tb, info->extack, &key);
		if (ret)
			return ret;
	}

	mutex_lock(&sc->lock);
	if (id) {
		list_for_each_entry(pos, &sc->list, node) {
			if (pos->id == id) {
				s = pos;
				break;
			}
		}
	} else {
		s = v6fix_scope_find(sc, &key);
	}
	if (s)
		v6fix_scope_remove(sc, s);
	mutex_unlock(&sc->lock);
	if (key.cgrp)
		cgroup_put(key.cgrp);
	if (!s) {
		NL_SET_ERR_MSG(info->extack, "no such scope in this namespace");
		return -ENOENT;
	}
	return 0;
}

int v6fix_scope_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct v6fix_scopes *sc = &v6fix_pernet(genl_info_net(info))->scopes;
	struct v6fix_scope *s, *tmp;

	mutex_lock(&sc->lock);
	list_for_each_entry_safe(s, tmp, &sc->list, node)
		v6fix_scope_remove(sc, s);
	mutex_unlock(&sc->lock);
	return 0;
}

static const u8 v6fix_scope_af[V6FIX_FAMILY_NR] = {
	[V6FIX_INET] = AF_INET,
	[V6FIX_INET6] = AF_INET6,
};

/* V6FIX_A_SCOPE of one scope; @path is a PATH_MAX buffer. */
static int v6fix_scope_fill(struct sk_buff *skb, const struct v6fix_scope *s,
			    char *path)
{
	struct nlattr *nest, *stats, *entry;
	int f, a, len;
	u64 n;

	nest = nla_nest_start(skb, V6FIX_A_SCOPE);
	if (!nest || nla_put_u32(skb, V6FIX_SCOPE_A_ID, s->id))
		return -EMSGSIZE;
	if (s->cgrp) {
		/* As the requester's cgroup namespace sees it. */
		len = cgroup_path_ns(s->cgrp, path, PATH_MAX,
				     current->nsproxy->cgroup_ns);
		if (len < 0 || len >= PATH_MAX)
			strscpy(path, "?", PATH_MAX);
		if (nla_put_u64_64bit(skb, V6FIX_SCOPE_A_CGROUP_ID, cgroup_id(s->cgrp),
				      V6FIX_SCOPE_A_PAD) ||
		    nla_put_string(skb, V6FIX_SCOPE_A_CGROUP_PATH, path))
			return -EMSGSIZE;
	} else if (nla_put_u32(skb, V6FIX_SCOPE_A_MARK, s->mark) ||
		   nla_put_u32(skb, V6FIX_SCOPE_A_MARK_MASK, s->mask)) {
		return -EMSGSIZE;
	}
	/* The mutex is held: the settings cannot change meanwhile. */
	if (((s->set & BIT(V6FIX_SCOPE_POLICY_INET6)) &&
	     nla_put_u32(skb, V6FIX_SCOPE_A_POLICY_INET6, s->policy[V6FIX_INET6])) ||
	    ((s->set & BIT(V6FIX_SCOPE_POLICY_INET)) &&
	     nla_put_u32(skb, V6FIX_SCOPE_A_POLICY_INET, s->policy[V6FIX_INET])) ||
	    ((s->set & BIT(V6FIX_SCOPE_BSD_RETRIES)) &&
	     nla_put_u32(skb, V6FIX_SCOPE_A_BSD_RETRIES, s->bsd_retries)) ||
	    ((s->set & BIT(V6FIX_SCOPE_ERRQUEUE)) &&
	     nla_put_u32(skb, V6FIX_SCOPE_A_ERRQUEUE, s->errqueue)))
		return -EMSGSIZE;

	stats = nla_nest_start(skb, V6FIX_SCOPE_A_STATS);
	if (!stats)
		return -EMSGSIZE;
	for (f = 0; f < V6FIX_FAMILY_NR; f++) {
		for (a = 0; a < __V6FIX_ACTION_MAX; a++) {
			n = atomic64_read(&s->stats[f][a]);
			if (!n)
				continue;
			entry = nla_nest_start(skb, V6FIX_STATS_ENTRY);
			if (!entry ||
			    nla_put_u8(skb, V6FIX_STAT_A_FAMILY, v6fix_scope_af[f]) ||
			    nla_put_u32(skb, V6FIX_STAT_A_ACTION, a) ||
			    nla_put_u64_64bit(skb, V6FIX_STAT_A_COUNT, n, V6FIX_STAT_A_PAD))
				return -EMSGSIZE;
			nla_nest_end(skb, entry);
		}
	}
	nla_nest_end(skb, stats);
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One V6FIX_CMD_GET_SCOPE message per scope, in id order; cb->args[0] is the
 * last id sent, so scopes added or removed between two parts of a dump are
 * neither repeated nor skipped (but for those removed).
 */
int v6fix_scope_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct v6fix_scopes *sc = &v6fix_pernet(net)->scopes;
	struct v6fix_scope *s;
	int sent = 0, ret = 0;
	char *path;
	void *hdr;

	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	mutex_lock(&sc->lock);
	list_for_each_entry(s, &sc->list, node) {
		if (s->id <= cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &v6fix_genl_family, NLM_F_MULTI, V6FIX_CMD_GET_SCOPE);
		if (!hdr ||
		    nla_put_u32(skb, V6FIX_A_NETNS_INUM, net->ns.inum) ||
		    v6fix_scope_fill(skb, s, path)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			/* Not even one fits: say so rather than loop. */
			if (!sent)
				ret = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = s->id;
		sent++;
	}
	mutex_unlock(&sc->lock);
	kfree(path);
	return ret ? ret : skb->len;
}
