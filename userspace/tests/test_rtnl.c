// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink messages: what the builders put on the wire, and what the
 * parsers make of kernel answers, including attributes they do not know
 * (skipped) and malformed ones (refused).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/if_addr.h>
#include <linux/if_addrlabel.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <cmocka.h>

#include "rtnl.h"

/* Big enough for the kernel-like messages built here. */
static char buf[1024] __attribute__((aligned(4)));

/* The attribute of @type in @nlh after @hdrlen bytes, or NULL. */
static const struct nlattr *find_attr(const struct nlmsghdr *nlh, size_t hdrlen, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, hdrlen)
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static void test_route_msg_wire(void **state)
{
	struct v6fix_route rt = {
		.family = AF_INET6, .table = RT_TABLE_MAIN, .protocol = V6FIX_RTPROT,
		.type = RTN_UNICAST, .scope = RT_SCOPE_UNIVERSE, .oif = 7,
		.has_priority = true, .priority = 4294967295u,
	};
	const struct rtmsg *rtm;
	const struct nlattr *a;
	struct nlmsghdr *nlh;

	(void)state;
	nlh = v6fix_rtnl_route_msg(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_ACK, &rt);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWROUTE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_family, AF_INET6);
	assert_int_equal(rtm->rtm_dst_len, 0);
	assert_int_equal(rtm->rtm_protocol, 118);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	/* ::/0 is said by dst_len 0 alone: no RTA_DST, and never a gateway. */
	assert_null(find_attr(nlh, sizeof(*rtm), RTA_DST));
	assert_null(find_attr(nlh, sizeof(*rtm), RTA_GATEWAY));
	a = find_attr(nlh, sizeof(*rtm), RTA_OIF);
	assert_non_null(a);
	assert_int_equal(mnl_attr_get_u32(a), 7);
	a = find_attr(nlh, sizeof(*rtm), RTA_PRIORITY);
	assert_non_null(a);
	assert_int_equal(mnl_attr_get_u32(a), 4294967295u);
	a = find_attr(nlh, sizeof(*rtm), RTA_TABLE);
	assert_non_null(a);
	assert_int_equal(mnl_attr_get_u32(a), RT_TABLE_MAIN);

	/* A table number above 255 travels in RTA_TABLE only. */
	rt.table = 1000;
	rt.has_priority = false;
	nlh = v6fix_rtnl_route_msg(buf, RTM_DELROUTE, NLM_F_ACK, &rt);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_table, RT_TABLE_UNSPEC);
	assert_int_equal(mnl_attr_get_u32(find_attr(nlh, sizeof(*rtm), RTA_TABLE)), 1000);
	assert_null(find_attr(nlh, sizeof(*rtm), RTA_PRIORITY));
}

static void test_route_round_trip(void **state)
{
	struct v6fix_route in = {
		.family = AF_INET6, .dst_len = 0, .table = 254, .protocol = RTPROT_BOOT,
		.type = RTN_UNICAST, .oif = 3, .has_priority = true, .priority = 2048,
	}, out;
	struct nlmsghdr *nlh;

	(void)state;
	nlh = v6fix_rtnl_route_msg(buf, RTM_NEWROUTE, 0, &in);
	assert_int_equal(v6fix_rtnl_parse_route(nlh, &out), 0);
	assert_int_equal(out.family, AF_INET6);
	assert_int_equal(out.table, 254);
	assert_int_equal(out.protocol, RTPROT_BOOT);
	assert_int_equal(out.oif, 3);
	assert_true(out.has_priority);
	assert_int_equal(out.priority, 2048);
	assert_false(out.has_gateway);
	assert_true(v6fix_route_is_onlink_default(&out));

	/* A prefix route keeps its destination. */
	in.dst_len = 64;
	inet_pton(AF_INET6, "2001:db8:1::", &in.dst);
	nlh = v6fix_rtnl_route_msg(buf, RTM_NEWROUTE, 0, &in);
	assert_int_equal(v6fix_rtnl_parse_route(nlh, &out), 0);
	assert_int_equal(out.dst_len, 64);
	assert_memory_equal(&out.dst, &in.dst, 16);
	assert_false(v6fix_route_is_onlink_default(&out));
}

