// SPDX-License-Identifier: GPL-2.0
/*
 * The "v6fix" generic netlink family: see uapi/v6fix.h for the protocol.
 * Every command has a policy: SET_CONFIG's names its settings, the others
 * share one that admits no attribute. The core validates strictly
 * (NL_VALIDATE_STRICT), because no op sets .validate, which a family with
 * .resv_start_op 0 may not do: an unknown or unlisted attribute, a wrong
 * length or trailing data is an error with an extack message. Commands that
 * change state need CAP_NET_ADMIN over the namespace (GENL_UNS_ADMIN_PERM).
 * The family is netns-aware: a request acts on the namespace of the socket
 * that sent it.
 */
#include <linux/module.h>
#include <linux/proc_ns.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "compat.h"
#include "events.h"
#include "netlink.h"
#include "netns.h"
#include "scope.h"
#include "stats.h"

/*
 * GET_CONFIG and the stats commands take no attributes: an all-unspec
 * policy rejects any it is given.
 */
static const struct nla_policy v6fix_no_attrs_policy[V6FIX_A_MAX + 1] = {
};

static const struct nla_policy v6fix_set_config_policy[V6FIX_A_MAX + 1] = {
	[V6FIX_A_POLICY_INET6] = NLA_POLICY_MAX(NLA_U32, V6FIX_POLICY_MAX),
	[V6FIX_A_POLICY_INET] = NLA_POLICY_MAX(NLA_U32, V6FIX_POLICY_MAX),
	[V6FIX_A_BSD_RETRIES] = NLA_POLICY_MAX(NLA_U32, V6FIX_BSD_RETRIES_MAX),
	[V6FIX_A_ERRQUEUE] = NLA_POLICY_MAX(NLA_U32, V6FIX_ERRQUEUE_MAX),
};

/* The scope commands take V6FIX_A_SCOPE (a dump takes nothing). */
static const struct nla_policy v6fix_scope_policy[V6FIX_A_MAX + 1] = {
	[V6FIX_A_SCOPE] = NLA_POLICY_NESTED(v6fix_scope_attr_policy),
};

static int v6fix_fill_config(struct sk_buff *skb, struct net *net)
{
	struct v6fix_config cfg;

	v6fix_config_get(v6fix_pernet(net), &cfg);
	if (nla_put_string(skb, V6FIX_A_VERSION, V6FIX_VERSION) ||
	    nla_put_u32(skb, V6FIX_A_NETNS_INUM, net->ns.inum) ||
	    nla_put_u32(skb, V6FIX_A_POLICY_INET6, cfg.policy[V6FIX_INET6]) ||
	    nla_put_u32(skb, V6FIX_A_POLICY_INET, cfg.policy[V6FIX_INET]) ||
	    nla_put_u32(skb, V6FIX_A_BSD_RETRIES, cfg.bsd_retries) ||
	    nla_put_u32(skb, V6FIX_A_ERRQUEUE, cfg.errqueue))
		return -EMSGSIZE;
	return 0;
}

/*
 * Answer @info with one @cmd message of at most @size bytes of attributes,
 * filled by @fill for the requester's namespace.
 */
static int v6fix_reply(struct genl_info *info, u8 cmd, size_t size,
		       int (*fill)(struct sk_buff *msg, struct net *net))
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &v6fix_genl_family, 0, cmd);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	ret = fill(msg, genl_info_net(info));
	if (ret)
		goto err_free;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

static int v6fix_get_config(struct sk_buff *skb, struct genl_info *info)
{
	return v6fix_reply(info, V6FIX_CMD_GET_CONFIG, NLMSG_GOODSIZE, v6fix_fill_config);
}

/*
 * SET_CONFIG is all or none, in two steps. First every attribute is checked:
 * the core has done it against v6fix_set_config_policy before we are called
 * (a value out of range fails the request with an extack naming that
 * attribute, before anything is applied), and here what needs the request
 * as a whole. Then one write section of config_lock applies them together:
 * a reader (the packet path, GET_CONFIG, a sysctl read) sees the settings
 * before the request or after it, never some of it. Nothing in the second
 * step can fail.
 */
