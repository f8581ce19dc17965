// SPDX-License-Identifier: GPL-2.0
/*
 * The soft-error policies: their names, the defaults a new namespace starts
 * with (module parameters), which ICMP errors are soft, and the decision.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <net/icmp.h>

#include "policy.h"

static const char * const v6fix_policy_names[] = {
	[V6FIX_POLICY_PASS] = "pass",
	[V6FIX_POLICY_HARD] = "hard",
	[V6FIX_POLICY_RFC1122] = "rfc1122",
	[V6FIX_POLICY_BSD] = "bsd",
	[V6FIX_POLICY_RETRIES] = "retries",
};

static_assert(ARRAY_SIZE(v6fix_policy_names) == __V6FIX_POLICY_MAX);

const char *v6fix_policy_name(enum v6fix_policy policy)
{
	if (policy >= ARRAY_SIZE(v6fix_policy_names))
		return "?";
	return v6fix_policy_names[policy];
}

/* Returns the policy named @name (a trailing newline is ignored) or -EINVAL. */
int v6fix_policy_parse(const char *name)
{
	int i = sysfs_match_string(v6fix_policy_names, name);

	return i < 0 ? -EINVAL : i;
}

static const char * const v6fix_errqueue_names[] = {
	[V6FIX_ERRQUEUE_STOCK] = "stock",
	[V6FIX_ERRQUEUE_RECVERR] = "recverr",
};

static_assert(ARRAY_SIZE(v6fix_errqueue_names) == __V6FIX_ERRQUEUE_MAX);

const char *v6fix_errqueue_name(enum v6fix_errqueue errqueue)
{
	if (errqueue >= ARRAY_SIZE(v6fix_errqueue_names))
		return "?";
	return v6fix_errqueue_names[errqueue];
}

/* Returns the mode named @name (a trailing newline is ignored) or -EINVAL. */
int v6fix_errqueue_parse(const char *name)
{
	int i = sysfs_match_string(v6fix_errqueue_names, name);

	return i < 0 ? -EINVAL : i;
}

enum v6fix_policy v6fix_default_policy[V6FIX_FAMILY_NR] = {
	[V6FIX_INET] = V6FIX_POLICY_HARD,
	[V6FIX_INET6] = V6FIX_POLICY_HARD,
};

int v6fix_default_bsd_retries = 3;

static int v6fix_param_policy_set(const char *val, const struct kernel_param *kp)
{
	int p = v6fix_policy_parse(val);

	if (p < 0)
		return p;
	*(enum v6fix_policy *)kp->arg = p;
	return 0;
}

static int v6fix_param_policy_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  v6fix_policy_name(*(enum v6fix_policy *)kp->arg));
}

static const struct kernel_param_ops v6fix_param_policy_ops = {
	.set = v6fix_param_policy_set,
	.get = v6fix_param_policy_get,
};

module_param_cb(default_policy, &v6fix_param_policy_ops,
		&v6fix_default_policy[V6FIX_INET6], 0644);
MODULE_PARM_DESC(default_policy,
		 "IPv6 soft-error policy of new namespaces: pass, hard, rfc1122, bsd, retries (default hard)");
module_param_cb(default_policy_v4, &v6fix_param_policy_ops,
		&v6fix_default_policy[V6FIX_INET], 0644);
MODULE_PARM_DESC(default_policy_v4,
		 "IPv4 soft-error policy of new namespaces (default hard)");

