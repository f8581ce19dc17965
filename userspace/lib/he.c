// SPDX-License-Identifier: GPL-2.0
/* Happy Eyeballs v2 scheduling decisions on a caller's clock (see he.h). */
#include <math.h>
#include <string.h>

#include "he.h"

void he_init(struct he *h, struct he_attempt *att, size_t n, double delay_ms,
	     double deadline_ms)
{
	memset(h, 0, sizeof(*h));
	memset(att, 0, n * sizeof(*att));
	h->att = att;
	h->n = n;
	h->delay_ms = delay_ms;
	h->deadline_ms = deadline_ms;
	h->next_start_ms = 0;
	h->winner = -1;
}

double he_clamp_delay(double delay_ms)
{
	return delay_ms < HE_MIN_DELAY_MS ? HE_MIN_DELAY_MS : delay_ms;
}

/* End the run at @now: whatever still runs is ended with @err. */
static void finish(struct he *h, double now, int err)
{
	for (size_t i = 0; i < h->n; i++) {
		struct he_attempt *a = &h->att[i];

		if (a->state != HE_RUNNING)
			continue;
		a->state = HE_FAILED;
		a->end_ms = now;
		a->err = err;
	}
	h->running = 0;
	h->done = true;
	h->end_ms = now;
}

struct he_step he_next(struct he *h, double now)
{
	struct he_step st = { .action = HE_DONE, .until_ms = INFINITY };

	if (h->done)
		return st;
	if (h->winner >= 0) {
		/* The winner's own time ends the run, not the caller's now. */
		finish(h, now, HE_ERR_CANCELLED);
		h->end_ms = h->att[h->winner].end_ms;
		return st;
	}
	if (now >= h->deadline_ms) {
		finish(h, now, HE_ERR_DEADLINE);
		return st;
	}
	if (h->next < h->n &&
	    (h->running == 0 || (h->delay_ms >= 0 && now >= h->next_start_ms))) {
		struct he_attempt *a = &h->att[h->next];

		a->state = HE_RUNNING;
		a->start_ms = now;
		h->running++;
		h->next_start_ms = now + (h->delay_ms >= 0 ? h->delay_ms : 0);
		st.action = HE_START;
		st.index = h->next++;
		return st;
	}
	if (h->running == 0 && h->open) {
		/* Nothing to do until an address arrives (he_add()). */
		st.action = HE_WAIT;
		st.until_ms = h->deadline_ms;
		return st;
	}
	if (h->running == 0) {
		/* Every attempt has failed. */
		finish(h, now, 0);
		return st;
	}
	st.action = HE_WAIT;
	st.until_ms = h->deadline_ms;
	if (h->next < h->n && h->delay_ms >= 0 && h->next_start_ms < st.until_ms)
		st.until_ms = h->next_start_ms;
	return st;
}

void he_add(struct he *h, size_t count)
{
	memset(h->att + h->n, 0, count * sizeof(*h->att));
	h->n += count;
}

void he_set_open(struct he *h, bool open)
{
	h->open = open;
}

bool he_report(struct he *h, size_t i, double now, int err)
{
	struct he_attempt *a;

	if (h->done || i >= h->n || h->att[i].state != HE_RUNNING)
		return false;
	a = &h->att[i];
	a->end_ms = now;
	h->running--;
	if (err == 0 && h->winner < 0) {
		a->state = HE_CONNECTED;
		a->err = 0;
		h->winner = (long)i;
		return true;
	}
	a->state = HE_FAILED;
	/* A second success after the winner is a loser: it gets closed. */
	a->err = err ? err : HE_ERR_CANCELLED;
	/* A failure lets the next attempt start at once (RFC 8305 section 5). */
	if (now < h->next_start_ms)
		h->next_start_ms = now;
	return true;
}

void he_interleave(const int *family, size_t n, size_t first_count, size_t *order)
{
	size_t out = 0, i_first = 0, i_other = 0, taken_first = 0;
	int first;

	if (n == 0)
		return;
	first = family[0];
	if (first_count == 0)
		first_count = 1;

	/* i_first / i_other scan for the next unused address of each kind. */
	while (out < n) {
		bool want_first = taken_first < first_count ||
				  (out > 0 && family[order[out - 1]] != first);
		size_t *scan = want_first ? &i_first : &i_other;

		while (*scan < n && (family[*scan] == first) != want_first)
			(*scan)++;
		if (*scan >= n) {
			/* This family ran out: the other one takes the rest. */
			want_first = !want_first;
			scan = want_first ? &i_first : &i_other;
			while (*scan < n && (family[*scan] == first) != want_first)
				(*scan)++;
		}
		order[out++] = *scan;
		if (want_first)
			taken_first++;
		(*scan)++;
	}
}

long he_simulate(struct he *h, const struct he_outcome *outcome)
{
	double now = 0;

	for (;;) {
		struct he_step st = he_next(h, now);
		double t_next = st.until_ms;
		size_t which = h->n;

		if (st.action == HE_DONE)
			return h->winner;
		if (st.action == HE_START) {
			/* An attempt that ends at once ends before anything else. */
			if (outcome[st.index].after_ms <= 0)
				he_report(h, st.index, now, outcome[st.index].err);
			continue;
		}
		/* The earliest outcome among the running attempts. */
		for (size_t i = 0; i < h->n; i++) {
			double end;

			if (h->att[i].state != HE_RUNNING)
				continue;
			end = h->att[i].start_ms + outcome[i].after_ms;
			if (end <= t_next && (which == h->n || end < t_next)) {
				t_next = end;
				which = i;
			}
		}
		if (isinf(t_next))
			return -1;	/* cannot happen: nothing would ever end */
		now = t_next;
		if (which < h->n)
			he_report(h, which, now, outcome[which].err);
	}
}
