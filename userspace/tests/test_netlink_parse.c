// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing what the kernel sends: NLMSG_ERROR with and without extended ack
 * (capped and uncapped), malformed errors, and the v6fix GET_CONFIG reply
 * (built here with libnl as the kernel would build it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "extack.h"
#include "genl.h"

/* An error message quoting a request of @req_payload bytes, plus an extack. */
static size_t build_err(unsigned char *buf, int error, bool capped, size_t req_payload,
			const char *text)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	struct nlattr *a;

	memset(buf, 0, 1024);
	nlh->nlmsg_type = NLMSG_ERROR;
	e->error = error;
	e->msg.nlmsg_len = NLMSG_HDRLEN + req_payload;
	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	else
		off += NLMSG_ALIGN(req_payload);
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		a = (struct nlattr *)(buf + off);
		a->nla_type = NLMSGERR_ATTR_MSG;
		a->nla_len = NLA_HDRLEN + strlen(text) + 1;
		memcpy(a + 1, text, strlen(text) + 1);
		off += NLA_ALIGN(a->nla_len);
	}
	nlh->nlmsg_len = off;
	return off;
}

static void test_extack_uncapped(void **state)
{
	unsigned char buf[1024];
	const char *msg;
	size_t n;

	(void)state;
	n = build_err(buf, -EINVAL, false, 12, "no setting given");
	assert_int_equal(v6fix_nlerr_parse((struct nlmsghdr *)buf, n, &msg), -EINVAL);
	assert_non_null(msg);
	assert_string_equal(msg, "no setting given");
}

static void test_extack_capped(void **state)
{
	unsigned char buf[1024];
	const char *msg;
	size_t n;

	(void)state;
	n = build_err(buf, -ERANGE, true, 40, "integer out of range");
	assert_int_equal(v6fix_nlerr_parse((struct nlmsghdr *)buf, n, &msg), -ERANGE);
	assert_string_equal(msg, "integer out of range");
}

static void test_ack_and_plain_error(void **state)
{
	unsigned char buf[1024];
	const char *msg;
	size_t n;

	(void)state;
	n = build_err(buf, 0, true, 0, NULL);
	assert_int_equal(v6fix_nlerr_parse((struct nlmsghdr *)buf, n, &msg), 0);
	assert_null(msg);
	n = build_err(buf, -EPERM, false, 4, NULL);
	assert_int_equal(v6fix_nlerr_parse((struct nlmsghdr *)buf, n, &msg), -EPERM);
	assert_null(msg);
}

static void test_malformed_errors(void **state)
{
	unsigned char buf[1024];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlattr *a;
	const char *msg;
	size_t n;

	(void)state;
	/* Shorter than the header says. */
	n = build_err(buf, -EINVAL, false, 12, "x");
	assert_int_equal(v6fix_nlerr_parse(nlh, n - 1, &msg), -EBADMSG);
	/* Not an error message. */
	nlh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(v6fix_nlerr_parse(nlh, n, &msg), -EBADMSG);
	/* A positive error. */
	n = build_err(buf, 5, false, 0, NULL);
	assert_int_equal(v6fix_nlerr_parse(nlh, n, &msg), -EBADMSG);
	/* Attribute longer than the message. */
	n = build_err(buf, -EINVAL, true, 0, "abc");
	a = (struct nlattr *)(buf + NLMSG_HDRLEN + sizeof(struct nlmsgerr));
	a->nla_len = 200;
	assert_int_equal(v6fix_nlerr_parse(nlh, n, &msg), -EBADMSG);
	/* Text without its NUL: ignored, error kept. */
	n = build_err(buf, -EINVAL, true, 0, "abcd");
	a->nla_len = NLA_HDRLEN + 4;
	nlh->nlmsg_len -= 4;
	assert_int_equal(v6fix_nlerr_parse(nlh, n, &msg), -EINVAL);
	assert_null(msg);
	/* Quoted request longer than the message. */
	n = build_err(buf, -EINVAL, false, 0, "abc");
	((struct nlmsgerr *)NLMSG_DATA(nlh))->msg.nlmsg_len = 4000;
	assert_int_equal(v6fix_nlerr_parse(nlh, n, &msg), -EBADMSG);
}

static struct nl_msg *config_reply(bool with_unknown, bool drop_policy)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(genlmsg_put(msg, 0, 1, 0x20, 0, 0, V6FIX_CMD_GET_CONFIG, 1));
	nla_put_string(msg, V6FIX_A_VERSION, "0.1.0");
	nla_put_u32(msg, V6FIX_A_NETNS_INUM, 4026531840u);
	if (!drop_policy)
		nla_put_u32(msg, V6FIX_A_POLICY_INET6, V6FIX_POLICY_RFC1122);
	nla_put_u32(msg, V6FIX_A_POLICY_INET, V6FIX_POLICY_BSD);
	nla_put_u32(msg, V6FIX_A_BSD_RETRIES, 5);
	if (with_unknown)
		nla_put_u64(msg, V6FIX_A_MAX + 7, 1);	/* from a newer module */
	return msg;
}

static void test_parse_config(void **state)
{
	struct v6fix_config cfg;
	struct nl_msg *msg;

	(void)state;
	msg = config_reply(true, false);
	assert_int_equal(v6fix_genl_parse_config(nlmsg_hdr(msg), &cfg), 0);
	assert_string_equal(cfg.version, "0.1.0");
	assert_int_equal(cfg.netns_inum, 4026531840u);
	assert_int_equal(cfg.policy_inet6, V6FIX_POLICY_RFC1122);
	assert_int_equal(cfg.policy_inet, V6FIX_POLICY_BSD);
	assert_int_equal(cfg.bsd_retries, 5);
	nlmsg_free(msg);

	msg = config_reply(false, true);
	assert_int_equal(v6fix_genl_parse_config(nlmsg_hdr(msg), &cfg), -EBADMSG);
	nlmsg_free(msg);
}

static void test_policy_names(void **state)
{
	(void)state;
	assert_string_equal(v6fix_policy_name(V6FIX_POLICY_PASS), "pass");
	assert_string_equal(v6fix_policy_name(V6FIX_POLICY_BSD), "bsd");
	assert_null(v6fix_policy_name(V6FIX_POLICY_MAX + 1));
	assert_int_equal(v6fix_policy_parse("rfc1122"), V6FIX_POLICY_RFC1122);
	assert_int_equal(v6fix_policy_parse("hard"), V6FIX_POLICY_HARD);
	assert_int_equal(v6fix_policy_parse("Hard"), -1);
	assert_int_equal(v6fix_policy_parse(""), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extack_uncapped),
		cmocka_unit_test(test_extack_capped),
		cmocka_unit_test(test_ack_and_plain_error),
		cmocka_unit_test(test_malformed_errors),
		cmocka_unit_test(test_parse_config),
		cmocka_unit_test(test_policy_names),
	};
	return cmocka_run_group_tests_name("netlink_parse", tests, NULL, NULL);
}