static int v6fix_param_retries_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int ret = kstrtouint(val, 0, &n);

	if (ret)
		return ret;
	if (n > V6FIX_BSD_RETRIES_MAX)
		return -ERANGE;
	*(int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops v6fix_param_retries_ops = {
	.set = v6fix_param_retries_set,
	.get = param_get_int,
};

module_param_cb(default_bsd_retries, &v6fix_param_retries_ops,
		&v6fix_default_bsd_retries, 0644);
MODULE_PARM_DESC(default_bsd_retries,
		 "SYN retransmissions after which the bsd policy aborts, for new namespaces (default 3)");

/*
 * The soft errors: what the kernel's own tables call non-fatal among the
 * errors that reach TCP, identical in 6.1 and 6.12 (net/ipv4/icmp.c,
 * net/ipv6/icmp.c):
 *   ICMPv6, icmpv6_err_convert(): Destination Unreachable 0 (no route),
 *     2 (beyond scope), 3 (address unreachable); Time Exceeded (every code:
 *     0 hop limit, 1 reassembly). Parameter Problem and the other
 *     Unreachable codes are fatal.
 *   ICMP, icmp_err_convert[]: Destination Unreachable 0 (net), 1 (host),
 *     5 (source route failed), 11 (net for TOS), 12 (host for TOS); 4
 *     (fragmentation needed) is non-fatal too but is path MTU discovery,
 *     which tcp_v4_err() handles apart. Time Exceeded 0 (TTL); code 1
 *     (reassembly) never reaches TCP: icmp_unreach() discards it. Parameter
 *     Problem is not in the table; tcp_v4_err() aborts on it (EPROTO), and
 *     upstream's RFC 1122 patch called it hard.
 * Everything else is hard and never touched. The index in each table is
 * the error's slot in the counters.
 */
struct v6fix_soft_error {
	u8 type, code;
};

static const struct v6fix_soft_error v6fix_soft6[] = {
	[V6FIX_SOFT6_NOROUTE] = { ICMPV6_DEST_UNREACH, ICMPV6_NOROUTE },
	[V6FIX_SOFT6_BEYOND_SCOPE] = { ICMPV6_DEST_UNREACH, ICMPV6_NOT_NEIGHBOUR },
	[V6FIX_SOFT6_ADDR_UNREACH] = { ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH },
	[V6FIX_SOFT6_HOPLIMIT] = { ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT },
	[V6FIX_SOFT6_FRAGTIME] = { ICMPV6_TIME_EXCEED, ICMPV6_EXC_FRAGTIME },
};

static const struct v6fix_soft_error v6fix_soft4[] = {
	[V6FIX_SOFT4_NET_UNREACH] = { ICMP_DEST_UNREACH, ICMP_NET_UNREACH },
	[V6FIX_SOFT4_HOST_UNREACH] = { ICMP_DEST_UNREACH, ICMP_HOST_UNREACH },
	[V6FIX_SOFT4_SR_FAILED] = { ICMP_DEST_UNREACH, ICMP_SR_FAILED },
	[V6FIX_SOFT4_NET_UNR_TOS] = { ICMP_DEST_UNREACH, ICMP_NET_UNR_TOS },
	[V6FIX_SOFT4_HOST_UNR_TOS] = { ICMP_DEST_UNREACH, ICMP_HOST_UNR_TOS },
	[V6FIX_SOFT4_TTL] = { ICMP_TIME_EXCEEDED, ICMP_EXC_TTL },
};

/* Every named slot has its error, and the counters have room for each. */
static_assert(ARRAY_SIZE(v6fix_soft6) == V6FIX_SOFT6_NR);
static_assert(ARRAY_SIZE(v6fix_soft4) == V6FIX_SOFT4_NR);

static const struct {
	const struct v6fix_soft_error *err;
	int nr;
} v6fix_soft[V6FIX_FAMILY_NR] = {
	[V6FIX_INET6] = { v6fix_soft6, ARRAY_SIZE(v6fix_soft6) },
	[V6FIX_INET] = { v6fix_soft4, ARRAY_SIZE(v6fix_soft4) },
};

int v6fix_slot_count(enum v6fix_family family)
{
	return v6fix_soft[family].nr;
}

void v6fix_slot_type_code(enum v6fix_family family, int slot, u8 *type, u8 *code)
{
	*type = v6fix_soft[family].err[slot].type;
	*code = v6fix_soft[family].err[slot].code;
}

/*
 * Returns the counters slot of a soft error and sets *@err to the errno the
 * stack would report for it (the same conversion tcp_v4_err() and
 * tcp_v6_err() use); -1 for a hard error or anything else.
 */
int v6fix_soft_slot(enum v6fix_family family, u8 type, u8 code, int *err)
{
	const struct v6fix_soft_error *e = v6fix_soft[family].err;
	int i;

	for (i = 0; i < v6fix_soft[family].nr; i++)
		if (e[i].type == type && e[i].code == code)
			break;
	if (i == v6fix_soft[family].nr)
		return -1;

	if (family == V6FIX_INET6)
		icmpv6_err_convert(type, code, err);
	else if (type == ICMP_DEST_UNREACH)
		*err = icmp_err_convert[code].errno;
	else
		*err = EHOSTUNREACH;	/* Time Exceeded */
	return i;
}

/*
 * The decision for a soft error that passed every check (SYN-SENT, quoted
 * sequence number == ISN), given the policy in force, how many times the
 * SYN was retransmitted so far, whether an earlier soft error is still
 * remembered (sk_err_soft) and whether connect() or another system call
 * holds the socket lock at this moment.
 */
enum v6fix_action v6fix_policy_decide(enum v6fix_policy policy, int bsd_retries,
				      unsigned int syn_retrans, bool remembered,
				      bool owned)
{
	bool late = syn_retrans > (unsigned int)bsd_retries;

	switch (policy) {
	case V6FIX_POLICY_HARD:
		break;
	case V6FIX_POLICY_BSD:
		/*
		 * FreeBSD tcp_notify(): "If connection hasn't completed, has
		 * retransmitted several times, and receives a second error,
		 * give up now"; t_rxtshift > 3 && t_softerror, else
		 * t_softerror = error.
		 */
		if (late && remembered)
			break;
		return V6FIX_ACTION_SUPPRESSED;
	case V6FIX_POLICY_RETRIES:
		if (late)
			break;
		return V6FIX_ACTION_SUPPRESSED;
	case V6FIX_POLICY_RFC1122:
		return V6FIX_ACTION_SUPPRESSED;
	default:
		return V6FIX_ACTION_PASSED;
	}
	return owned ? V6FIX_ACTION_DEFERRED_ABORT : V6FIX_ACTION_ABORTED;
}
