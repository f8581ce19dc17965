// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix softerr's scopes: settings for the sockets of one cgroup v2 (and
 * the cgroups below it) or of one socket mark, in place of the namespace's
 * (kmod/uapi/v6fix.h, "Scopes"; precedence: mark > cgroup > namespace).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "genl.h"
#include "print.h"
#include "softerr_scope.h"
#include "util.h"

/* A mark or mask: decimal, or hexadecimal with 0x (as ip rule's fwmark). */
static int parse_mark_number(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!isxdigit((unsigned char)s[2]))
			return -1;
		errno = 0;
		v = strtoull(s + 2, &end, 16);
		if (errno || *end || v > UINT32_MAX)
			return -1;
		*out = (uint32_t)v;
		return 0;
	}
	return v6fix_parse_u32(s, UINT32_MAX, out);
}

static void parse_mark(const char *arg, struct v6fix_scope_key *key)
{
	char buf[64], *slash;

	if (strlen(arg) >= sizeof(buf))
		v6fix_invarg("mark (M or M/MASK)", arg);
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	key->mask = UINT32_MAX;
	if (parse_mark_number(buf, &key->mark) ||
	    (slash && parse_mark_number(slash, &key->mask)))
		v6fix_invarg("mark (M or M/MASK, decimal or 0x hex)", arg);
	if (!key->mask)
		v6fix_usage_error("mark \"%s\": a mask of 0 matches every socket "
				  "(that is the namespace's setting)", arg);
	if (key->mark & ~key->mask)
		v6fix_usage_error("mark \"%s\": the mark has bits outside the mask", arg);
	key->kind = V6FIX_SCOPE_MARK;
}

int softerr_scope_key(int argc, char **argv, struct v6fix_scope_key *key, bool allow_id)
{
	int err;

	if (strcmp(argv[0], "cgroup") && strcmp(argv[0], "mark") &&
	    (!allow_id || strcmp(argv[0], "id")))
		return 0;
	if (argc < 2)
		v6fix_usage_error("\"%s\" needs a value", argv[0]);
	if (key->kind)
		v6fix_usage_error("one scope at a time: \"%s\" after another", argv[0]);
	if (!strcmp(argv[0], "mark")) {
		parse_mark(argv[1], key);
	} else if (!strcmp(argv[0], "id")) {
		if (v6fix_parse_u32(argv[1], UINT32_MAX, &key->id) || !key->id)
			v6fix_invarg("scope id", argv[1]);
		key->kind = V6FIX_SCOPE_ID;
	} else {
		err = v6fix_cgroup_open(argv[1], &key->cgroup_fd);
		if (err == -ENOENT)
			v6fix_usage_error("cgroup \"%s\": no such cgroup v2 directory", argv[1]);
		if (err)
			v6fix_usage_error("cgroup \"%s\": %s", argv[1], strerror(-err));
		key->kind = V6FIX_SCOPE_CGROUP;
	}
	return 2;
}

int softerr_scope_set(const struct v6fix_scope_key *key, const struct v6fix_config_set *set)
{
	struct v6fix_genl *g = NULL;
	int err;

	err = v6fix_genl_open(&g);
	if (err)
		return softerr_genl_fail("softerr set", err);
	err = v6fix_genl_set_scope(g, key, set);
	v6fix_genl_close(g);
	return err ? softerr_genl_fail("softerr set", err) : 0;
}

int softerr_scope_del(int argc, char **argv)
{
	struct v6fix_scope_key key = { 0 };
	struct v6fix_genl *g = NULL;
	int err;

	if (argc < 1)
		v6fix_usage_error("softerr del needs cgroup CGROUP, mark MARK or id N");
	if (!softerr_scope_key(argc, argv, &key, true))
		v6fix_usage_error("unknown softerr del argument \"%s\" (try 'v6fix softerr help')",
				  argv[0]);
	if (argc > 2)
		v6fix_usage_error("softerr del takes one scope, got \"%s\" after it", argv[2]);
	err = v6fix_genl_open(&g);
	if (err)
		return softerr_genl_fail("softerr del", err);
	err = v6fix_genl_del_scope(g, &key);
	v6fix_genl_close(g);
	return err ? softerr_genl_fail("softerr del", err) : 0;
}

