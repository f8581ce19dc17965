/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the files of v6fix.ko. Each file owns one concern;
 * this header is how they meet.
 */
#ifndef _V6FIX_H
#define _V6FIX_H

#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "uapi/v6fix.h"

#define V6FIX_VERSION "0.1.0"

/* Index of a per-family setting. */
enum v6fix_family {
	V6FIX_INET,
	V6FIX_INET6,
	V6FIX_FAMILY_NR
};

struct ctl_table_header;

/*
 * Per-namespace state, allocated by the pernet core (net_generic). The
 * settings are plain ints written by sysctl and netlink and read locklessly
 * by the packet path, so every access goes through READ_ONCE/WRITE_ONCE; no
 * reader needs two of them to agree.
 */
struct v6fix_net {
	int policy[V6FIX_FAMILY_NR];	/* enum v6fix_policy */
	int bsd_retries;
	struct ctl_table_header *sysctl_hdr;
};

extern unsigned int v6fix_net_id;

static inline struct v6fix_net *v6fix_pernet(const struct net *net)
{
	return net_generic(net, v6fix_net_id);
}

/* policy.c */
const char *v6fix_policy_name(int policy);
int v6fix_policy_parse(const char *name);
extern int v6fix_default_policy[V6FIX_FAMILY_NR];
extern int v6fix_default_bsd_retries;

/* netns.c */
int v6fix_netns_init(void);
void v6fix_netns_uninit(void);

/* sysctl.c */
int v6fix_sysctl_register(struct net *net, struct v6fix_net *vn);
void v6fix_sysctl_unregister(struct v6fix_net *vn);

/* netlink.c */
int v6fix_genl_init(void);
void v6fix_genl_uninit(void);

#endif /* _V6FIX_H */
