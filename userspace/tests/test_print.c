// SPDX-License-Identifier: GPL-2.0
/* The text/JSON printer: nesting, commas, escapes, null, floats, text mode. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "print.h"

static char *buf;
static size_t len;
static FILE *f;

static int setup(void **state)
{
	(void)state;
	f = open_memstream(&buf, &len);
	return f ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	fclose(f);
	free(buf);
	return 0;
}

static const char *output(void)
{
	fflush(f);
	return buf;
}

static void test_json_nesting(void **state)
{
	(void)state;
	print_init(true, f);
	print_open_object(NULL);
	print_open_array("attempts");
	print_open_object(NULL);
	print_string(PRINT_ANY, "family", "%s", "inet6");
	print_float(PRINT_ANY, "start_ms", "%.1f", 1, 0.0);
	print_float(PRINT_ANY, "end_ms", "%.1f", 1, 10.44);
	print_close_object();
	print_open_object(NULL);
	print_uint(PRINT_ANY, "n", "%llu", 7);
	print_close_object();
	print_close_array();
	print_null(PRINT_ANY, "winner", "none");
	print_int(PRINT_JSON, "neg", NULL, -3);
	print_bool(PRINT_ANY, "ok", "%s", false);
	print_close_object();
	print_end();
	assert_string_equal(output(),
		"{\"attempts\":[{\"family\":\"inet6\",\"start_ms\":0.0,\"end_ms\":10.4},"
		"{\"n\":7}],\"winner\":null,\"neg\":-3,\"ok\":false}\n");
}

static void test_json_escape(void **state)
{
	(void)state;
	print_init(true, f);
	print_open_object(NULL);
	print_string(PRINT_ANY, "s", "%s", "a\"b\\c\n\t\x01");
	print_string(PRINT_ANY, "n", "%s", NULL);
	print_float(PRINT_ANY, "inf", "%f", 1, 1.0 / 0.0);
	print_close_object();
	print_end();
	assert_string_equal(output(), "{\"s\":\"a\\\"b\\\\c\\n\\t\\u0001\",\"n\":null,\"inf\":null}\n");
}

static void test_text_mode(void **state)
{
	(void)state;
	print_init(false, f);
	print_open_object(NULL);
	print_string(PRINT_ANY, "family", "family %s", "inet");
	print_string(PRINT_JSON, "hidden", "%s", "x");
	print_uint(PRINT_FP, NULL, " n %llu", 3);
	print_float(PRINT_ANY, "ms", " %.2f ms", 1, 1.234);
	print_null(PRINT_ANY, "winner", " no winner");
	print_text(" [%d]\n", 5);
	print_close_object();
	print_end();
	assert_string_equal(output(), "family inet n 3 1.23 ms no winner [5]\n");
	assert_false(print_is_json());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_escape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_mode, setup, teardown),
	};
	return cmocka_run_group_tests_name("print", tests, NULL, NULL);
}
