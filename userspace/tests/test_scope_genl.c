// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing V6FIX_CMD_GET_SCOPE messages (kmod/scope.c, v6fix_scope_fill()),
 * built here with libnl as the kernel builds them: a cgroup scope and a mark
 * scope with their settings and counters, what a newer module may add
 * (unknown attributes, skipped), and what a broken one may send (no id, a
 * scope that is both or neither, malformed counters: refused).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "genl.h"

enum shape { CGROUP, MARK, BOTH, NEITHER, NO_ID, BAD_STAT };

static struct nl_msg *scope_msg(enum shape shape)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest, *stats, *e;

	assert_non_null(genlmsg_put(msg, 0, 1, 0x20, 0, NLM_F_MULTI, V6FIX_CMD_GET_SCOPE, 1));
	nla_put_u32(msg, V6FIX_A_NETNS_INUM, 4026532000u);
	nest = nla_nest_start(msg, V6FIX_A_SCOPE);
	if (shape != NO_ID)
		nla_put_u32(msg, V6FIX_SCOPE_A_ID, 7);
	if (shape == CGROUP || shape == BOTH || shape == BAD_STAT) {
		nla_put_u64(msg, V6FIX_SCOPE_A_CGROUP_ID, 4242);
		nla_put_string(msg, V6FIX_SCOPE_A_CGROUP_PATH, "/v6fix-run.123");
	}
	if (shape == MARK || shape == BOTH) {
		nla_put_u32(msg, V6FIX_SCOPE_A_MARK, 0x10);
		nla_put_u32(msg, V6FIX_SCOPE_A_MARK_MASK, 0xf0);
	}
	nla_put_u32(msg, V6FIX_SCOPE_A_POLICY_INET6, V6FIX_POLICY_RFC1122);
	if (shape == MARK)
		nla_put_u32(msg, V6FIX_SCOPE_A_ERRQUEUE, V6FIX_ERRQUEUE_RECVERR);
	nla_put_u32(msg, V6FIX_SCOPE_A_MAX + 4, 1);	/* a newer module */
	stats = nla_nest_start(msg, V6FIX_SCOPE_A_STATS);
	e = nla_nest_start(msg, V6FIX_STATS_ENTRY);
	nla_put_u8(msg, V6FIX_STAT_A_FAMILY, shape == BAD_STAT ? 99 : AF_INET6);
	nla_put_u32(msg, V6FIX_STAT_A_ACTION, V6FIX_ACTION_SUPPRESSED);
	nla_put_u64(msg, V6FIX_STAT_A_COUNT, 1ull << 33);
	nla_nest_end(msg, e);
	e = nla_nest_start(msg, V6FIX_STATS_ENTRY);
	nla_put_u8(msg, V6FIX_STAT_A_FAMILY, AF_INET);
	nla_put_u32(msg, V6FIX_STAT_A_ACTION, V6FIX_ACTION_ABORTED);
	nla_put_u64(msg, V6FIX_STAT_A_COUNT, 2);
	nla_nest_end(msg, e);
	nla_nest_end(msg, stats);
	nla_nest_end(msg, nest);
	return msg;
}

static void test_parse_cgroup_scope(void **state)
{
	struct v6fix_scope_info *s = malloc(sizeof(*s));
	struct nl_msg *msg = scope_msg(CGROUP);

	(void)state;
	assert_int_equal(v6fix_genl_parse_scope(nlmsg_hdr(msg), s), 0);
	assert_int_equal(s->netns_inum, 4026532000u);
	assert_int_equal(s->id, 7);
	assert_int_equal(s->kind, V6FIX_SCOPE_CGROUP);
	assert_int_equal(s->cgroup_id, 4242);
	assert_string_equal(s->cgroup_path, "/v6fix-run.123");
	assert_true(s->set.has_policy_inet6);
	assert_int_equal(s->set.policy_inet6, V6FIX_POLICY_RFC1122);
	assert_false(s->set.has_policy_inet);
	assert_false(s->set.has_bsd_retries);
	assert_false(s->set.has_errqueue);
	assert_int_equal(s->nstats, 2);
	assert_int_equal(s->stats[0].family, AF_INET6);
	assert_int_equal(s->stats[0].action, V6FIX_ACTION_SUPPRESSED);
	assert_true(s->stats[0].count == 1ull << 33);
	assert_int_equal(s->stats[1].family, AF_INET);
	assert_int_equal(s->stats[1].count, 2);
	nlmsg_free(msg);
	free(s);
}

static void test_parse_mark_scope(void **state)
{
	struct v6fix_scope_info *s = malloc(sizeof(*s));
	struct nl_msg *msg = scope_msg(MARK);

	(void)state;
	assert_int_equal(v6fix_genl_parse_scope(nlmsg_hdr(msg), s), 0);
	assert_int_equal(s->kind, V6FIX_SCOPE_MARK);
	assert_int_equal(s->mark, 0x10);
	assert_int_equal(s->mask, 0xf0);
	assert_true(s->set.has_errqueue);
	assert_int_equal(s->set.errqueue, V6FIX_ERRQUEUE_RECVERR);
	nlmsg_free(msg);
	free(s);
}

static void test_parse_scope_bad(void **state)
{
	static const enum shape bad[] = { BOTH, NEITHER, NO_ID, BAD_STAT };
	struct v6fix_scope_info *s = malloc(sizeof(*s));
	struct nl_msg *msg;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg = scope_msg(bad[i]);
		assert_int_equal(v6fix_genl_parse_scope(nlmsg_hdr(msg), s), -EBADMSG);
		nlmsg_free(msg);
	}
	/* No V6FIX_A_SCOPE at all. */
	msg = nlmsg_alloc();
	assert_non_null(genlmsg_put(msg, 0, 1, 0x20, 0, 0, V6FIX_CMD_GET_SCOPE, 1));
	nla_put_u32(msg, V6FIX_A_NETNS_INUM, 1);
	assert_int_equal(v6fix_genl_parse_scope(nlmsg_hdr(msg), s), -EBADMSG);
	nlmsg_free(msg);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_cgroup_scope),
		cmocka_unit_test(test_parse_mark_scope),
		cmocka_unit_test(test_parse_scope_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
