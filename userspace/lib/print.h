/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One printer for text and JSON, in the manner of iproute2's json_print.h:
 * every value is printed once, with a JSON key and a text format, and the
 * mode chosen at start-up (-j) decides which is used. JSON output is compact
 * (no spaces), one document per command, ended by print_end().
 */
#ifndef V6FIX_PRINT_H
#define V6FIX_PRINT_H

#include <stdbool.h>
#include <stdio.h>

enum output_type {
	PRINT_FP = 1,	/* text only */
	PRINT_JSON = 2,	/* JSON only */
	PRINT_ANY = 3,	/* both */
};

/* Select the mode and the stream (stdout when NULL). Resets all state. */
void print_init(bool json, FILE *out);
bool print_is_json(void);

/* Objects and arrays: key is NULL inside arrays and for the root object. */
void print_open_object(const char *key);
void print_close_object(void);
void print_open_array(const char *key);
void print_close_array(void);

/* fmt is used in text mode (it must take exactly one value of the type). */
void print_string(enum output_type t, const char *key, const char *fmt, const char *value);
void print_uint(enum output_type t, const char *key, const char *fmt, unsigned long long value);
void print_int(enum output_type t, const char *key, const char *fmt, long long value);
/* JSON gets the value with @decimals digits after the point. */
void print_float(enum output_type t, const char *key, const char *fmt, int decimals, double value);
void print_bool(enum output_type t, const char *key, const char *fmt, bool value);
/* JSON null; in text mode fmt is printed as it is. */
void print_null(enum output_type t, const char *key, const char *fmt);
/* Free text, text mode only (printf-like). */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Finish the document: a newline after JSON; flush. */
void print_end(void);

/* Write @s as a JSON string literal (quotes and escapes) to @f. */
void print_json_escaped(FILE *f, const char *s);

#endif