/* A route as the kernel would dump it, with extra attributes. */
static struct nlmsghdr *kernel_route(bool gateway, uint32_t flags, bool unknown_attr)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	struct in6_addr gw;

	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_RA;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_flags = flags;
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, 1024);
	if (unknown_attr)
		mnl_attr_put_u32(nlh, 0x3f0, 0xdeadbeef);	/* from a future kernel */
	if (gateway) {
		inet_pton(AF_INET6, "fe80::1", &gw);
		mnl_attr_put(nlh, RTA_GATEWAY, sizeof(gw), &gw);
	}
	mnl_attr_put_u32(nlh, RTA_OIF, 2);
	mnl_attr_put_u8(nlh, RTA_PREF, 0);
	return nlh;
}

static void test_route_parse_kernel(void **state)
{
	struct v6fix_route rt;

	(void)state;
	assert_int_equal(v6fix_rtnl_parse_route(kernel_route(false, 0, true), &rt), 0);
	assert_int_equal(rt.oif, 2);
	assert_int_equal(rt.priority, 1024);
	assert_true(v6fix_route_is_onlink_default(&rt));

	assert_int_equal(v6fix_rtnl_parse_route(kernel_route(true, 0, false), &rt), 0);
	assert_true(rt.has_gateway);
	assert_false(v6fix_route_is_onlink_default(&rt));

	/* A cached clone is not a configured route. */
	assert_int_equal(v6fix_rtnl_parse_route(kernel_route(false, RTM_F_CLONED, false), &rt), 0);
	assert_false(v6fix_route_is_onlink_default(&rt));
}

static void test_route_parse_malformed(void **state)
{
	struct nlmsghdr *nlh;
	struct v6fix_route rt;
	struct rtmsg *rtm;

	(void)state;
	/* RTA_OIF with 2 bytes instead of 4. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	mnl_attr_put_u16(nlh, RTA_OIF, 2);
	assert_int_equal(v6fix_rtnl_parse_route(nlh, &rt), -EINVAL);

	/* RTA_DST of the wrong size. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = 64;
	mnl_attr_put_u32(nlh, RTA_DST, 0);
	assert_int_equal(v6fix_rtnl_parse_route(nlh, &rt), -EINVAL);

	/* Shorter than struct rtmsg. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	mnl_nlmsg_put_extra_header(nlh, 4);
	assert_int_equal(v6fix_rtnl_parse_route(nlh, &rt), -EINVAL);

	/* Not a route at all. */
	nlh = kernel_route(false, 0, false);
	nlh->nlmsg_type = RTM_NEWLINK;
	assert_int_equal(v6fix_rtnl_parse_route(nlh, &rt), -EINVAL);
}

static void test_onlink_predicate(void **state)
{
	struct v6fix_route base = { .family = AF_INET6, .type = RTN_UNICAST, .oif = 2 }, r;

	(void)state;
	assert_true(v6fix_route_is_onlink_default(&base));
	r = base; r.family = AF_INET;
	assert_false(v6fix_route_is_onlink_default(&r));
	r = base; r.dst_len = 1;
	assert_false(v6fix_route_is_onlink_default(&r));
	r = base; r.type = RTN_UNREACHABLE;
	assert_false(v6fix_route_is_onlink_default(&r));
	r = base; r.has_multipath = true;
	assert_false(v6fix_route_is_onlink_default(&r));
	r = base; r.has_nhid = true;
	assert_false(v6fix_route_is_onlink_default(&r));
	r = base; r.oif = 0;
	assert_false(v6fix_route_is_onlink_default(&r));
}

