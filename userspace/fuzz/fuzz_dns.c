// SPDX-License-Identifier: GPL-2.0
/*
 * The DNS survey's reply parser and classifier on arbitrary bytes, as they
 * would arrive from a server on the probe's socket: the input is the reply
 * to an AAAA query for www.test. with the ID its first two bytes say (so
 * the ID check passes and ldns sees the rest), classified against a healthy
 * A. The evidence must be self-consistent: a state the parser may set, an
 * RCODE in 0-15 or -1 (no header), record lengths >= -1, a class in range.
 */
#include <string.h>

/*
 * <stdbool.h> before <ldns/ldns.h>: without it ldns 1.8.3's common.h does
 * "#define _Bool signed char", and bool in dns.h would differ between files.
 */
#include <stdbool.h>
#include <ldns/ldns.h>

#include "dns.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_query a = { .state = DNS_Q_REPLY, .rcode = 0, .aa = true, .ancount = 1,
			       .ans = { { LDNS_RR_TYPE_A, 4 } }, .tries = 1 };
	struct dns_query q;
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	uint8_t *copy = malloc(size ? size : 1);
	enum dns_class c;
	const char *why = NULL;
	char buf[32];

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(&q, 0, sizeof(q));
	if (dns_parse_reply(copy, size, id, "www.test.", LDNS_RR_TYPE_AAAA, &q) == 0) {
		if (q.state != DNS_Q_REPLY && q.state != DNS_Q_MALFORMED)
			abort();
		if (q.rcode < -1 || q.rcode > 15)
			abort();
		if (q.state == DNS_Q_MALFORMED && !memchr(q.why, '\0', sizeof(q.why)))
			abort();
		for (unsigned int i = 0; i < q.ancount && i < DNS_MAX_RRS; i++) {
			if (q.ans[i].rdlen < -1)
				abort();
			(void)dns_type_name(q.ans[i].type, buf, sizeof(buf));
		}
		(void)dns_rcode_name(q.rcode, buf, sizeof(buf));
		c = dns_classify(&a, &q, &why);
		if ((unsigned int)c >= DNS_NCLASSES || !why || c == DNS_NO_ANSWER ||
		    c == DNS_IGNORE)
			abort();
	} else if (size < 12) {
		abort();	/* only a readable, different ID is "not ours" */
	}
	free(copy);
	return 0;
}
