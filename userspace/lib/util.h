/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error reporting and argument parsing shared by every v6fix command, in
 * iproute2's manner: bad input is one line on stderr and exit status 2,
 * before anything is changed.
 */
#ifndef V6FIX_UTIL_H
#define V6FIX_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#define V6FIX_EXIT_USAGE 2

/* "v6fix: " + message on stderr. */
void v6fix_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One line naming the bad value, then exit(2). */
_Noreturn void v6fix_invarg(const char *what, const char *arg);
/* One line, then exit(2). */
_Noreturn void v6fix_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* iproute2's matches(): @arg is a non-empty prefix of @word. */
bool v6fix_matches(const char *arg, const char *word);

/* Whole-string decimal parsers: 0 on success, -1 on anything else. */
int v6fix_parse_u32(const char *s, uint32_t max, uint32_t *out);
/* A duration like 250, 250ms, 1.5s (unit default @unit_ms: 1 or 1000). */
int v6fix_parse_duration_ms(const char *s, double unit_ms, double *out_ms);

/* The symbolic name of an errno value ("ENETUNREACH"), or NULL. */
const char *v6fix_errno_name(int err);

#endif
