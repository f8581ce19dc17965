/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client of the v6fix generic netlink family (kmod/uapi/v6fix.h), on
 * libnl-genl-3. Requests go to the namespace the process is in (v6fix -n
 * enters it first). Functions return 0 or -errno; after a kernel error,
 * v6fix_extack holds the kernel's extended-ack text.
 */
#ifndef V6FIX_GENL_H
#define V6FIX_GENL_H

#include <stdbool.h>
#include <stdint.h>

#include "uapi/v6fix.h"

struct v6fix_genl;

struct v6fix_config {
	char version[32];
	uint32_t netns_inum;
	uint32_t policy_inet6;	/* enum v6fix_policy */
	uint32_t policy_inet;
	uint32_t bsd_retries;
};

/* What to change; unset fields stay as they are. */
struct v6fix_config_set {
	bool has_policy_inet6, has_policy_inet, has_bsd_retries;
	uint32_t policy_inet6, policy_inet, bsd_retries;
};

/* -ENOENT: the family is not registered (module not loaded). */
int v6fix_genl_open(struct v6fix_genl **g);
void v6fix_genl_close(struct v6fix_genl *g);

int v6fix_genl_get_config(struct v6fix_genl *g, struct v6fix_config *cfg);
int v6fix_genl_set_config(struct v6fix_genl *g, const struct v6fix_config_set *set);

/*
 * Parse a V6FIX_CMD_GET_CONFIG reply (the whole netlink message). Exposed for
 * tests; -EBADMSG when an attribute is malformed. Unknown attributes are
 * skipped, so this tool keeps working with newer modules.
 */
struct nlmsghdr;
int v6fix_genl_parse_config(struct nlmsghdr *nlh, struct v6fix_config *cfg);

/* "pass", "hard", ... or NULL; and back (-1 if unknown). */
const char *v6fix_policy_name(uint32_t policy);
int v6fix_policy_parse(const char *name);

#endif
