// SPDX-License-Identifier: GPL-2.0
/*
 * The DNS survey's reply parser and classifier (lib/dns.c) on replies built
 * with libldns: every class of RFC 4074 and the order of the rules, what a
 * malformed reply leaves as evidence, and the SERVER / NAME parsers.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/*
 * <stdbool.h> before <ldns/ldns.h>: without it ldns 1.8.3's common.h does
 * "#define _Bool signed char", and bool in dns.h would differ between files.
 */
#include <stdbool.h>
#include <ldns/ldns.h>

#include "dns.h"

#define ID 0x4242
#define NAME "www.test."

struct rrspec {
	const char *text;	/* zone-file text, or NULL with type + raw rdata */
	uint16_t type;
	size_t rdlen;
};

/*
 * A reply to NAME/qtype: header flags, RCODE, answer records, authority
 * records (zone-file text). Raw records let the rdata be any length: ldns
 * writes what it is given.
 */
static uint8_t *build(uint16_t qtype, bool qr, bool aa, int rcode, const struct rrspec *an,
		      size_t nan, const char *const *ns, size_t nns, size_t *len)
{
	ldns_rdf *owner = ldns_dname_new_frm_str(NAME);
	ldns_pkt *p = ldns_pkt_query_new(ldns_rdf_clone(owner), qtype, LDNS_RR_CLASS_IN, 0);
	uint8_t raw[64] = { 0x20, 0x01, 0x0d, 0xb8 };
	uint8_t *wire = NULL;

	assert_non_null(p);
	ldns_pkt_set_id(p, ID);
	ldns_pkt_set_qr(p, qr);
	ldns_pkt_set_aa(p, aa);
	ldns_pkt_set_rcode(p, (uint8_t)rcode);
	for (size_t i = 0; i < nan; i++) {
		ldns_rr *rr = NULL;

		if (an[i].text) {
			assert_int_equal(ldns_rr_new_frm_str(&rr, an[i].text, 60, NULL, NULL),
					 LDNS_STATUS_OK);
		} else {
			rr = ldns_rr_new();
			ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
			ldns_rr_set_type(rr, an[i].type);
			ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
			if (an[i].rdlen)
				ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN,
									   an[i].rdlen, raw));
		}
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	for (size_t i = 0; i < nns; i++) {
		ldns_rr *rr = NULL;

		assert_int_equal(ldns_rr_new_frm_str(&rr, ns[i], 60, NULL, NULL), LDNS_STATUS_OK);
		ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, rr);
	}
	assert_int_equal(ldns_pkt2wire(&wire, p, len), LDNS_STATUS_OK);
	ldns_pkt_free(p);
	ldns_rdf_deep_free(owner);
	return wire;
}

/* Parse a built reply into @q, as dns_run() would; the return value of the parser. */
static int parse(uint8_t *wire, size_t len, uint16_t qtype, struct dns_query *q)
{
	int r;

	memset(q, 0, sizeof(*q));
	r = dns_parse_reply(wire, len, ID, NAME, qtype, q);
	free(wire);
	return r;
}

static const struct rrspec A_OK[] = { { "www.test. IN A 192.0.2.80", 0, 0 } };
static const struct rrspec AAAA_OK[] = { { "www.test. IN AAAA 2001:db8::80", 0, 0 } };
static const char *const SOA[] = { "test. IN SOA ns.test. h.test. 1 3600 600 86400 60" };
static const char *const NS[] = { "test. IN NS ns.other." };

/* The A query of a healthy authoritative server. */
static void a_ok(struct dns_query *a, bool aa)
{
	size_t len;
	uint8_t *w = build(LDNS_RR_TYPE_A, true, aa, 0, A_OK, 1, NULL, 0, &len);

	assert_int_equal(parse(w, len, LDNS_RR_TYPE_A, a), 0);
	assert_int_equal(a->state, DNS_Q_REPLY);
}

static enum dns_class classify_aaaa(bool a_aa, bool aa, int rcode, const struct rrspec *an,
				    size_t nan, const char *const *ns, size_t nns,
				    struct dns_query *q)
{
	struct dns_query a;
	size_t len;
	uint8_t *w;
	const char *why = NULL;
	enum dns_class c;

	a_ok(&a, a_aa);
	w = build(LDNS_RR_TYPE_AAAA, true, aa, rcode, an, nan, ns, nns, &len);
	assert_int_equal(parse(w, len, LDNS_RR_TYPE_AAAA, q), 0);
	c = dns_classify(&a, q, &why);
	assert_non_null(why);
	return c;
}

