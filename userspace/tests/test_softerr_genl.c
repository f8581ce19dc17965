// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing the soft-error engine's messages: the V6FIX_CMD_GET_STATS reply
 * and V6FIX_CMD_EVENT notifications, built here with libnl as the kernel
 * builds them (kmod/stats.c, kmod/events.c), plus what a newer module may
 * add (unknown attributes, skipped) and what a broken one may send
 * (missing or malformed attributes, refused).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "genl.h"

static void put_entry(struct nl_msg *msg, uint8_t family, uint8_t type,
		      uint8_t code, uint32_t action, uint64_t count, bool extra)
{
	struct nlattr *e = nla_nest_start(msg, V6FIX_STATS_ENTRY);

	assert_non_null(e);
	nla_put_u8(msg, V6FIX_STAT_A_FAMILY, family);
	nla_put_u8(msg, V6FIX_STAT_A_ICMP_TYPE, type);
	nla_put_u8(msg, V6FIX_STAT_A_ICMP_CODE, code);
	nla_put_u32(msg, V6FIX_STAT_A_ACTION, action);
	if (count != UINT64_MAX)
		nla_put_u64(msg, V6FIX_STAT_A_COUNT, count);
	if (extra)
		nla_put_u32(msg, V6FIX_STAT_A_MAX + 3, 7);	/* a newer module */
	nla_nest_end(msg, e);
}

static struct nl_msg *stats_reply(void)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(genlmsg_put(msg, 0, 1, 0x20, 0, 0, V6FIX_CMD_GET_STATS, 1));
	nla_put_u32(msg, V6FIX_A_NETNS_INUM, 4026532000u);
	return msg;
}

static void test_parse_stats(void **state)
{
	struct v6fix_stats st;
	struct nlattr *nest;
	struct nl_msg *msg;

	(void)state;
	msg = stats_reply();
	nest = nla_nest_start(msg, V6FIX_A_STATS);
	put_entry(msg, AF_INET6, 1, 0, V6FIX_ACTION_ABORTED, 3, false);
	put_entry(msg, AF_INET6, 1, 0, V6FIX_ACTION_SUPPRESSED, 1ull << 40, true);
	/* Another kind of entry from a newer module: skipped. */
	nla_put_u32(msg, V6FIX_STATS_ENTRY + 1, 1);
	put_entry(msg, AF_INET, 11, 0, V6FIX_ACTION_IGNORED_SPOOFED, 2, false);
	nla_nest_end(msg, nest);
	nla_put_u32(msg, V6FIX_A_MAX + 5, 1);

	assert_int_equal(v6fix_genl_parse_stats(nlmsg_hdr(msg), &st), 0);
	assert_int_equal(st.netns_inum, 4026532000u);
	assert_int_equal(st.n, 3);
	assert_int_equal(st.entry[0].family, AF_INET6);
	assert_int_equal(st.entry[0].action, V6FIX_ACTION_ABORTED);
	assert_int_equal(st.entry[0].count, 3);
	assert_int_equal(st.entry[1].count, 1ull << 40);
	assert_int_equal(st.entry[2].family, AF_INET);
	assert_int_equal(st.entry[2].icmp_type, 11);
	assert_int_equal(st.entry[2].action, V6FIX_ACTION_IGNORED_SPOOFED);
	nlmsg_free(msg);

	/*
	 * No counters at all: the kernel sends an empty nest (libnl would
	 * trim one made with nla_nest_start/end, hence nla_put); a reply
	 * without the attribute means the same.
	 */
	msg = stats_reply();
	nla_put(msg, V6FIX_A_STATS, 0, NULL);
	st.n = 99;
	assert_int_equal(v6fix_genl_parse_stats(nlmsg_hdr(msg), &st), 0);
	assert_int_equal(st.n, 0);
	nlmsg_free(msg);

	msg = stats_reply();
	st.n = 99;
	assert_int_equal(v6fix_genl_parse_stats(nlmsg_hdr(msg), &st), 0);
	assert_int_equal(st.n, 0);
	nlmsg_free(msg);
}

