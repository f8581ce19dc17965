/* SPDX-License-Identifier: GPL-2.0 */
/* The netfilter hooks that see ICMP/ICMPv6 errors (hook.c). */
#ifndef _V6FIX_HOOK_H
#define _V6FIX_HOOK_H

int v6fix_hooks_init(void);
void v6fix_hooks_uninit(void);

#endif /* _V6FIX_HOOK_H */
