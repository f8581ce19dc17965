/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Happy Eyeballs v2 (RFC 8305) connection scheduling, without system calls:
 * the decisions of when to start which attempt, and what an outcome means,
 * are made here on a clock the caller passes in. The real driver
 * (attempt.c) feeds it CLOCK_MONOTONIC and socket outcomes; the tests and
 * the matrix's predictions feed it a virtual clock and modelled outcomes
 * (he_simulate()).
 *
 * Rules (RFC 8305 section 5): attempts start in list order; the next one
 * starts Connection Attempt Delay after the previous start, or at once when
 * an attempt fails (the delay then counts from that start); the first
 * attempt to connect wins and every other running attempt is cancelled. A
 * negative delay gives the classic sequential loop: the next attempt only
 * after the previous one failed.
 */
#ifndef V6FIX_HE_H
#define V6FIX_HE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

/* RFC 8305 section 5: default 250 ms, never below 10 ms. */
#define HE_DEFAULT_DELAY_MS 250.0
#define HE_MIN_DELAY_MS 10.0
/* Section 4: how many addresses of the first family come first. */
#define HE_FIRST_FAMILY_COUNT 1

/*
 * Results of an attempt the scheduler ended itself, as errno-like values:
 * cancelled because another attempt won, or still running when the
 * deadline (--timeout) passed. HE_ERR_DEADLINE is ETIME ("timer expired"),
 * deliberately distinct from the kernel's own ETIMEDOUT.
 */
#define HE_ERR_CANCELLED ECANCELED
#define HE_ERR_DEADLINE ETIME

enum he_state {
	HE_PENDING = 0,	/* not started */
	HE_RUNNING,
	HE_CONNECTED,	/* the winner */
	HE_FAILED,	/* err says why (including cancelled or deadline) */
};

struct he_attempt {
	enum he_state state;
	double start_ms, end_ms;
	int err;	/* 0 for the winner, else a positive errno value */
};

struct he {
	struct he_attempt *att;
	size_t n;
	double delay_ms;	/* < 0: sequential */
	double deadline_ms;	/* the whole run; INFINITY for none */
	size_t next;		/* the first attempt not started yet */
	double next_start_ms;	/* when it may start (if one is running) */
	size_t running;
	long winner;		/* index, or -1 */
	bool done;
	double end_ms;		/* when the run ended (valid once done) */
	bool open;		/* more attempts may be added (he_add()) */
};

enum he_action {
	HE_START,	/* start attempt .index now */
	HE_WAIT,	/* wait for an outcome, but no later than .until_ms */
	HE_DONE,	/* finished: see he.winner */
};

struct he_step {
	enum he_action action;
	size_t index;
	double until_ms;	/* INFINITY: only an outcome can wake us */
};

/*
 * Schedule @n attempts in @att (zeroed here), in that order. @delay_ms is
 * used as given (callers clamp it with he_clamp_delay()); < 0 means
 * sequential. @deadline_ms bounds the run (INFINITY for none).
 */
void he_init(struct he *h, struct he_attempt *att, size_t n, double delay_ms,
	     double deadline_ms);

/*
 * What to do at time @now_ms. HE_START marks the attempt running with
 * start_ms = @now_ms; the caller starts it and later reports its outcome
 * with he_report(). When the run is over (a winner, all failed, deadline),
 * attempts still running are ended with HE_ERR_CANCELLED or
 * HE_ERR_DEADLINE at @now_ms and HE_DONE is returned (from then on always).
 */
struct he_step he_next(struct he *h, double now_ms);

/*
 * Attempt @i ended at @now_ms: @err 0 when it connected, else the errno.
 * Reports for attempts that are not running are ignored (returns false).
 */
bool he_report(struct he *h, size_t i, double now_ms, int err);

/*
 * Asynchronous resolution (resolve.h): while @open is true, a run with no
 * attempt left waits instead of ending, and he_add() appends attempts
 * (@h->att must have room for them): addresses that arrive late join the
 * running race (RFC 8305 section 3); he_set_open(h, false): no more will come.
 */
void he_add(struct he *h, size_t count);
void he_set_open(struct he *h, bool open);

/* RFC 8305: a Connection Attempt Delay below 10 ms is raised to 10 ms. */
double he_clamp_delay(double delay_ms);

/*
 * RFC 8305 section 4: reorder so families alternate, starting with
 * @first_count addresses of the first address's family, then one of the
 * other family, one of the first, and so on; the order within a family is
 * kept, and the rest of the longer family ends the list. @family[i] is the
 * family of address i; @order receives the indexes in their new order.
 */
void he_interleave(const int *family, size_t n, size_t first_count, size_t *order);

/* A modelled outcome: after @after_ms the attempt ends with @err (0: ok). */
struct he_outcome {
	double after_ms;	/* INFINITY: never (a silent path) */
	int err;
};

/*
 * Run the scheduler on a virtual clock from 0 with canned outcomes, one per
 * attempt: the predictions of the matrix and the unit tests. Returns the
 * winner's index or -1; the attempts' times are in h->att.
 */
long he_simulate(struct he *h, const struct he_outcome *outcome);

#endif