static void test_parse_stats_bad(void **state)
{
	struct v6fix_stats st;
	struct nlattr *nest;
	struct nl_msg *msg;

	(void)state;
	/* An entry without its count. */
	msg = stats_reply();
	nest = nla_nest_start(msg, V6FIX_A_STATS);
	put_entry(msg, AF_INET6, 1, 0, V6FIX_ACTION_ABORTED, UINT64_MAX, false);
	nla_nest_end(msg, nest);
	assert_int_equal(v6fix_genl_parse_stats(nlmsg_hdr(msg), &st), -EBADMSG);
	nlmsg_free(msg);

	/* A family that is neither. */
	msg = stats_reply();
	nest = nla_nest_start(msg, V6FIX_A_STATS);
	put_entry(msg, 7, 1, 0, V6FIX_ACTION_ABORTED, 1, false);
	nla_nest_end(msg, nest);
	assert_int_equal(v6fix_genl_parse_stats(nlmsg_hdr(msg), &st), -EBADMSG);
	nlmsg_free(msg);

	/* No namespace. */
	msg = nlmsg_alloc();
	assert_non_null(genlmsg_put(msg, 0, 1, 0x20, 0, 0, V6FIX_CMD_GET_STATS, 1));
	nla_put(msg, V6FIX_A_STATS, 0, NULL);
	assert_int_equal(v6fix_genl_parse_stats(nlmsg_hdr(msg), &st), -EBADMSG);
	nlmsg_free(msg);

	/* More entries than any module has: refused, not overrun. */
	msg = nlmsg_alloc_size(64 * 1024);
	assert_non_null(genlmsg_put(msg, 0, 1, 0x20, 0, 0, V6FIX_CMD_GET_STATS, 1));
	nla_put_u32(msg, V6FIX_A_NETNS_INUM, 1);
	nest = nla_nest_start(msg, V6FIX_A_STATS);
	for (int i = 0; i <= V6FIX_STATS_MAX; i++)
		put_entry(msg, AF_INET, 3, 0, V6FIX_ACTION_PASSED, 1, false);
	nla_nest_end(msg, nest);
	assert_int_equal(v6fix_genl_parse_stats(nlmsg_hdr(msg), &st), -EMSGSIZE);
	nlmsg_free(msg);
}

/* An event as events.c sends it; @omit leaves one attribute out. */
static struct nl_msg *event_msg(uint8_t family, bool conn, bool deferred, int omit)
{
	struct nl_msg *msg = nlmsg_alloc();
	uint8_t a6[16], a4[4], s6[16], d6[16], s4[4], d4[4];
	bool v6 = family == AF_INET6;
	int src_a = v6 ? V6FIX_EV_A_ICMP_SOURCE6 : V6FIX_EV_A_ICMP_SOURCE4;
	int sa = v6 ? V6FIX_EV_A_SADDR6 : V6FIX_EV_A_SADDR4;
	int da = v6 ? V6FIX_EV_A_DADDR6 : V6FIX_EV_A_DADDR4;
	int alen = v6 ? 16 : 4;

