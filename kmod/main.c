// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix.ko: makes TCP's reaction to ICMP/ICMPv6 soft errors in SYN-SENT a
 * per-network-namespace policy. This file only brings the parts up and down:
 * each step of init is undone, in reverse, by the matching label and by exit.
 *
 * The order matters. The hooks come last: by then every namespace has its
 * state and the family its events group, so a hook finds both. They go
 * first at exit, and take the deferred aborts with them (hook.c), so no work
 * item outlives the state it counts in; the queue itself goes last.
 */
#include <linux/module.h>

#include "abort.h"
#include "hook.h"
#include "netlink.h"
#include "netns.h"
#include "scope.h"

/* From the Makefile's VERSION, the one place it is set (Kbuild passes it). */
#ifndef V6FIX_VERSION
#error "V6FIX_VERSION is not set: build through the Makefile or DKMS"
#endif

static int __init v6fix_init(void)
{
	int ret;

	ret = v6fix_defer_init();
	if (ret)
		goto err_defer;

	ret = v6fix_netns_init();
	if (ret)
		goto err_netns;

	ret = v6fix_genl_init();
	if (ret)
		goto err_genl;

	ret = v6fix_hooks_init();
	if (ret)
		goto err_hooks;

	pr_info("v6fix " V6FIX_VERSION " loaded\n");
	return 0;

err_hooks:
	v6fix_genl_uninit();
err_genl:
	v6fix_netns_uninit();
err_netns:
	v6fix_defer_uninit();
err_defer:
	return ret;
}

static void __exit v6fix_exit(void)
{
	v6fix_hooks_uninit();
	v6fix_genl_uninit();
	v6fix_netns_uninit();
	v6fix_scopes_uninit();
	v6fix_defer_uninit();
}

module_init(v6fix_init);
module_exit(v6fix_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-netns policy for ICMP soft errors in TCP SYN-SENT");
MODULE_AUTHOR("The v6fix developers");
MODULE_VERSION(V6FIX_VERSION);