static void test_addrlabel(void **state)
{
	struct v6fix_addrlabel in = { .prefixlen = 32, .ifindex = 4, .label = 99 }, out;
	const struct ifaddrlblmsg *ifal;
	const struct nlattr *a;
	struct nlmsghdr *nlh;

	(void)state;
	inet_pton(AF_INET6, "2001:db8::", &in.prefix);
	nlh = v6fix_rtnl_addrlabel_msg(buf, RTM_NEWADDRLABEL, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK,
				       &in);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	ifal = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifal->ifal_family, AF_INET6);
	assert_int_equal(ifal->ifal_prefixlen, 32);
	assert_int_equal(ifal->ifal_index, 4);
	a = find_attr(nlh, sizeof(*ifal), IFAL_ADDRESS);
	assert_non_null(a);
	assert_int_equal(mnl_attr_get_payload_len(a), 16);
	assert_memory_equal(mnl_attr_get_payload(a), &in.prefix, 16);
	a = find_attr(nlh, sizeof(*ifal), IFAL_LABEL);
	assert_non_null(a);
	assert_int_equal(mnl_attr_get_u32(a), 99);
	assert_int_equal(nlh->nlmsg_len, NLMSG_LENGTH(sizeof(*ifal)) + 20 + 8);

	/* The dump answer looks the same but for its type. */
	nlh->nlmsg_type = RTM_NEWADDRLABEL;
	assert_int_equal(v6fix_rtnl_parse_addrlabel(nlh, &out), 0);
	assert_memory_equal(&out.prefix, &in.prefix, 16);
	assert_int_equal(out.prefixlen, 32);
	assert_int_equal(out.ifindex, 4);
	assert_int_equal(out.label, 99);

	/* An entry without IFAL_LABEL is malformed. */
	nlh = v6fix_rtnl_addrlabel_msg(buf, RTM_NEWADDRLABEL, 0, &in);
	nlh->nlmsg_len -= 8;
	assert_int_equal(v6fix_rtnl_parse_addrlabel(nlh, &out), -EINVAL);
	/* A prefix length the kernel never sends. */
	nlh = v6fix_rtnl_addrlabel_msg(buf, RTM_NEWADDRLABEL, 0, &in);
	((struct ifaddrlblmsg *)mnl_nlmsg_get_payload(nlh))->ifal_prefixlen = 129;
	assert_int_equal(v6fix_rtnl_parse_addrlabel(nlh, &out), -EINVAL);
}

