/* SPDX-License-Identifier: GPL-2.0 */
/* Entering a named network namespace the way `ip netns exec` does. */
#ifndef V6FIX_NETNS_H
#define V6FIX_NETNS_H

/*
 * Join /run/netns/@name. Then, as `ip netns exec` does, give this process its
 * own mount namespace in which each file of /etc/netns/@name is bind-mounted
 * over its namesake in /etc, so getaddrinfo() reads that namespace's hosts and
 * gai.conf. Returns 0 or -errno; on error, @why says which step failed.
 */
int v6fix_netns_enter(const char *name, const char **why);

/* A namespace name ip(8) would accept: no '/', not "." or "..", not empty. */
int v6fix_netns_name_ok(const char *name);

#endif