	inet_pton(AF_INET6, "fd00:1::1", a6);
	inet_pton(AF_INET6, "fd00:1::2", s6);
	inet_pton(AF_INET6, "fd00:2::2", d6);
	inet_pton(AF_INET, "10.0.1.1", a4);
	inet_pton(AF_INET, "10.0.1.2", s4);
	inet_pton(AF_INET, "10.0.2.2", d4);
	assert_non_null(genlmsg_put(msg, 0, 0, 0x20, 0, 0, V6FIX_CMD_EVENT, 1));
#define PUT(attr, call) do { if (omit != (attr)) { call; } } while (0)
	PUT(V6FIX_EV_A_TIMESTAMP_NS, nla_put_u64(msg, V6FIX_EV_A_TIMESTAMP_NS, 123456789012ull));
	PUT(V6FIX_EV_A_FAMILY, nla_put_u8(msg, V6FIX_EV_A_FAMILY, family));
	PUT(V6FIX_EV_A_ICMP_TYPE, nla_put_u8(msg, V6FIX_EV_A_ICMP_TYPE, 1));
	PUT(V6FIX_EV_A_ICMP_CODE, nla_put_u8(msg, V6FIX_EV_A_ICMP_CODE, 3));
	PUT(src_a, nla_put(msg, src_a, alen, v6 ? (void *)a6 : (void *)a4));
	PUT(V6FIX_EV_A_ERRNO, nla_put_u32(msg, V6FIX_EV_A_ERRNO, EHOSTUNREACH));
	PUT(V6FIX_EV_A_POLICY, nla_put_u32(msg, V6FIX_EV_A_POLICY, V6FIX_POLICY_HARD));
	PUT(V6FIX_EV_A_ACTION, nla_put_u32(msg, V6FIX_EV_A_ACTION,
					   deferred ? V6FIX_ACTION_DEFERRED_ABORT :
						      V6FIX_ACTION_ABORTED));
	if (conn) {
		PUT(sa, nla_put(msg, sa, alen, v6 ? (void *)s6 : (void *)s4));
		PUT(da, nla_put(msg, da, alen, v6 ? (void *)d6 : (void *)d4));
		/* NLA_BE16, as events.c's nla_put_be16() */
		PUT(V6FIX_EV_A_SPORT, nla_put_u16(msg, V6FIX_EV_A_SPORT, htons(40001)));
		PUT(V6FIX_EV_A_DPORT, nla_put_u16(msg, V6FIX_EV_A_DPORT, htons(1003)));
		nla_put_u32(msg, V6FIX_EV_A_SYN_RETRANS, 2);
	}
	if (deferred)
		nla_put_u64(msg, V6FIX_EV_A_DELAY_NS, 1500000);
	nla_put_string(msg, V6FIX_EV_A_MAX + 2, "from a newer module");
#undef PUT
	return msg;
}

