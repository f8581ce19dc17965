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
	uint32_t errqueue;	/* enum v6fix_errqueue; stock if not sent */
};

/* What to change; unset fields stay as they are. */
struct v6fix_config_set {
	bool has_policy_inet6, has_policy_inet, has_bsd_retries, has_errqueue;
	uint32_t policy_inet6, policy_inet, bsd_retries, errqueue;
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

/* "stock", "recverr" or NULL; and back (-1 if unknown). */
const char *v6fix_errqueue_name(uint32_t errqueue);
int v6fix_errqueue_parse(const char *name);

/* "passed", "aborted", "deferred-abort", ... or NULL. */
const char *v6fix_action_name(uint32_t action);

/* One counter of V6FIX_CMD_GET_STATS. */
struct v6fix_stat {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t icmp_type, icmp_code;
	uint32_t action;	/* enum v6fix_action */
	uint64_t count;
};

/* Room for every counter the module has (2 families x 8 x 8) and then some. */
#define V6FIX_STATS_MAX 256

struct v6fix_stats {
	uint32_t netns_inum;
	size_t n;
	struct v6fix_stat entry[V6FIX_STATS_MAX];
};

int v6fix_genl_get_stats(struct v6fix_genl *g, struct v6fix_stats *st);
/* Needs CAP_NET_ADMIN over the namespace. */
int v6fix_genl_reset_stats(struct v6fix_genl *g);

/* Parse a V6FIX_CMD_GET_STATS reply; like v6fix_genl_parse_config(). */
int v6fix_genl_parse_stats(struct nlmsghdr *nlh, struct v6fix_stats *st);

/* One V6FIX_CMD_EVENT; addresses in network byte order (4 or 16 bytes used). */
struct v6fix_event_msg {
	uint64_t timestamp_ns;	/* CLOCK_MONOTONIC */
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t icmp_type, icmp_code;
	uint8_t icmp_source[16];
	bool has_conn;		/* saddr, daddr, sport, dport */
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	uint32_t err;		/* positive errno */
	uint32_t policy, action;
	bool has_retrans;
	uint32_t syn_retrans;
	bool has_delay;
	uint64_t delay_ns;
	bool has_scope;		/* a scope gave the policy */
	uint32_t scope_id;
};

/*
 * Parse a V6FIX_CMD_EVENT message (the whole netlink message): -EBADMSG when
 * a required attribute is missing or malformed; unknown ones are skipped.
 */
int v6fix_genl_parse_event(struct nlmsghdr *nlh, struct v6fix_event_msg *ev);

/*
 * Join the "events" group (needs CAP_NET_ADMIN over the namespace) and call
 * @cb for each event until it returns non-zero (which is returned) or an
 * error occurs. @lost is called when the kernel dropped events because this
 * socket's buffer was full (ENOBUFS); it may be NULL.
 */
int v6fix_genl_monitor(struct v6fix_genl *g,
		       int (*cb)(const struct v6fix_event_msg *ev, void *arg),
		       void (*lost)(void *arg), void *arg);

/*
 * Scopes (uapi/v6fix.h, "Scopes"): which sockets a request names. Exactly
 * one of a cgroup v2 directory (an open fd), a mark and mask, or (delete
 * only) an id.
 */
enum v6fix_scope_kind {
	V6FIX_SCOPE_CGROUP = 1,
	V6FIX_SCOPE_MARK,
	V6FIX_SCOPE_ID,
};

struct v6fix_scope_key {
	enum v6fix_scope_kind kind;
	int cgroup_fd;
	uint32_t mark, mask;
	uint32_t id;
};

/* One counter of a scope: per family and action. */
struct v6fix_scope_stat {
	uint8_t family;
	uint32_t action;
	uint64_t count;
};

#define V6FIX_SCOPE_STATS_MAX 64

/* One scope as V6FIX_CMD_GET_SCOPE reports it. */
struct v6fix_scope_info {
	uint32_t netns_inum;
	uint32_t id;
	enum v6fix_scope_kind kind;	/* cgroup or mark */
	uint64_t cgroup_id;
	char cgroup_path[4096];
	uint32_t mark, mask;
	struct v6fix_config_set set;	/* the settings it sets */
	size_t nstats;
	struct v6fix_scope_stat stats[V6FIX_SCOPE_STATS_MAX];
};

/* Create the scope or change its settings (CAP_NET_ADMIN). */
int v6fix_genl_set_scope(struct v6fix_genl *g, const struct v6fix_scope_key *key,
			 const struct v6fix_config_set *set);
/* -ENOENT (with the kernel's extack) when there is no such scope. */
int v6fix_genl_del_scope(struct v6fix_genl *g, const struct v6fix_scope_key *key);
int v6fix_genl_flush_scopes(struct v6fix_genl *g);
/*
 * Dump the namespace's scopes, calling @cb for each in id order; a non-zero
 * return of @cb stops (and is returned after the dump is read to its end).
 */
int v6fix_genl_list_scopes(struct v6fix_genl *g,
			   int (*cb)(const struct v6fix_scope_info *s, void *arg),
			   void *arg);
/* Parse one V6FIX_CMD_GET_SCOPE message; like v6fix_genl_parse_config(). */
int v6fix_genl_parse_scope(struct nlmsghdr *nlh, struct v6fix_scope_info *s);

#endif
