/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The real clients of the fallback matrix, each as the model sees it: the
 * order its resolver hands out the addresses, the algorithm that connects
 * to them, its delays, and what it does when every address failed (tries
 * again or not). Every default comes from the client's documentation or
 * source, named in model_clients.c next to the value; README's client
 * table is this table.
 *
 * A client's prediction composes the connect model (model.h: when and how
 * each family's attempt ends under the fault, policy and kernel) with the
 * client's own scheduling, on a virtual clock from its first attempt.
 */
#ifndef V6FIX_MODEL_CLIENTS_H
#define V6FIX_MODEL_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

enum v6fix_client_algo {
	/* One blocking connect() after another, in the resolver's order. */
	V6FIX_CLIENT_SEQ,
	/* Happy Eyeballs: the next attempt after a delay, the earlier ones
	 * keep running (he.h). */
	V6FIX_CLIENT_HE,
	/* The first address only. */
	V6FIX_CLIENT_FIRST,
	/* Node's autoSelectFamily: each attempt but the last gets a timeout,
	 * after which it is *closed* and the next one starts. */
	V6FIX_CLIENT_ATTEMPT_TIMEOUT,
};

enum v6fix_client_order {
	/* glibc's getaddrinfo(): RFC 6724 (IPv4 first without an IPv6 route) */
	V6FIX_ORDER_GETADDRINFO,
	/* the hosts file's order, unsorted (Go's resolver on an /etc/hosts hit) */
	V6FIX_ORDER_HOSTS_FILE,
};

struct v6fix_client {
	const char *name;		/* the matrix's client name */
	const char *program;		/* what runs, and which version was read */
	/* The major versions this row describes (0: any); Node's default
	 * changed in 20. */
	unsigned int major_min, major_max;
	enum v6fix_client_algo algo;
	double delay_ms;		/* HE delay or attempt timeout */
	enum v6fix_client_order order;
	unsigned int tries;		/* passes over the address list, >= 1 */
	/* Wait before pass k (k >= 2): min((k - 1) * step, max) ms. */
	double retry_step_ms, retry_max_ms;
	/* NULL: any failure is tried again; else only when it says so. */
	bool (*retryable)(int err);
	const char *resolver;		/* one line: how the name is resolved */
	const char *source;		/* where the defaults were read */
};

extern const struct v6fix_client v6fix_clients[];
extern const size_t v6fix_nclients;

/* The client called @name, in major version @major (0: Debian 12's), or NULL. */
const struct v6fix_client *v6fix_client_find(const char *name, unsigned int major);

/* wget 1.21.3's retryable_socket_connect_error() without --retry-connrefused. */
bool v6fix_wget_retryable(int err);

/*
 * Predict @c under @s (fault, policy, kernel, delay; s->algo and
 * s->he_delay_ms are ignored, the client's own are used). @tries: passes
 * over the address list, 0 for the client's default. @p's attempts are
 * the first pass's, total_ms runs to the end of the last pass; *@passes
 * (may be NULL) says how many were made. 0, or -EINVAL.
 */
int v6fix_client_predict(const struct v6fix_client *c, const struct v6fix_scenario *s,
			 unsigned int tries, struct v6fix_prediction *p, unsigned int *passes);

#endif
