/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model of the resolution strategies (resolve.h) under each DNS fault:
 * when A and AAAA are answered (or not) comes from the resolver model
 * (model_dns.h: glibc 2.36 against unbound or the server itself), the
 * connect outcome of each family from the connect model (model.h), and the
 * strategy's own decisions run on a virtual clock (v6fix_resolve_simulate).
 *
 * How an asynchronous stub (c-ares, as v6fix connect --resolve rfc8305 and
 * kame use it) sees the queries, where glibc's schedule does not apply:
 *  - A: answered when glibc's A-only lookup would be (model_dns, no-aaaa).
 *  - AAAA: answered when glibc's lookup of both ends (the later reply),
 *    positive or not as glibc sees it; never for dns_ignore_aaaa (c-ares
 *    gives up after attempts x timeout, the strategies need not wait).
 *  - getaddrinfo itself: both released when glibc returns (model_dns).
 *  - @aaaa_delay_ms: an extra delay on every AAAA answer (the host test's
 *    slow AAAA), for every strategy.
 */
#ifndef V6FIX_MODEL_RESOLVE_H
#define V6FIX_MODEL_RESOLVE_H

#include <stdbool.h>

#include "he.h"
#include "model_dns.h"
#include "resolve.h"

struct v6fix_resolve_model {
	enum v6fix_strategy strategy;
	double resolution_delay_ms;
	bool aaaa_only_with_global;	/* the seed's 3.4.1 */
	double aaaa_delay_ms;
	double he_delay_ms;		/* < 0: sequential */
};

/*
 * Predict @m under @ds with the connect outcomes @conn6 and @conn4. Fills
 * @out (queries, attempts, resolve_ms, elapsed_ms) and @why. 0, or -EINVAL.
 */
int v6fix_model_resolve(const struct v6fix_resolve_model *m, const struct v6fix_dns_scenario *ds,
			const struct he_outcome *conn6, const struct he_outcome *conn4,
			struct v6fix_rsim *out, char *why, size_t wl);

#endif