static void test_parse_healthy(void **state)
{
	struct dns_query q;
	char buf[32];

	(void)state;
	assert_int_equal(classify_aaaa(true, true, 0, AAAA_OK, 1, NULL, 0, &q), DNS_OK);
	assert_int_equal(q.state, DNS_Q_REPLY);
	assert_int_equal(q.rcode, 0);
	assert_true(q.aa);
	assert_int_equal(q.ancount, 1);
	assert_int_equal(q.ans[0].type, LDNS_RR_TYPE_AAAA);
	assert_int_equal(q.ans[0].rdlen, 16);
	assert_false(q.referral);
	assert_string_equal(dns_rcode_name(q.rcode, buf, sizeof(buf)), "NOERROR");
	/* NODATA (empty answer, SOA) is the correct "no AAAA". */
	assert_int_equal(classify_aaaa(true, true, 0, NULL, 0, SOA, 1, &q), DNS_OK);
	assert_false(q.referral);
	/* A CNAME on the way is not another type. */
	{
		const struct rrspec cn[] = {
			{ "www.test. IN CNAME host.test.", 0, 0 },
			{ "host.test. IN AAAA 2001:db8::1", 0, 0 },
		};

		assert_int_equal(classify_aaaa(true, true, 0, cn, 2, NULL, 0, &q), DNS_OK);
		assert_int_equal(q.ancount, 2);
	}
}

static void test_ignore_and_no_answer(void **state)
{
	struct dns_query a, aaaa;
	const char *why;

	(void)state;
	a_ok(&a, true);
	memset(&aaaa, 0, sizeof(aaaa));
	aaaa.state = DNS_Q_TIMEOUT;
	aaaa.rcode = -1;
	assert_int_equal(dns_classify(&a, &aaaa, &why), DNS_IGNORE);
	aaaa.state = DNS_Q_ERROR;
	assert_int_equal(dns_classify(&a, &aaaa, &why), DNS_IGNORE);

	/* Nothing for A: no-answer, whatever AAAA did. */
	a.state = DNS_Q_TIMEOUT;
	assert_int_equal(dns_classify(&a, &aaaa, &why), DNS_NO_ANSWER);
	a.state = DNS_Q_ERROR;
	assert_int_equal(dns_classify(&a, &aaaa, &why), DNS_NO_ANSWER);
	aaaa.state = DNS_Q_NOT_SENT;
	assert_int_equal(dns_classify(&a, &aaaa, &why), DNS_NO_ANSWER);
	a.state = DNS_Q_MALFORMED;
	assert_int_equal(dns_classify(&a, &aaaa, &why), DNS_NO_ANSWER);
	assert_string_equal(dns_class_name(DNS_NO_ANSWER), "no-answer");
}

static void test_nxdomain_and_rcode(void **state)
{
	struct dns_query a, q;
	char buf[32];
	size_t len;
	uint8_t *w;

	(void)state;
	assert_int_equal(classify_aaaa(true, true, LDNS_RCODE_NXDOMAIN, NULL, 0, SOA, 1, &q),
			 DNS_NXDOMAIN);
	/* FORMERR, SERVFAIL, NOTIMP, REFUSED: rcode, with or without AA. */
	for (int rc = 1; rc <= 5; rc++) {
		if (rc == LDNS_RCODE_NXDOMAIN)
			continue;
		assert_int_equal(classify_aaaa(true, true, rc, NULL, 0, NULL, 0, &q), DNS_RCODE);
		assert_int_equal(q.rcode, rc);
		assert_int_equal(classify_aaaa(true, false, rc, NULL, 0, NULL, 0, &q), DNS_RCODE);
	}
	assert_string_equal(dns_rcode_name(1, buf, sizeof(buf)), "FORMERR");
	assert_string_equal(dns_rcode_name(2, buf, sizeof(buf)), "SERVFAIL");
	assert_string_equal(dns_rcode_name(4, buf, sizeof(buf)), "NOTIMPL");
	assert_string_equal(dns_rcode_name(12, buf, sizeof(buf)), "RCODE12");
	assert_null(dns_rcode_name(-1, buf, sizeof(buf)));

	/* The name does not exist at all (NXDOMAIN for A too): rule 4, not B. */
	w = build(LDNS_RR_TYPE_A, true, true, LDNS_RCODE_NXDOMAIN, NULL, 0, SOA, 1, &len);
	assert_int_equal(parse(w, len, LDNS_RR_TYPE_A, &a), 0);
	w = build(LDNS_RR_TYPE_AAAA, true, true, LDNS_RCODE_NXDOMAIN, NULL, 0, SOA, 1, &len);
	assert_int_equal(parse(w, len, LDNS_RR_TYPE_AAAA, &q), 0);
	assert_int_equal(dns_classify(&a, &q, NULL), DNS_RCODE);
}

