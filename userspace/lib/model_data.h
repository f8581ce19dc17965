/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model of the data phase (netns-tests/scenario/faults-data.sh): when
 * the last byte of a download of BYTES arrives, or that it never does, for
 * the PMTU black hole under tcp_mtu_probing 0/1/2 and the slow tunnel.
 * Built from the kernel's own rules (6.1 and 6.12 agree on all of them):
 *
 * - RTO = srtt + rttvar, rttvar never below TCP_RTO_MIN (200 ms): with a
 *   steady RTT, RTT + 200 ms; it doubles at each timeout.
 * - Black-hole detection (tcp_write_timeout -> tcp_mtu_probing) runs at a
 *   timeout once retransmits_timed_out(tcp_retries1 = 3): the time since
 *   the first retransmission (retrans_stamp) reaches tcp_model_timeout(),
 *   ((2 << 3) - 1) x 200 ms = 3 s. With the k-th timeout at
 *   (2^k - 1) x RTO after the lost segment was sent, that is the first k
 *   with (2^k - 2) x RTO >= 3 s.
 * - Probing 1 then enables MTU probing and the MSS falls to tcp_base_mss
 *   (1024). Probing 2 enables it from the start, but for a passively
 *   opened socket (the server) tcp_init_transfer() calls tcp_mtup_init()
 *   after the MSS was synced and nothing syncs it again, so the first
 *   segments still have the full MSS; at detection the search floor is
 *   halved: mss = min(base_mss, mtu_to_mss(search_low) / 2) = 512.
 * - After the timeouts cwnd is 1 and ssthresh 2: congestion avoidance adds
 *   one segment per RTT, so r rounds carry r (r + 1) / 2 segments.
 * - Without a fault: slow start from an initial window of 10 segments,
 *   doubling each RTT (rounds r carry 10 (2^r - 1) segments).
 *
 * Time 0 is the first SYN, as in model.h; the connection takes one RTT, the
 * request half of one more before the server sends, the first byte
 * arrives after one RTT more. Ignored: receive-window autotuning, delayed
 * ACKs, pacing, and the host's NFQUEUE delay lines, whose packet rate
 * spreads a round over the RTT; the matrix shows them as deviation.
 */
#ifndef V6FIX_MODEL_DATA_H
#define V6FIX_MODEL_DATA_H

#include <stdbool.h>
#include <stdint.h>

enum v6fix_data_fault {
	V6FIX_DATA_HEALTHY,		/* a plain download, for reference */
	V6FIX_DATA_PMTU_BLACKHOLE,	/* code: tcp_mtu_probing 0, 1, 2 */
	V6FIX_DATA_SLOW_TUNNEL,		/* code: 6 (clients choose) or 4 (-4) */
	V6FIX_DATA_NR
};

enum v6fix_data_algo { V6FIX_DATA_SEQ, V6FIX_DATA_HE };

struct v6fix_data_scenario {
	enum v6fix_data_fault fault;
	int code;
	double delay_ms;		/* one-way path delay D */
	double tunnel_delay_ms;		/* slow_tunnel: more each way on IPv6 */
	unsigned int link_mtu;		/* the endpoints' links (1500) */
	unsigned int narrow_mtu;	/* the black hole's hop, the tunnel (1280) */
	uint64_t bytes;			/* the body */
	double limit_ms;		/* the run's bound (--timeout) */
	enum v6fix_data_algo algo;
	double he_delay_ms;
	bool only_v4;			/* -4 */
};

struct v6fix_data_prediction {
	int family;			/* AF_INET6 or AF_INET */
	double connect_ms, first_byte_ms, last_byte_ms;
	bool complete;			/* false: still stalled at limit_ms */
	unsigned int mss;		/* the MSS that carried the body */
	char why[256];
};

/* Defaults: healthy, D 0, MTUs 1500/1280, 262144 bytes, no limit, seq. */
void v6fix_data_scenario_init(struct v6fix_data_scenario *s);

/* 0, or -EINVAL for a code the fault does not have. */
int v6fix_data_predict(const struct v6fix_data_scenario *s, struct v6fix_data_prediction *p);

/* "pmtu_blackhole", "slow_tunnel" (as in faults-data.sh), and back (-1). */
const char *v6fix_data_fault_name(enum v6fix_data_fault f);
int v6fix_data_fault_parse(const char *name);

/* Building blocks, exposed for the unit tests. */
/* When black-hole detection fires, ms after the lost segment was sent. */
double v6fix_data_detect_ms(double rto_ms);
/* Rounds (RTTs) to deliver @segs segments: slow start from @iw, or +1 each. */
unsigned int v6fix_data_rounds_ss(uint64_t segs, unsigned int iw);
unsigned int v6fix_data_rounds_ca(uint64_t segs);

#endif
