// SPDX-License-Identifier: GPL-2.0
/* Small parsers and errno names (util.c). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "util.h"

static void test_parse_u32(void **state)
{
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "1x", "0x10", "4294967296", "99999999999999999999", "abc",
		"\t1", "\n-0", "\v7",	/* strtoull skips white space (fuzz_util) */
	};
	uint32_t v;

	(void)state;
	assert_int_equal(v6fix_parse_u32("0", 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(v6fix_parse_u32("127", 127, &v), 0);
	assert_int_equal(v, 127);
	assert_int_equal(v6fix_parse_u32("4294967295", UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(v6fix_parse_u32("128", 127, &v), -1);
	assert_int_equal(v6fix_parse_u32(NULL, 1, &v), -1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(v6fix_parse_u32(bad[i], UINT32_MAX, &v), -1);
}

static void test_parse_duration(void **state)
{
	static const char *const bad[] = { "", "-5", "ms", "5 ms", "5m", "5sec", "nan", "inf", "1e999",
		"\n-90", "\t5", " -1s", "1e308s", "0x10",	/* found by fuzz_util */
	};
	double ms;

	(void)state;
	assert_int_equal(v6fix_parse_duration_ms("250", 1, &ms), 0);
	assert_true(ms == 250);
	assert_int_equal(v6fix_parse_duration_ms("250ms", 1000, &ms), 0);
	assert_true(ms == 250);
	assert_int_equal(v6fix_parse_duration_ms("1.5s", 1, &ms), 0);
	assert_true(ms == 1500);
	assert_int_equal(v6fix_parse_duration_ms("2", 1000, &ms), 0);
	assert_true(ms == 2000);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(v6fix_parse_duration_ms(bad[i], 1, &ms), -1);
}

static void test_matches(void **state)
{
	(void)state;
	assert_true(v6fix_matches("s", "show"));
	assert_true(v6fix_matches("show", "show"));
	assert_false(v6fix_matches("", "show"));
	assert_false(v6fix_matches("shows", "show"));
	assert_false(v6fix_matches("x", "show"));
}

static void test_errno_names(void **state)
{
	(void)state;
	assert_string_equal(v6fix_errno_name(ENETUNREACH), "ENETUNREACH");
	assert_string_equal(v6fix_errno_name(-EHOSTUNREACH), "EHOSTUNREACH");
	assert_string_equal(v6fix_errno_name(ETIMEDOUT), "ETIMEDOUT");
	assert_string_equal(v6fix_errno_name(ECONNREFUSED), "ECONNREFUSED");
	assert_null(v6fix_errno_name(100000));
	assert_null(v6fix_errno_name(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u32),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_errno_names),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
