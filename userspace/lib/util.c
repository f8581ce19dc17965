// SPDX-License-Identifier: GPL-2.0
/* Error reporting and small parsers shared by every command (see util.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * One line, whatever the user typed: a message quotes arguments, and an
 * argument may hold a newline or other control bytes (found by
 * userspace/fuzz/argv-fuzz.py), so those are written as \xNN.
 */
__attribute__((format(printf, 1, 0)))
static void verr(const char *fmt, va_list ap)
{
	char buf[1024];
	int n;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		buf[0] = '\0';
	fputs("v6fix: ", stderr);
	for (const unsigned char *p = (const unsigned char *)buf; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(stderr, "\\x%02x", *p);
		else
			fputc(*p, stderr);
	}
	if (n >= (int)sizeof(buf))
		fputs("...", stderr);
	fputc('\n', stderr);
}

void v6fix_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(fmt, ap);
	va_end(ap);
}

void v6fix_invarg(const char *what, const char *arg)
{
	v6fix_err("invalid %s: \"%s\"", what, arg);
	exit(V6FIX_EXIT_USAGE);
}

void v6fix_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(fmt, ap);
	va_end(ap);
	exit(V6FIX_EXIT_USAGE);
}

bool v6fix_matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n > 0 && n <= strlen(word) && strncmp(arg, word, n) == 0;
}

int v6fix_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull skips any leading white space, then takes a sign. */
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int v6fix_parse_duration_ms(const char *s, double unit_ms, double *out_ms)
{
	double v, scale = unit_ms;
	char *end;

	/*
	 * strtod skips any leading white space ("\n-90" was -90: found by
	 * fuzz_util) and reads "inf", hex, exponents: a digit or '.' first.
	 */
	if (!s || !(isdigit((unsigned char)*s) || *s == '.') || strpbrk(s, "xX"))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v))
		return -1;
	if (!strcmp(end, "ms"))
		scale = 1;
	else if (!strcmp(end, "s"))
		scale = 1000;
	else if (*end)
		return -1;
	if (!isfinite(v * scale))	/* 1e308s */
		return -1;
	*out_ms = v * scale;
	return 0;
}

#define E(x) [x] = #x
static const char *const errno_names[] = {
	E(EPERM), E(ENOENT), E(EINTR), E(EIO), E(EBADF), E(EAGAIN), E(ENOMEM),
	E(EACCES), E(EFAULT), E(EBUSY), E(EEXIST), E(ENODEV), E(EINVAL),
	E(ENFILE), E(EMFILE), E(ENOSPC), E(EPIPE), E(ERANGE), E(ENOSYS),
	E(EPROTO), E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT),
	E(EPROTONOSUPPORT), E(EOPNOTSUPP), E(EAFNOSUPPORT), E(EADDRINUSE),
	E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH), E(ENETRESET),
	E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN),
	E(ETIMEDOUT), E(ECONNREFUSED), E(EHOSTDOWN), E(EHOSTUNREACH),
	E(EALREADY), E(EINPROGRESS), E(ECANCELED),
};
#undef E

const char *v6fix_errno_name(int err)
{
	if (err < 0)
		err = -err;
	if ((size_t)err >= sizeof(errno_names) / sizeof(errno_names[0]))
		return NULL;
	return errno_names[err];
}