static void test_parse_event(void **state)
{
	struct v6fix_event_msg ev;
	struct nl_msg *msg;
	char buf[INET6_ADDRSTRLEN];

	(void)state;
	msg = event_msg(AF_INET6, true, true, -1);
	assert_int_equal(v6fix_genl_parse_event(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(ev.timestamp_ns, 123456789012ull);
	assert_int_equal(ev.family, AF_INET6);
	assert_int_equal(ev.icmp_code, 3);
	assert_string_equal(inet_ntop(AF_INET6, ev.icmp_source, buf, sizeof(buf)), "fd00:1::1");
	assert_true(ev.has_conn);
	assert_string_equal(inet_ntop(AF_INET6, ev.saddr, buf, sizeof(buf)), "fd00:1::2");
	assert_string_equal(inet_ntop(AF_INET6, ev.daddr, buf, sizeof(buf)), "fd00:2::2");
	assert_int_equal(ev.sport, 40001);
	assert_int_equal(ev.dport, 1003);
	assert_int_equal(ev.err, EHOSTUNREACH);
	assert_int_equal(ev.action, V6FIX_ACTION_DEFERRED_ABORT);
	assert_true(ev.has_retrans);
	assert_int_equal(ev.syn_retrans, 2);
	assert_true(ev.has_delay);
	assert_int_equal(ev.delay_ns, 1500000);
	nlmsg_free(msg);

	/* IPv4: the family's own attributes, ports in network byte order. */
	msg = event_msg(AF_INET, true, false, -1);
	assert_int_equal(v6fix_genl_parse_event(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(ev.family, AF_INET);
	assert_string_equal(inet_ntop(AF_INET, ev.icmp_source, buf, sizeof(buf)), "10.0.1.1");
	assert_string_equal(inet_ntop(AF_INET, ev.saddr, buf, sizeof(buf)), "10.0.1.2");
	assert_string_equal(inet_ntop(AF_INET, ev.daddr, buf, sizeof(buf)), "10.0.2.2");
	assert_int_equal(ev.sport, 40001);
	assert_int_equal(ev.dport, 1003);
	nlmsg_free(msg);

	/* A malformed error: no connection, no retransmissions, no delay. */
	msg = event_msg(AF_INET, false, false, -1);
	assert_int_equal(v6fix_genl_parse_event(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(ev.family, AF_INET);
	assert_string_equal(inet_ntop(AF_INET, ev.icmp_source, buf, sizeof(buf)), "10.0.1.1");
	assert_false(ev.has_conn);
	assert_false(ev.has_retrans);
	assert_false(ev.has_delay);
	nlmsg_free(msg);
}

static void test_parse_event_bad(void **state)
{
	static const int required[] = {
		V6FIX_EV_A_TIMESTAMP_NS, V6FIX_EV_A_FAMILY, V6FIX_EV_A_ICMP_TYPE,
		V6FIX_EV_A_ICMP_CODE, V6FIX_EV_A_ICMP_SOURCE6, V6FIX_EV_A_ERRNO,
		V6FIX_EV_A_POLICY, V6FIX_EV_A_ACTION,
		/* half a connection is none */
		V6FIX_EV_A_SADDR6, V6FIX_EV_A_DPORT,
	};
	struct v6fix_event_msg ev;
	struct nl_msg *msg;

	(void)state;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		msg = event_msg(AF_INET6, true, false, required[i]);
		assert_int_equal(v6fix_genl_parse_event(nlmsg_hdr(msg), &ev), -EBADMSG);
		nlmsg_free(msg);
	}
	/* An IPv6 event with the IPv4 attribute for its source. */
	msg = event_msg(AF_INET6, false, false, V6FIX_EV_A_ICMP_SOURCE6);
	nla_put_u32(msg, V6FIX_EV_A_ICMP_SOURCE4, htonl(0x0a000101));
	assert_int_equal(v6fix_genl_parse_event(nlmsg_hdr(msg), &ev), -EBADMSG);
	nlmsg_free(msg);
	/* ... with both. */
	msg = event_msg(AF_INET6, true, false, -1);
	nla_put_u32(msg, V6FIX_EV_A_SADDR4, htonl(0x0a000102));
	assert_int_equal(v6fix_genl_parse_event(nlmsg_hdr(msg), &ev), -EBADMSG);
	nlmsg_free(msg);
	/* ... an address of the wrong length. */
	msg = event_msg(AF_INET6, false, false, V6FIX_EV_A_ICMP_SOURCE6);
	nla_put_u32(msg, V6FIX_EV_A_ICMP_SOURCE6, 0x0a000101);
	assert_int_equal(v6fix_genl_parse_event(nlmsg_hdr(msg), &ev), -EBADMSG);
	nlmsg_free(msg);
	/* A port that is not 16 bits. */
	msg = event_msg(AF_INET, true, false, V6FIX_EV_A_SPORT);
	nla_put_u32(msg, V6FIX_EV_A_SPORT, 40001);
	assert_int_equal(v6fix_genl_parse_event(nlmsg_hdr(msg), &ev), -EBADMSG);
	nlmsg_free(msg);
}

static void test_action_names(void **state)
{
	(void)state;
	assert_string_equal(v6fix_action_name(V6FIX_ACTION_PASSED), "passed");
	assert_string_equal(v6fix_action_name(V6FIX_ACTION_DEFERRED_ABORT), "deferred-abort");
	assert_string_equal(v6fix_action_name(V6FIX_ACTION_IGNORED_MALFORMED),
			    "ignored-malformed");
	for (uint32_t a = 0; a <= V6FIX_ACTION_MAX; a++)
		assert_non_null(v6fix_action_name(a));
	assert_null(v6fix_action_name(V6FIX_ACTION_MAX + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stats),
		cmocka_unit_test(test_parse_stats_bad),
		cmocka_unit_test(test_parse_event),
		cmocka_unit_test(test_parse_event_bad),
		cmocka_unit_test(test_action_names),
	};
	return cmocka_run_group_tests_name("softerr_genl", tests, NULL, NULL);
}
