// SPDX-License-Identifier: GPL-2.0
/*
 * The text/JSON printer (see print.h). The JSON writer keeps, per nesting
 * level, whether a value was already written there, so commas are placed
 * without the callers knowing about them.
 */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "print.h"

#define PRINT_MAX_DEPTH 32

static struct {
	bool json;
	FILE *out;
	int depth;
	bool has_value[PRINT_MAX_DEPTH];
} pr = { .out = NULL };

void print_init(bool json, FILE *out)
{
	memset(&pr, 0, sizeof(pr));
	pr.json = json;
	pr.out = out ? out : stdout;
}

bool print_is_json(void)
{
	return pr.json;
}

static FILE *out(void)
{
	return pr.out ? pr.out : stdout;
}

void print_json_escaped(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Start a JSON value at the current level: comma and key as needed. */
static void json_key(const char *key)
{
	if (pr.depth > 0) {
		if (pr.has_value[pr.depth])
			fputc(',', out());
		pr.has_value[pr.depth] = true;
	}
	if (key) {
		print_json_escaped(out(), key);
		fputc(':', out());
	}
}

static void json_open(const char *key, char c)
{
	json_key(key);
	fputc(c, out());
	if (pr.depth < PRINT_MAX_DEPTH - 1)
		pr.depth++;
	pr.has_value[pr.depth] = false;
}

static void json_close(char c)
{
	fputc(c, out());
	if (pr.depth > 0)
		pr.depth--;
}

void print_open_object(const char *key)
{
	if (pr.json)
		json_open(key, '{');
}

void print_close_object(void)
{
	if (pr.json)
		json_close('}');
}

void print_open_array(const char *key)
{
	if (pr.json)
		json_open(key, '[');
}

void print_close_array(void)
{
	if (pr.json)
		json_close(']');
}

static bool want_json(enum output_type t)
{
	return pr.json && (t & PRINT_JSON);
}

static bool want_text(enum output_type t)
{
	return !pr.json && (t & PRINT_FP);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void print_string(enum output_type t, const char *key, const char *fmt, const char *value)
{
	if (want_json(t)) {
		json_key(key);
		if (value)
			print_json_escaped(out(), value);
		else
			fputs("null", out());
	} else if (want_text(t) && fmt) {
		fprintf(out(), fmt, value ? value : "-");
	}
}

void print_uint(enum output_type t, const char *key, const char *fmt, unsigned long long value)
{
	if (want_json(t)) {
		json_key(key);
		fprintf(out(), "%llu", value);
	} else if (want_text(t) && fmt) {
		fprintf(out(), fmt, value);
	}
}

void print_int(enum output_type t, const char *key, const char *fmt, long long value)
{
	if (want_json(t)) {
		json_key(key);
		fprintf(out(), "%lld", value);
	} else if (want_text(t) && fmt) {
		fprintf(out(), fmt, value);
	}
}

void print_float(enum output_type t, const char *key, const char *fmt, int decimals, double value)
{
	if (want_json(t)) {
		json_key(key);
		/* JSON has no NaN or infinity. */
		if (isfinite(value))
			fprintf(out(), "%.*f", decimals, value);
		else
			fputs("null", out());
	} else if (want_text(t) && fmt) {
		fprintf(out(), fmt, value);
	}
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (pr.json)
		return;
	va_start(ap, fmt);
	vfprintf(out(), fmt, ap);
	va_end(ap);
}
void print_bool(enum output_type t, const char *key, const char *fmt, bool value)
{
	if (want_json(t)) {
		json_key(key);
		fputs(value ? "true" : "false", out());
	} else if (want_text(t) && fmt) {
		fprintf(out(), fmt, value ? "true" : "false");
	}
}

#pragma GCC diagnostic pop


void print_null(enum output_type t, const char *key, const char *fmt)
{
	if (want_json(t)) {
		json_key(key);
		fputs("null", out());
	} else if (want_text(t) && fmt) {
		fputs(fmt, out());
	}
}

void print_end(void)
{
	if (pr.json)
		fputc('\n', out());
	fflush(out());
}