int softerr_scope_flush(int argc, char **argv)
{
	struct v6fix_genl *g = NULL;
	int err;

	if (argc > 0)
		v6fix_usage_error("softerr flush takes no arguments, got \"%s\"", argv[0]);
	err = v6fix_genl_open(&g);
	if (err)
		return softerr_genl_fail("softerr flush", err);
	err = v6fix_genl_flush_scopes(g);
	v6fix_genl_close(g);
	return err ? softerr_genl_fail("softerr flush", err) : 0;
}

static void print_policy(const char *key, const char *fmt, uint32_t p)
{
	const char *name = v6fix_policy_name(p);

	if (name)
		print_string(PRINT_ANY, key, fmt, name);
	else
		print_uint(PRINT_ANY, key, " policy-%llu", p);
}

/*
 * Text: "scope ID cgroup PATH: SETTINGS" or "scope ID mark M/MASK: ...",
 * then its counters on one indented line. JSON: one object per scope.
 */
static int print_scope(const struct v6fix_scope_info *s, void *arg)
{
	const struct v6fix_config_set *set = &s->set;
	char hex[32];
	size_t i;

	(void)arg;
	print_open_object(NULL);
	print_uint(PRINT_ANY, "id", "scope %llu", s->id);
	if (s->kind == V6FIX_SCOPE_CGROUP) {
		print_string(PRINT_ANY, "kind", " %s", "cgroup");
		print_string(PRINT_ANY, "cgroup", " %s", s->cgroup_path);
		print_uint(PRINT_JSON, "cgroup_id", NULL, s->cgroup_id);
	} else {
		print_string(PRINT_ANY, "kind", " %s", "mark");
		snprintf(hex, sizeof(hex), "0x%x/0x%x", s->mark, s->mask);
		print_string(PRINT_FP, NULL, " %s", hex);
		print_uint(PRINT_JSON, "mark", NULL, s->mark);
		print_uint(PRINT_JSON, "mask", NULL, s->mask);
	}
	print_text(":");
	if (set->has_policy_inet6)
		print_policy("inet6", " inet6 policy %s", set->policy_inet6);
	if (set->has_policy_inet)
		print_policy("inet", " inet policy %s", set->policy_inet);
	if (set->has_bsd_retries)
		print_uint(PRINT_ANY, "bsd_retries", " bsd retries %llu", set->bsd_retries);
	if (set->has_errqueue) {
		if (v6fix_errqueue_name(set->errqueue))
			print_string(PRINT_ANY, "errqueue", " errqueue %s",
				     v6fix_errqueue_name(set->errqueue));
		else
			print_uint(PRINT_ANY, "errqueue", " errqueue %llu", set->errqueue);
	}
	print_text("\n    ");
	print_open_array("stats");
	for (i = 0; i < s->nstats; i++) {
		const struct v6fix_scope_stat *e = &s->stats[i];
		const char *action = v6fix_action_name(e->action);

		print_open_object(NULL);
		print_string(PRINT_ANY, "family", i ? " %s" : "%s",
			     softerr_family_name(e->family));
		if (action)
			print_string(PRINT_ANY, "action", " %s", action);
		else
			print_uint(PRINT_ANY, "action", " action-%llu", e->action);
		print_uint(PRINT_ANY, "count", " %llu", e->count);
		print_close_object();
	}
	print_close_array();
	print_text(s->nstats ? "\n" : "no soft errors\n");
	print_close_object();
	return 0;
}

int softerr_scope_print(struct v6fix_genl *g)
{
	int err;

	print_open_array("scopes");
	err = v6fix_genl_list_scopes(g, print_scope, NULL);
	print_close_array();
	/* A module without scopes: nothing to list. */
	return err == -EOPNOTSUPP ? 0 : err;
}
