// SPDX-License-Identifier: GPL-2.0
/*
 * The resolver model (model_dns.h): glibc 2.36's schedule, worked out by
 * hand from res_send.c's send_dg(), over what the name server answers; the
 * unbound constants are those model_dns.c documents. D = 10 ms.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "model_dns.h"

static struct v6fix_dns_scenario sc(const char *fault, const char *arg,
				    enum v6fix_dns_resolver r, const char *opts)
{
	struct v6fix_dns_scenario s;

	v6fix_dns_scenario_init(&s);
	assert_int_equal(v6fix_dns_fault_parse(fault, arg, &s), 0);
	assert_int_equal(v6fix_dns_options_parse(opts, &s), 0);
	s.resolver = r;
	s.delay_ms = 10;
	return s;
}

static struct v6fix_dns_prediction run(const struct v6fix_dns_scenario *s)
{
	struct v6fix_dns_prediction p;

	assert_int_equal(v6fix_dns_predict(s, &p), 0);
	return p;
}

/* A silent AAAA: 3 timeouts by default, 2 with single-request, 1 with reopen. */
static void test_ignore(void **state)
{
	struct v6fix_dns_scenario s;
	struct v6fix_dns_prediction p;

	(void)state;
	s = sc("dns_ignore_aaaa", NULL, V6FIX_DNS_DIRECT, "");
	p = run(&s);
	/* 3 x 5 s, plus the A of the two retries, one round trip (20 ms) each. */
	assert_float_equal(p.resolve_ms, 15000 + 2 * 20, 0.01);
	assert_true(p.have_a);
	assert_false(p.have_aaaa);
	assert_false(p.failed);
	assert_non_null(strstr(p.why, "3 timeouts of 5 s"));

	s = sc("dns_ignore_aaaa", NULL, V6FIX_DNS_DIRECT, "single-request");
	assert_float_equal(run(&s).resolve_ms, 10000 + 20, 0.01);
	s = sc("dns_ignore_aaaa", NULL, V6FIX_DNS_DIRECT, "single-request-reopen");
	assert_float_equal(run(&s).resolve_ms, 5000, 0.01);
	s = sc("dns_ignore_aaaa", NULL, V6FIX_DNS_DIRECT, "single-request single-request-reopen");
	assert_float_equal(run(&s).resolve_ms, 5000, 0.01);
	/* attempts does not count these retries. */
	s = sc("dns_ignore_aaaa", NULL, V6FIX_DNS_DIRECT, "timeout:1,attempts:1");
	assert_float_equal(run(&s).resolve_ms, 3000 + 2 * 20, 0.01);
	/* Through the cache the same: unbound answers later than glibc waits. */
	s = sc("dns_ignore_aaaa", NULL, V6FIX_DNS_CACHE, "timeout:2");
	p = run(&s);
	assert_float_equal(p.resolve_ms, 6000 + 2 * 20, 0.01);
	assert_non_null(strstr(p.why, "unbound"));
	/* no-aaaa: no AAAA query, one round trip. */
	s = sc("dns_ignore_aaaa", NULL, V6FIX_DNS_DIRECT, "no-aaaa");
	p = run(&s);
	assert_false(p.asked_aaaa);
	assert_float_equal(p.resolve_ms, 20, 0.01);
}

/* Negative or failing AAAA answers never hide the A. */
static void test_negative(void **state)
{
	static const char *const faults[][2] = {
		{ "dns_nxdomain_aaaa", NULL }, { "dns_rcode_aaaa", "1" },
		{ "dns_rcode_aaaa", "2" }, { "dns_rcode_aaaa", "4" },
		{ "dns_broken_aaaa", NULL }, { "dns_lame_aaaa", NULL },
	};
	struct v6fix_dns_scenario s;
	struct v6fix_dns_prediction p;

	(void)state;
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		s = sc(faults[i][0], faults[i][1], V6FIX_DNS_DIRECT, "");
		p = run(&s);
		assert_true(p.have_a);
		assert_false(p.have_aaaa);
		assert_false(p.failed);
		assert_float_equal(p.resolve_ms, 20, 0.01);
		s.resolver = V6FIX_DNS_CACHE;
		p = run(&s);
		assert_true(p.have_a);
		assert_false(p.failed);
		/* Cold: 5 round trips and 30 ms, plus what unbound adds. */
		assert_true(p.resolve_ms >= 130);
	}
	s = sc("dns_nxdomain_aaaa", NULL, V6FIX_DNS_CACHE, "");
	assert_float_equal(run(&s).resolve_ms, 130, 0.01);
	s = sc("dns_lame_aaaa", NULL, V6FIX_DNS_CACHE, "");
	p = run(&s);
	assert_float_equal(p.resolve_ms, 130 + 420, 0.01);
	assert_non_null(strstr(p.why, "SERVFAIL"));
	s = sc("dns_rcode_aaaa", "2", V6FIX_DNS_CACHE, "");
	assert_float_equal(run(&s).resolve_ms, 130 + 800, 0.01);
	/* NOTIMP: the SERVFAIL comes to glibc's retry, not before 1.7 s. */
	s = sc("dns_rcode_aaaa", "4", V6FIX_DNS_CACHE, "");
	assert_float_equal(run(&s).resolve_ms, 5000 + 40, 0.01);
	s = sc("dns_rcode_aaaa", "4", V6FIX_DNS_CACHE, "timeout:1");
	assert_float_equal(run(&s).resolve_ms, 1700, 0.01);
	/* single-request through the cache: A cold, then AAAA warm. */
	s = sc("dns_ok", NULL, V6FIX_DNS_CACHE, "single-request");
	p = run(&s);
	assert_true(p.have_aaaa);
	assert_float_equal(p.resolve_ms, 130 + 40, 0.01);
}

