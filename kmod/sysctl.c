// SPDX-License-Identifier: GPL-2.0
/*
 * net.v6fix.* sysctls, one directory per network namespace. Each namespace
 * gets its own copy of the table pointing at its own struct v6fix_net, so the
 * sysctl files and the netlink family read and write the same ints.
 */
#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "netns.h"
#include "policy.h"
#include "sysctl.h"

/* The longest policy name plus a newline and the NUL. */
#define V6FIX_POLICY_NAME_LEN 16

/*
 * A write needs CAP_NET_ADMIN over the namespace (extra1 of each copy), as
 * a change through the netlink family does (GENL_UNS_ADMIN_PERM). The
 * sysctl core alone lets the uid that is root of the netns's owner write
 * any net.* sysctl, even from a user namespace that does not own the netns
 * and has no capability over it (net_ctl_permissions()).
 */
static bool v6fix_sysctl_may_write(const struct ctl_table *ctl)
{
	const struct net *net = ctl->extra1;

	return ns_capable(net->user_ns, CAP_NET_ADMIN);
}

/* A write is a change of the namespace's settings like any other (netns.h). */
static struct v6fix_net *v6fix_sysctl_vn(const struct ctl_table *ctl)
{
	return v6fix_pernet(ctl->extra1);
}

/*
 * Policies read and write as names, like net.ipv4.tcp_congestion_control.
 * proc_dostring() does the user copy into a bounce buffer; only a valid name
 * is stored.
 */
static int v6fix_proc_policy(const struct ctl_table *ctl, int write, void *buffer,
			     size_t *lenp, loff_t *ppos)
{
	enum v6fix_policy *policy = ctl->data;
	char name[V6FIX_POLICY_NAME_LEN];
	struct ctl_table tbl = {
		.data = name,
		.maxlen = sizeof(name),
	};
	int ret, p;

	if (write && !v6fix_sysctl_may_write(ctl))
		return -EPERM;
	strscpy(name, v6fix_policy_name(READ_ONCE(*policy)), sizeof(name));
	ret = proc_dostring(&tbl, write, buffer, lenp, ppos);
	if (!write || ret)
		return ret;

	p = v6fix_policy_parse(name);
	if (p < 0)
		return p;
	write_seqlock_bh(&v6fix_sysctl_vn(ctl)->config_lock);
	WRITE_ONCE(*policy, p);
	write_sequnlock_bh(&v6fix_sysctl_vn(ctl)->config_lock);
	return 0;
}

/* net.v6fix.softerr_errqueue: "stock" or "recverr", as names too. */
static int v6fix_proc_errqueue(const struct ctl_table *ctl, int write, void *buffer,
			       size_t *lenp, loff_t *ppos)
{
	enum v6fix_errqueue *errqueue = ctl->data;
	char name[V6FIX_POLICY_NAME_LEN];
	struct ctl_table tbl = {
		.data = name,
		.maxlen = sizeof(name),
	};
	int ret, e;

	if (write && !v6fix_sysctl_may_write(ctl))
		return -EPERM;
	strscpy(name, v6fix_errqueue_name(READ_ONCE(*errqueue)), sizeof(name));
	ret = proc_dostring(&tbl, write, buffer, lenp, ppos);
	if (!write || ret)
		return ret;

	e = v6fix_errqueue_parse(name);
	if (e < 0)
		return e;
	write_seqlock_bh(&v6fix_sysctl_vn(ctl)->config_lock);
	WRITE_ONCE(*errqueue, e);
	write_sequnlock_bh(&v6fix_sysctl_vn(ctl)->config_lock);
	return 0;
}

static int v6fix_bsd_retries_max = V6FIX_BSD_RETRIES_MAX;

static int v6fix_proc_bsd_retries(const struct ctl_table *ctl, int write, void *buffer,
				  size_t *lenp, loff_t *ppos)
{
	int *retries = ctl->data;
	int n = READ_ONCE(*retries);
	struct ctl_table tbl = {
		.data = &n,
		.maxlen = sizeof(n),
		.extra1 = SYSCTL_ZERO,
		.extra2 = &v6fix_bsd_retries_max,
	};
	int ret;

	if (write && !v6fix_sysctl_may_write(ctl))
		return -EPERM;
	ret = proc_dointvec_minmax(&tbl, write, buffer, lenp, ppos);
	if (!write || ret)
		return ret;

	write_seqlock_bh(&v6fix_sysctl_vn(ctl)->config_lock);
	WRITE_ONCE(*retries, n);
	write_sequnlock_bh(&v6fix_sysctl_vn(ctl)->config_lock);
	return 0;
}

/* Indexes into the template, used to point each copy at its namespace. */
enum {
	V6FIX_SYSCTL_POLICY6,
	V6FIX_SYSCTL_POLICY4,
	V6FIX_SYSCTL_BSD_RETRIES,
	V6FIX_SYSCTL_ERRQUEUE,
	V6FIX_SYSCTL_NR
};

/* The handlers in the form the table takes before 6.11 (compat.h). */
V6FIX_PROC_HANDLER_COMPAT(v6fix_proc_policy);
V6FIX_PROC_HANDLER_COMPAT(v6fix_proc_errqueue);
V6FIX_PROC_HANDLER_COMPAT(v6fix_proc_bsd_retries);

static struct ctl_table v6fix_sysctl_template[] = {
	[V6FIX_SYSCTL_POLICY6] = {
		.procname = "softerr_policy",
		.maxlen = V6FIX_POLICY_NAME_LEN,
		.mode = 0644,
		.proc_handler = V6FIX_PROC_HANDLER(v6fix_proc_policy),
	},
	[V6FIX_SYSCTL_POLICY4] = {
		.procname = "softerr_policy_v4",
		.maxlen = V6FIX_POLICY_NAME_LEN,
		.mode = 0644,
		.proc_handler = V6FIX_PROC_HANDLER(v6fix_proc_policy),
	},
	[V6FIX_SYSCTL_BSD_RETRIES] = {
		.procname = "softerr_bsd_retries",
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = V6FIX_PROC_HANDLER(v6fix_proc_bsd_retries),
	},
	[V6FIX_SYSCTL_ERRQUEUE] = {
		.procname = "softerr_errqueue",
		.maxlen = V6FIX_POLICY_NAME_LEN,
		.mode = 0644,
		.proc_handler = V6FIX_PROC_HANDLER(v6fix_proc_errqueue),
	},
	{ }
};

int v6fix_sysctl_register(struct net *net, struct v6fix_net *vn)
{
	struct ctl_table *table;

	table = kmemdup(v6fix_sysctl_template, sizeof(v6fix_sysctl_template),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;

	table[V6FIX_SYSCTL_POLICY6].data = &vn->config.policy[V6FIX_INET6];
	table[V6FIX_SYSCTL_POLICY4].data = &vn->config.policy[V6FIX_INET];
	table[V6FIX_SYSCTL_BSD_RETRIES].data = &vn->config.bsd_retries;
	table[V6FIX_SYSCTL_ERRQUEUE].data = &vn->config.errqueue;
	/* The table lives no longer than the namespace: no reference. */
	for (int i = 0; i < V6FIX_SYSCTL_NR; i++)
		table[i].extra1 = net;

	vn->sysctl_hdr = register_net_sysctl_sz(net, "net/v6fix", table,
						V6FIX_SYSCTL_NR);
	if (!vn->sysctl_hdr) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

void v6fix_sysctl_unregister(struct v6fix_net *vn)
{
	const struct ctl_table *table = vn->sysctl_hdr->ctl_table_arg;

	unregister_net_sysctl_table(vn->sysctl_hdr);
	kfree(table);
}
