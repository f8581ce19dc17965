// SPDX-License-Identifier: GPL-2.0
/*
 * Per-network-namespace state. The pernet core allocates struct v6fix_net
 * for every namespace, existing ones included, when the module registers,
 * and frees it after the exit hook; this file fills it in and registers the
 * namespace's sysctls.
 */
#include <linux/module.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "abort.h"
#include "netns.h"
#include "scope.h"
#include "sysctl.h"

unsigned int v6fix_net_id __read_mostly;

static int __net_init v6fix_net_init(struct net *net)
{
	struct v6fix_net *vn = v6fix_pernet(net);
	int i;

	/* A namespace starts from the module parameters of the moment. */
	seqlock_init(&vn->config_lock);
	for (i = 0; i < V6FIX_FAMILY_NR; i++)
		vn->config.policy[i] = READ_ONCE(v6fix_default_policy[i]);
	vn->config.bsd_retries = READ_ONCE(v6fix_default_bsd_retries);
	vn->config.errqueue = V6FIX_ERRQUEUE_STOCK;
	v6fix_defer_net_init(vn);
	v6fix_scopes_net_init(&vn->scopes);

	return v6fix_sysctl_register(net, vn);
}

static void __net_exit v6fix_net_exit(struct net *net)
{
	v6fix_sysctl_unregister(v6fix_pernet(net));
	v6fix_scopes_net_exit(&v6fix_pernet(net)->scopes);
}

static struct pernet_operations v6fix_net_ops = {
	.init = v6fix_net_init,
	.exit = v6fix_net_exit,
	.id = &v6fix_net_id,
	.size = sizeof(struct v6fix_net),
};

int v6fix_netns_init(void)
{
	return register_pernet_subsys(&v6fix_net_ops);
}

void v6fix_netns_uninit(void)
{
	unregister_pernet_subsys(&v6fix_net_ops);
}