/* The cache's IPv6 transport: slow, and with short timeouts no address. */
static void test_v6_transport(void **state)
{
	struct v6fix_dns_scenario s;
	struct v6fix_dns_prediction p;

	(void)state;
	s = sc("dns_v6_transport", "blackhole", V6FIX_DNS_CACHE, "");
	p = run(&s);
	assert_float_equal(p.resolve_ms, 4500, 0.01);
	assert_true(p.have_aaaa);
	s = sc("dns_v6_transport", "reject", V6FIX_DNS_CACHE, "timeout:2 attempts:3");
	p = run(&s);
	assert_float_equal(p.resolve_ms, 4500, 0.01);
	assert_false(p.failed);
	s = sc("dns_v6_transport", "blackhole", V6FIX_DNS_CACHE, "timeout:1");
	p = run(&s);
	assert_true(p.failed);
	assert_false(p.have_a);
	assert_float_equal(p.resolve_ms, 2000, 0.01);
	assert_string_equal(p.error, "Temporary failure in name resolution");
	/* do-ip6 no: the cache never tries IPv6. */
	s.do_ip6 = false;
	p = run(&s);
	assert_false(p.failed);
	assert_float_equal(p.resolve_ms, 130, 0.01);
}

/* AI_ADDRCONFIG skips AAAA only when IPv6 is disabled, not for link-local. */
static void test_addrconfig(void **state)
{
	struct v6fix_dns_scenario s;
	struct v6fix_dns_prediction p;

	(void)state;
	s = sc("dns_ignore_aaaa", NULL, V6FIX_DNS_DIRECT, "");
	s.client_v6 = V6FIX_CLIENT_V6_DISABLED;
	assert_true(run(&s).asked_aaaa);	/* without AI_ADDRCONFIG */
	s.addrconfig = true;
	p = run(&s);
	assert_false(p.asked_aaaa);
	assert_float_equal(p.resolve_ms, 20, 0.01);
	s.client_v6 = V6FIX_CLIENT_V6_LINKLOCAL;
	p = run(&s);
	assert_true(p.asked_aaaa);
	assert_true(p.resolve_ms > 15000);
}

static void test_parse(void **state)
{
	struct v6fix_dns_scenario s;

	(void)state;
	v6fix_dns_scenario_init(&s);
	assert_int_equal(s.timeout_s, 5);
	assert_int_equal(s.attempts, 2);
	assert_int_equal(v6fix_dns_fault_parse("dns_rcode_aaaa", "3", &s), -EINVAL);
	assert_int_equal(v6fix_dns_fault_parse("dns_rcode_aaaa", NULL, &s), 0);
	assert_int_equal(s.rcode, 2);
	assert_int_equal(v6fix_dns_fault_parse("dns_ignore_aaaa", "1", &s), -EINVAL);
	assert_int_equal(v6fix_dns_fault_parse("dns_v6_transport", "reject", &s), 0);
	assert_int_equal(s.mode, V6FIX_DNS_V6_REJECT);
	assert_int_equal(v6fix_dns_fault_parse("dns_v6_transport", "drop", &s), -EINVAL);
	assert_int_equal(v6fix_dns_fault_parse("v6_blackhole", NULL, &s), -EINVAL);
	assert_int_equal(v6fix_dns_options_parse("timeout:0", &s), -EINVAL);
	assert_int_equal(v6fix_dns_options_parse("timeout:31", &s), -EINVAL);
	assert_int_equal(v6fix_dns_options_parse("attempts:6", &s), -EINVAL);
	assert_int_equal(v6fix_dns_options_parse("timeout:", &s), -EINVAL);
	assert_int_equal(v6fix_dns_options_parse("rotate", &s), -EINVAL);
	assert_int_equal(v6fix_dns_options_parse("single-requestx", &s), -EINVAL);
	assert_int_equal(v6fix_dns_options_parse(" timeout:3,,attempts:4 ", &s), 0);
	assert_int_equal(s.timeout_s, 3);
	assert_int_equal(s.attempts, 4);
	s.timeout_s = 0;
	{
		struct v6fix_dns_prediction p;

		assert_int_equal(v6fix_dns_predict(&s, &p), -EINVAL);
	}
	assert_string_equal(v6fix_dns_mode_name(V6FIX_DNS_LAME), "lame");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ignore),
		cmocka_unit_test(test_negative),
		cmocka_unit_test(test_v6_transport),
		cmocka_unit_test(test_addrconfig),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
