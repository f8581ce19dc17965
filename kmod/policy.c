// SPDX-License-Identifier: GPL-2.0
/*
 * The soft-error policies: their names, and the defaults a new namespace
 * starts with (module parameters).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "v6fix.h"

static const char * const v6fix_policy_names[] = {
	[V6FIX_POLICY_PASS] = "pass",
	[V6FIX_POLICY_HARD] = "hard",
	[V6FIX_POLICY_RFC1122] = "rfc1122",
	[V6FIX_POLICY_BSD] = "bsd",
};
static_assert(ARRAY_SIZE(v6fix_policy_names) == __V6FIX_POLICY_MAX);

const char *v6fix_policy_name(int policy)
{
	if (policy < 0 || policy > V6FIX_POLICY_MAX)
		return "?";
	return v6fix_policy_names[policy];
}

/* Returns the policy named @name (a trailing newline is ignored) or -EINVAL. */
int v6fix_policy_parse(const char *name)
{
	int i = sysfs_match_string(v6fix_policy_names, name);

	return i < 0 ? -EINVAL : i;
}

int v6fix_default_policy[V6FIX_FAMILY_NR] = {
	[V6FIX_INET] = V6FIX_POLICY_HARD,
	[V6FIX_INET6] = V6FIX_POLICY_HARD,
};
int v6fix_default_bsd_retries = 3;

static int v6fix_param_policy_set(const char *val, const struct kernel_param *kp)
{
	int p = v6fix_policy_parse(val);

	if (p < 0)
		return p;
	*(int *)kp->arg = p;
	return 0;
}

static int v6fix_param_policy_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", v6fix_policy_name(*(int *)kp->arg));
}

static const struct kernel_param_ops v6fix_param_policy_ops = {
	.set = v6fix_param_policy_set,
	.get = v6fix_param_policy_get,
};

module_param_cb(default_policy, &v6fix_param_policy_ops,
		&v6fix_default_policy[V6FIX_INET6], 0644);
MODULE_PARM_DESC(default_policy,
		 "IPv6 soft-error policy of new namespaces: pass, hard, rfc1122, bsd (default hard)");
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