static void test_link_addr(void **state)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct ifaddrmsg *ifa;
	struct v6fix_link l;
	struct v6fix_addr a;
	struct in_addr v4, peer;
	struct in6_addr v6;
	char want[INET6_ADDRSTRLEN];

	(void)state;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 9;
	ifi->ifi_type = ARPHRD_SIT;
	ifi->ifi_flags = IFF_UP;
	mnl_attr_put_u32(nlh, IFLA_MTU, 1480);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "sit1");
	assert_int_equal(v6fix_rtnl_parse_link(nlh, &l), 0);
	assert_int_equal(l.ifindex, 9);
	assert_int_equal(l.type, ARPHRD_SIT);
	assert_string_equal(l.name, "sit1");
	assert_non_null(v6fix_link_by_index(&l, 1, 9));
	assert_null(v6fix_link_by_index(&l, 1, 8));

	/* IPv4: IFA_ADDRESS wins over IFA_LOCAL, as in glibc's __check_pf. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 24;
	ifa->ifa_index = 2;
	inet_pton(AF_INET, "192.0.2.1", &v4);
	inet_pton(AF_INET, "192.0.2.9", &peer);
	mnl_attr_put(nlh, IFA_LOCAL, 4, &v4);
	mnl_attr_put(nlh, IFA_ADDRESS, 4, &peer);
	assert_int_equal(v6fix_rtnl_parse_addr(nlh, &a), 0);
	assert_int_equal(a.prefixlen, 24);
	inet_ntop(AF_INET6, &a.addr, want, sizeof(want));
	assert_string_equal(want, "::ffff:192.0.2.9");

	/* IPv6 with IFA_FLAGS (wider than ifa_flags). */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = 64;
	ifa->ifa_flags = 0;
	inet_pton(AF_INET6, "2001:db8::1", &v6);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, &v6);
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_DEPRECATED | IFA_F_NOPREFIXROUTE);
	assert_int_equal(v6fix_rtnl_parse_addr(nlh, &a), 0);
	assert_true(a.flags & IFA_F_DEPRECATED);
	assert_memory_equal(&a.addr, &v6, 16);

	/* An IPv6 address of 4 bytes is malformed. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	mnl_attr_put(nlh, IFA_ADDRESS, 4, &v4);
	assert_int_equal(v6fix_rtnl_parse_addr(nlh, &a), -EINVAL);
}

static void test_neightbl(void **state)
{
	struct v6fix_nd_parms p;
	struct nlmsghdr *nlh;
	struct ndtmsg *ndtm;
	struct nlattr *nest;

	(void)state;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEIGHTBL;
	ndtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndtm));
	ndtm->ndtm_family = AF_INET6;
	mnl_attr_put_strz(nlh, NDTA_NAME, "ndisc_cache");
	nest = mnl_attr_nest_start(nlh, NDTA_PARMS);
	mnl_attr_put_u32(nlh, NDTPA_IFINDEX, 5);
	mnl_attr_put_u32(nlh, NDTPA_MCAST_PROBES, 2);
	mnl_attr_put_u32(nlh, NDTPA_UCAST_PROBES, 3);
	mnl_attr_put_u32(nlh, NDTPA_APP_PROBES, 0);
	mnl_attr_put_u32(nlh, 0x3f0, 1);	/* unknown: skipped */
	mnl_attr_put_u64(nlh, NDTPA_RETRANS_TIME, 500);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(v6fix_rtnl_parse_neightbl(nlh, &p), 1);
	assert_int_equal(p.ifindex, 5);
	assert_int_equal(p.mcast_probes, 2);
	assert_int_equal(p.ucast_probes, 3);
	assert_int_equal(p.retrans_time_ms, 500);

	/* The IPv4 table (arp_cache) is not ours. */
	ndtm->ndtm_family = AF_INET;
	assert_int_equal(v6fix_rtnl_parse_neightbl(nlh, &p), 0);
}

static void test_dump_msg(void **state)
{
	struct nlmsghdr *nlh;

	(void)state;
	nlh = v6fix_rtnl_dump_msg(buf, RTM_GETADDRLABEL, AF_INET6);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(nlh->nlmsg_len, NLMSG_LENGTH(sizeof(struct ifaddrlblmsg)));
	assert_int_equal(*(uint8_t *)mnl_nlmsg_get_payload(nlh), AF_INET6);
	nlh = v6fix_rtnl_dump_msg(buf, RTM_GETROUTE, AF_INET6);
	assert_int_equal(nlh->nlmsg_len, NLMSG_LENGTH(sizeof(struct rtmsg)));
	nlh = v6fix_rtnl_dump_msg(buf, RTM_GETNEIGHTBL, AF_INET6);
	assert_int_equal(nlh->nlmsg_len, NLMSG_LENGTH(sizeof(struct ndtmsg)));
}

static void test_names(void **state)
{
	char b[16];

	(void)state;
	assert_string_equal(v6fix_rtprot_name(V6FIX_RTPROT, b, sizeof(b)), "v6fix");
	assert_string_equal(v6fix_rtprot_name(RTPROT_BOOT, b, sizeof(b)), "boot");
	assert_string_equal(v6fix_rtprot_name(200, b, sizeof(b)), "200");
	assert_string_equal(v6fix_rttable_name(RT_TABLE_MAIN, b, sizeof(b)), "main");
	assert_string_equal(v6fix_rttable_name(1000, b, sizeof(b)), "1000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_msg_wire),
		cmocka_unit_test(test_route_round_trip),
		cmocka_unit_test(test_route_parse_kernel),
		cmocka_unit_test(test_route_parse_malformed),
		cmocka_unit_test(test_onlink_predicate),
		cmocka_unit_test(test_addrlabel),
		cmocka_unit_test(test_link_addr),
		cmocka_unit_test(test_neightbl),
		cmocka_unit_test(test_dump_msg),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("rtnl", tests, NULL, NULL);
}