static void test_broken(void **state)
{
	struct dns_query q;

	(void)state;
	/* IPv4 data in the AAAA answer (the seed's example): ldns rejects the record. */
	{
		const struct rrspec r[] = { { NULL, LDNS_RR_TYPE_AAAA, 4 } };

		struct dns_query a;
		const char *why = NULL;

		assert_int_equal(classify_aaaa(true, true, 0, r, 1, NULL, 0, &q), DNS_BROKEN);
		a_ok(&a, true);
		assert_int_equal(dns_classify(&a, &q, &why), DNS_BROKEN);
		assert_non_null(strstr(why, "does not decode"));
		assert_int_equal(q.state, DNS_Q_MALFORMED);
		assert_int_equal(q.rcode, 0);
		assert_true(q.aa);
		assert_int_equal(q.ancount, 1);
		assert_int_equal(q.ans[0].type, LDNS_RR_TYPE_AAAA);
		assert_int_equal(q.ans[0].rdlen, -1);
		assert_non_null(strstr(q.why, "ldns"));
	}
	/* 20 bytes, last in the message: ldns reads 16 and stops; the rest is noticed. */
	{
		const struct rrspec r[] = { { NULL, LDNS_RR_TYPE_AAAA, 20 } };

		assert_int_equal(classify_aaaa(true, true, 0, r, 1, NULL, 0, &q), DNS_BROKEN);
		assert_int_equal(q.state, DNS_Q_MALFORMED);
		assert_non_null(strstr(q.why, "4 bytes after"));
	}
	/* 20 bytes followed by a good record: the walk goes astray, still broken. */
	{
		const struct rrspec r[] = { { NULL, LDNS_RR_TYPE_AAAA, 20 }, AAAA_OK[0] };

		assert_int_equal(classify_aaaa(true, true, 0, r, 2, NULL, 0, &q), DNS_BROKEN);
		assert_int_equal(q.state, DNS_Q_MALFORMED);
	}
	/* Empty rdata: ldns takes it, the rule does not. */
	{
		const struct rrspec r[] = { { NULL, LDNS_RR_TYPE_AAAA, 0 } };

		assert_int_equal(classify_aaaa(true, true, 0, r, 1, NULL, 0, &q), DNS_BROKEN);
		assert_int_equal(q.state, DNS_Q_REPLY);
		assert_int_equal(q.ans[0].rdlen, 0);
	}
	/* An A record as the answer to AAAA. */
	{
		assert_int_equal(classify_aaaa(true, true, 0, A_OK, 1, NULL, 0, &q), DNS_BROKEN);
		assert_int_equal(q.state, DNS_Q_REPLY);
		assert_int_equal(q.ans[0].type, LDNS_RR_TYPE_A);
		assert_int_equal(q.ans[0].rdlen, 4);
	}
	/* Broken before lame: a foreign answer without AA is broken. */
	assert_int_equal(classify_aaaa(true, false, 0, A_OK, 1, NULL, 0, &q), DNS_BROKEN);
	/* ... and rcode before broken. */
	{
		const struct rrspec r[] = { { NULL, LDNS_RR_TYPE_AAAA, 4 } };

		assert_int_equal(classify_aaaa(true, true, 2, r, 1, NULL, 0, &q), DNS_RCODE);
	}
}

static void test_lame(void **state)
{
	struct dns_query q;
	const char *why;
	struct dns_query a;
	size_t len;
	uint8_t *w;

	(void)state;
	/* NOERROR without AA for AAAA, A with AA. */
	assert_int_equal(classify_aaaa(true, false, 0, NULL, 0, NULL, 0, &q), DNS_LAME);
	assert_int_equal(classify_aaaa(true, false, 0, AAAA_OK, 1, NULL, 0, &q), DNS_LAME);
	/* A referral (NS, no SOA, no answer), with AA or without. */
	assert_int_equal(classify_aaaa(true, false, 0, NULL, 0, NS, 1, &q), DNS_LAME);
	assert_true(q.referral);
	assert_int_equal(classify_aaaa(true, true, 0, NULL, 0, NS, 1, &q), DNS_LAME);
	/* Not authoritative for A either: nothing to compare, ok. */
	assert_int_equal(classify_aaaa(false, false, 0, NULL, 0, NULL, 0, &q), DNS_OK);

	w = build(LDNS_RR_TYPE_A, true, true, 0, A_OK, 1, NULL, 0, &len);
	assert_int_equal(parse(w, len, LDNS_RR_TYPE_A, &a), 0);
	w = build(LDNS_RR_TYPE_AAAA, true, false, 0, NULL, 0, NS, 1, &len);
	assert_int_equal(parse(w, len, LDNS_RR_TYPE_AAAA, &q), 0);
	assert_int_equal(dns_classify(&a, &q, &why), DNS_LAME);
	assert_non_null(strstr(why, "referral"));
}

