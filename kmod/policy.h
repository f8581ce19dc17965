/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The soft-error policies (policy.c): names, the defaults new namespaces
 * start with, which ICMP errors are soft, and the decision.
 */
#ifndef _V6FIX_POLICY_H
#define _V6FIX_POLICY_H

#include <linux/types.h>

#include "uapi/v6fix.h"

/* Index of a per-family setting. */
enum v6fix_family {
	V6FIX_INET,
	V6FIX_INET6,
	V6FIX_FAMILY_NR
};

/*
 * The soft errors of each family (policy.c's tables, the kernel's own set:
 * uapi/v6fix.h), named; each one's value is its slot in the counters.
 */
enum v6fix_soft6_slot {
	V6FIX_SOFT6_NOROUTE,
	V6FIX_SOFT6_BEYOND_SCOPE,
	V6FIX_SOFT6_ADDR_UNREACH,
	V6FIX_SOFT6_HOPLIMIT,
	V6FIX_SOFT6_FRAGTIME,
	V6FIX_SOFT6_NR
};

enum v6fix_soft4_slot {
	V6FIX_SOFT4_NET_UNREACH,
	V6FIX_SOFT4_HOST_UNREACH,
	V6FIX_SOFT4_SR_FAILED,
	V6FIX_SOFT4_NET_UNR_TOS,
	V6FIX_SOFT4_HOST_UNR_TOS,
	V6FIX_SOFT4_TTL,
	V6FIX_SOFT4_NR
};

/* Slots per family in the counters: room for the larger set. */
#define V6FIX_SLOT_NR						\
	((int)V6FIX_SOFT6_NR > (int)V6FIX_SOFT4_NR ?			\
	 (int)V6FIX_SOFT6_NR : (int)V6FIX_SOFT4_NR)

extern enum v6fix_policy v6fix_default_policy[V6FIX_FAMILY_NR];
extern int v6fix_default_bsd_retries;

const char *v6fix_policy_name(enum v6fix_policy policy);
int v6fix_policy_parse(const char *name);
const char *v6fix_errqueue_name(enum v6fix_errqueue errqueue);
int v6fix_errqueue_parse(const char *name);

int v6fix_soft_slot(enum v6fix_family family, u8 type, u8 code, int *err);
void v6fix_slot_type_code(enum v6fix_family family, int slot, u8 *type, u8 *code);
int v6fix_slot_count(enum v6fix_family family);

enum v6fix_action v6fix_policy_decide(enum v6fix_policy policy, int bsd_retries,
				      unsigned int syn_retrans, bool remembered,
				      bool owned);

#endif /* _V6FIX_POLICY_H */
