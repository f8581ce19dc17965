// SPDX-License-Identifier: GPL-2.0
/* The pure part of v6fix clientprobe (see probe.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "probe.h"

void probe_parse(const char *text, struct probe_trace *t)
{
	const char *s = text;

	t->nsyn = 0;
	t->synack6_ms = NAN;
	t->dnsa_ms = NAN;
	while (s && *s) {
		struct probe_syn *y = &t->syn[t->nsyn < PROBE_MAX_SYN ? t->nsyn : 0];
		unsigned int port;
		double ts;
		int fam;

		if (sscanf(s, "dnsa %lf", &ts) == 1) {
			if (isnan(t->dnsa_ms))
				t->dnsa_ms = ts * 1e3;
		} else if (sscanf(s, "synack %lf %d %u", &ts, &fam, &port) == 3) {
			if (fam == 6 && isnan(t->synack6_ms))
				t->synack6_ms = ts * 1e3;
		} else if (t->nsyn < PROBE_MAX_SYN &&
			   sscanf(s, "syn %lf %d %u %47s", &ts, &y->family, &y->sport, y->dst) == 4 &&
			   (y->family == 4 || y->family == 6)) {
			y->t_ms = ts * 1e3;
			t->nsyn++;
		}
		s = strchr(s, '\n');
		if (s)
			s++;
	}
}

double probe_first_syn(const struct probe_trace *t, int family)
{
	for (size_t i = 0; i < t->nsyn; i++)
		if (t->syn[i].family == family)
			return t->syn[i].t_ms;
	return NAN;
}

size_t probe_attempts(const struct probe_trace *t, const struct probe_syn **a, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nsyn && n < max; i++) {
		bool seen = false;

		for (size_t j = 0; j < n; j++)
			seen |= a[j]->sport == t->syn[i].sport && a[j]->family == t->syn[i].family;
		if (!seen)
			a[n++] = &t->syn[i];
	}
	return n;
}

int probe_interleaves(const struct probe_syn *const *a, size_t n)
{
	size_t n6 = 0, n4 = 0, changes = 0;

	for (size_t i = 0; i < n; i++) {
		n6 += a[i]->family == 6;
		n4 += a[i]->family == 4;
		changes += i > 0 && a[i]->family != a[i - 1]->family;
	}
	if (n6 < 2 || n4 < 2)
		return -1;
	return changes > 1;
}

void probe_react(const struct probe_trace *t, bool timed_out, double end_ms,
		 struct probe_reaction *r)
{
	const struct probe_syn *a[PROBE_MAX_SYN];
	size_t n = probe_attempts(t, a, PROBE_MAX_SYN);
	double t6 = probe_first_syn(t, 6), t4 = probe_first_syn(t, 4);

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < t->nsyn; i++)
		r->v6_syns += t->syn[i].family == 6;
	for (size_t i = 0; i < n; i++)
		r->v6_connects += a[i]->family == 6;
	if (isnan(t6)) {
		r->outcome = isnan(t4) ? "no_attempt" : "ipv4_only";
		r->after_ms = NAN;
	} else if (!isnan(t4)) {
		r->outcome = "fell_back_ipv4";
		r->after_ms = t4 - t6;
	} else if (timed_out) {
		r->outcome = r->v6_connects > 1 ? "retrying_ipv6" : "still_waiting";
		r->after_ms = end_ms - t6;
	} else {
		r->outcome = r->v6_connects > 1 ? "retried_then_gave_up" : "gave_up";
		r->after_ms = end_ms - t6;
	}
}

int probe_decide(probe_trial_fn trial, void *ctx, double x, unsigned int runs, bool confirm,
		 bool near)
{
	unsigned int yes = 0, no = 0, n = near ? runs : 1;

	for (;;) {
		int r = trial(ctx, x);

		if (r < 0)
			return -1;
		if (r)
			yes++;
		else
			no++;
		if (confirm && !near && yes == 1 && n == 1)
			n = 3;
		if (2 * yes > n)
			return 1;
		if (2 * no >= n)	/* a tie is a no */
			return 0;
	}
}

int probe_bisect(probe_trial_fn trial, void *ctx, double max, unsigned int runs, double *lo,
		 double *hi, void (*progress)(void *ctx, double lo, double hi))
{
	const double off = PROBE_NEAR_MS / 2;

	*lo = 0;
	*hi = max;
	for (int round = 0;; round++) {
		int r;

		while (*hi - *lo > PROBE_PRECISION_MS) {
			double mid = (*lo + *hi) / 2;

			if (progress)
				progress(ctx, *lo, *hi);
			r = probe_decide(trial, ctx, mid, runs, true, *hi - *lo <= PROBE_NEAR_MS);
			if (r < 0)
				return -1;
			if (r)
				*hi = mid;
			else
				*lo = mid;
		}
		if (round == 2)
			return 0;
		if (*lo >= off) {
			r = probe_decide(trial, ctx, *lo - off, runs, false, true);
			if (r < 0)
				return -1;
			if (r) {	/* it is lower */
				*hi = *lo;
				*lo = 0;
				continue;
			}
		}
		if (*hi + off <= max) {
			r = probe_decide(trial, ctx, *hi + off, runs, false, true);
			if (r < 0)
				return -1;
			if (!r) {	/* it is higher */
				*lo = *hi;
				*hi = max;
				continue;
			}
		}
		return 0;
	}
}