static void test_not_a_reply(void **state)
{
	struct dns_query q;
	size_t len;
	uint8_t *w;
	uint8_t shortpkt[5] = { 0x42, 0x42, 0x80, 0, 0 };

	(void)state;
	/* Another ID: not ours, keep waiting. */
	w = build(LDNS_RR_TYPE_AAAA, true, true, 0, AAAA_OK, 1, NULL, 0, &len);
	memset(&q, 0, sizeof(q));
	q.state = DNS_Q_TIMEOUT;
	assert_int_equal(dns_parse_reply(w, len, ID + 1, NAME, LDNS_RR_TYPE_AAAA, &q), -1);
	assert_int_equal(q.state, DNS_Q_TIMEOUT);
	free(w);
	/* QR clear: an echo of the query. */
	w = build(LDNS_RR_TYPE_AAAA, false, false, 0, NULL, 0, NULL, 0, &len);
	assert_int_equal(parse(w, len, LDNS_RR_TYPE_AAAA, &q), 0);
	assert_int_equal(q.state, DNS_Q_MALFORMED);
	/* Shorter than a header. */
	memset(&q, 0, sizeof(q));
	assert_int_equal(dns_parse_reply(shortpkt, sizeof(shortpkt), ID, NAME,
					 LDNS_RR_TYPE_AAAA, &q), 0);
	assert_int_equal(q.state, DNS_Q_MALFORMED);
	assert_int_equal(q.rcode, -1);
	/* The answer to another question. */
	w = build(LDNS_RR_TYPE_A, true, true, 0, A_OK, 1, NULL, 0, &len);
	assert_int_equal(parse(w, len, LDNS_RR_TYPE_AAAA, &q), 0);
	assert_int_equal(q.state, DNS_Q_MALFORMED);
	/* The same question in other case: a match (names compare case-blind). */
	w = build(LDNS_RR_TYPE_AAAA, true, true, 0, AAAA_OK, 1, NULL, 0, &len);
	memset(&q, 0, sizeof(q));
	assert_int_equal(dns_parse_reply(w, len, ID, "WWW.Test.", LDNS_RR_TYPE_AAAA, &q), 0);
	assert_int_equal(q.state, DNS_Q_REPLY);
	free(w);
}

static void test_server_and_name(void **state)
{
	struct dns_probe p;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&p.addr;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&p.addr;
	static const char *const bad_servers[] = {
		"", "ns.example", "192.0.2.1:", "192.0.2.1:0", "192.0.2.1:65536", "192.0.2.1:053",
		"192.0.2.1:5x", "[2001:db8::1", "[2001:db8::1]5353", "[2001:db8::1]:",
		"[192.0.2.1]:53", "[]", "2001:db8::1::2", "256.0.0.1", " 192.0.2.1", "1.2.3.4 ",
		"[2001:db8::1]:53:53",
	};
	static const char *const bad_names[] = {
		"", ".", "a..b", "www test", "www\ttest", "x\n",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test",
	};

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(dns_parse_server("192.0.2.1", &p), 0);
	assert_int_equal(p.addr.ss_family, AF_INET);
	assert_int_equal(ntohs(s4->sin_port), 53);
	assert_string_equal(p.server, "192.0.2.1");
	assert_int_equal(dns_parse_server("192.0.2.1:5353", &p), 0);
	assert_int_equal(ntohs(s4->sin_port), 5353);
	assert_string_equal(p.server, "192.0.2.1:5353");
	assert_int_equal(dns_parse_server("2001:DB8:0::1", &p), 0);
	assert_int_equal(p.addr.ss_family, AF_INET6);
	assert_string_equal(p.server, "2001:db8::1");
	assert_int_equal(dns_parse_server("[2001:db8::1]:5353", &p), 0);
	assert_int_equal(ntohs(s6->sin6_port), 5353);
	assert_string_equal(p.server, "[2001:db8::1]:5353");
	assert_int_equal(dns_parse_server("[::1]:53", &p), 0);
	assert_string_equal(p.server, "::1");
	for (size_t i = 0; i < sizeof(bad_servers) / sizeof(bad_servers[0]); i++)
		if (dns_parse_server(bad_servers[i], &p) == 0)
			fail_msg("server \"%s\" accepted", bad_servers[i]);

	assert_int_equal(dns_parse_name("www.test", &p), 0);
	assert_string_equal(p.name, "www.test.");
	assert_int_equal(dns_parse_name("www.test.", &p), 0);
	assert_string_equal(p.name, "www.test.");
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++)
		if (dns_parse_name(bad_names[i], &p) == 0)
			fail_msg("name \"%s\" accepted", bad_names[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_healthy),
		cmocka_unit_test(test_ignore_and_no_answer),
		cmocka_unit_test(test_nxdomain_and_rcode),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_lame),
		cmocka_unit_test(test_not_a_reply),
		cmocka_unit_test(test_server_and_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