static int v6fix_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct v6fix_net *vn = v6fix_pernet(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	struct v6fix_config *cfg = &vn->config;

	if (!attrs[V6FIX_A_POLICY_INET6] && !attrs[V6FIX_A_POLICY_INET] &&
	    !attrs[V6FIX_A_BSD_RETRIES] && !attrs[V6FIX_A_ERRQUEUE]) {
		NL_SET_ERR_MSG(info->extack, "no setting given");
		return -EINVAL;
	}

	write_seqlock_bh(&vn->config_lock);
	if (attrs[V6FIX_A_POLICY_INET6])
		WRITE_ONCE(cfg->policy[V6FIX_INET6],
			   nla_get_u32(attrs[V6FIX_A_POLICY_INET6]));
	if (attrs[V6FIX_A_POLICY_INET])
		WRITE_ONCE(cfg->policy[V6FIX_INET],
			   nla_get_u32(attrs[V6FIX_A_POLICY_INET]));
	if (attrs[V6FIX_A_BSD_RETRIES])
		WRITE_ONCE(cfg->bsd_retries,
			   nla_get_u32(attrs[V6FIX_A_BSD_RETRIES]));
	if (attrs[V6FIX_A_ERRQUEUE])
		WRITE_ONCE(cfg->errqueue, nla_get_u32(attrs[V6FIX_A_ERRQUEUE]));
	write_sequnlock_bh(&vn->config_lock);
	return 0;
}

static int v6fix_fill_stats(struct sk_buff *msg, struct net *net)
{
	if (nla_put_u32(msg, V6FIX_A_NETNS_INUM, net->ns.inum))
		return -EMSGSIZE;
	return v6fix_stats_fill(msg, v6fix_pernet(net));
}

static int v6fix_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	return v6fix_reply(info, V6FIX_CMD_GET_STATS,
			   nla_total_size(sizeof(u32)) + v6fix_stats_size(),
			   v6fix_fill_stats);
}

static int v6fix_reset_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct v6fix_net *vn = v6fix_pernet(genl_info_net(info));

	v6fix_stats_reset(vn);
	v6fix_scopes_reset_stats(&vn->scopes);
	return 0;
}

static const struct genl_ops v6fix_genl_ops[] = {
	{
		.cmd = V6FIX_CMD_GET_CONFIG,
		.doit = v6fix_get_config,
		.policy = v6fix_no_attrs_policy,
		.maxattr = ARRAY_SIZE(v6fix_no_attrs_policy) - 1,
	},
	{
		.cmd = V6FIX_CMD_SET_CONFIG,
		.doit = v6fix_set_config,
		.policy = v6fix_set_config_policy,
		.maxattr = ARRAY_SIZE(v6fix_set_config_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = V6FIX_CMD_GET_STATS,
		.doit = v6fix_get_stats,
		.policy = v6fix_no_attrs_policy,
		.maxattr = ARRAY_SIZE(v6fix_no_attrs_policy) - 1,
	},
	{
		.cmd = V6FIX_CMD_RESET_STATS,
		.doit = v6fix_reset_stats,
		.policy = v6fix_no_attrs_policy,
		.maxattr = ARRAY_SIZE(v6fix_no_attrs_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = V6FIX_CMD_SET_SCOPE,
		.doit = v6fix_scope_set,
		.policy = v6fix_scope_policy,
		.maxattr = ARRAY_SIZE(v6fix_scope_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = V6FIX_CMD_DEL_SCOPE,
		.doit = v6fix_scope_del,
		.policy = v6fix_scope_policy,
		.maxattr = ARRAY_SIZE(v6fix_scope_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = V6FIX_CMD_FLUSH_SCOPES,
		.doit = v6fix_scope_flush,
		.policy = v6fix_no_attrs_policy,
		.maxattr = ARRAY_SIZE(v6fix_no_attrs_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = V6FIX_CMD_GET_SCOPE,
		.dumpit = v6fix_scope_dump,
		.policy = v6fix_no_attrs_policy,
		.maxattr = ARRAY_SIZE(v6fix_no_attrs_policy) - 1,
	},
};

/*
 * Events name connections (addresses, ports) of the namespace: listening
 * needs CAP_NET_ADMIN over it (compat.h refuses to build without the check).
 */
static const struct genl_multicast_group v6fix_mcgrps[] = {
	[V6FIX_MCGRP_EVENTS] = {
		.name = V6FIX_MCGRP_EVENTS_NAME,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family v6fix_genl_family __ro_after_init = {
	.name = V6FIX_GENL_NAME,
	.version = V6FIX_GENL_VERSION,
	.module = THIS_MODULE,
	.netnsok = true,
	.ops = v6fix_genl_ops,
	.n_ops = ARRAY_SIZE(v6fix_genl_ops),
	.mcgrps = v6fix_mcgrps,
	.n_mcgrps = ARRAY_SIZE(v6fix_mcgrps),
	/*
	 * .resv_start_op stays 0, as for every new family: the core then
	 * checks the reserved header field of every command, rejects
	 * attributes of a command without a policy and forbids the .validate
	 * flags that would make validation liberal.
	 */
};

int __init v6fix_genl_init(void)
{
	return genl_register_family(&v6fix_genl_family);
}

void v6fix_genl_uninit(void)
{
	genl_unregister_family(&v6fix_genl_family);
}

MODULE_ALIAS_GENL_FAMILY(V6FIX_GENL_NAME);
