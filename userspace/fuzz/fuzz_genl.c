// SPDX-License-Identifier: GPL-2.0
/*
 * Replies of the v6fix generic netlink family as libnl hands them to
 * v6fix_genl_parse_config() and v6fix_genl_parse_scope(), events to
 * v6fix_genl_parse_event(), and the policy names the CLI accepts.
 */
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "genl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct v6fix_config cfg;
	struct v6fix_event_msg ev;
	struct v6fix_scope_info *scope;
	struct nlmsghdr *nlh;
	char *s;
	int p;

	s = fuzz_strdup(data, size);
	if (s) {
		p = v6fix_policy_parse(s);
		if (p >= 0 && (!v6fix_policy_name((uint32_t)p) ||
			       strcmp(v6fix_policy_name((uint32_t)p), s)))
			abort();
		free(s);
	}
	nlh = fuzz_nlmsg(data, size);
	if (!nlh)
		return 0;
	if (v6fix_genl_parse_config(nlh, &cfg) == 0 &&
	    !memchr(cfg.version, '\0', sizeof(cfg.version)))
		abort();
	/* An event is one family's: its addresses fit, its ports are ports. */
	if (v6fix_genl_parse_event(nlh, &ev) == 0 &&
	    ev.family != AF_INET && ev.family != AF_INET6)
		abort();
	/* A GET_SCOPE message: a parsed one has a kind, a terminated path. */
	scope = malloc(sizeof(*scope));
	if (scope && v6fix_genl_parse_scope(nlh, scope) == 0 &&
	    ((scope->kind != V6FIX_SCOPE_CGROUP && scope->kind != V6FIX_SCOPE_MARK) ||
	     !memchr(scope->cgroup_path, '\0', sizeof(scope->cgroup_path)) ||
	     scope->nstats > V6FIX_SCOPE_STATS_MAX))
		abort();
	free(scope);
	free(nlh);
	return 0;
}
