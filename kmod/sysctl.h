/* SPDX-License-Identifier: GPL-2.0 */
/* net.v6fix.* of one namespace (sysctl.c). */
#ifndef _V6FIX_SYSCTL_H
#define _V6FIX_SYSCTL_H

struct net;
struct v6fix_net;

int v6fix_sysctl_register(struct net *net, struct v6fix_net *vn);
void v6fix_sysctl_unregister(struct v6fix_net *vn);

#endif /* _V6FIX_SYSCTL_H */
