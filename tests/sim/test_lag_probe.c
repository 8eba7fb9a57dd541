/*
 * ARP and NS link probes under virtual time: a responder on the far end
 * of each sim wire answers for the targets (or stops answering), and can
 * flood what it hears to the other wires as a switch floods broadcasts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lag/probe.h"
#include "lag_fixture.h"
#include "net/arp.h"
#include "net/icmp6.h"
#include "net/parse.h"

#define MS NSEC_PER_MSEC
#define SRC4	0x0a000001u		/* 10.0.0.1, ours */
#define T1	0x0a000009u		/* 10.0.0.9 */
#define T2	0x0a00000au		/* 10.0.0.10 */

static const uint8_t T6[16] = { 0xfd, 0x00, [15] = 0x09 };
static const uint8_t peer_mac[6] = { 0x02, 0xee, 0, 0, 0, 1 };

struct probe_world {
	struct lag_fixture *lf;
	bool answer[LF_WIRES_MAX];	/* responder answers on wire i */
	bool answer_t2;			/* ... also for T2 */
	bool flood;			/* requests copied to the other wires */
	unsigned requests[LF_WIRES_MAX];	/* ARP requests + NSs heard */
	struct net_frame last;		/* the last probe heard, parsed */
	uint8_t last_buf[128];
};

static void
pw_send(struct probe_world *w, unsigned i, const uint8_t *buf, int len)
{
	struct pkt *p = pkt_alloc(&w->lf->pool_b);

	assert_non_null(p);
	assert_true(len > 0);
	pkt_set(p, buf, (uint32_t)len);
	assert_int_equal(port_tx_burst(w->lf->b[i], &p, 1), 1);
}

static void
pw_answer_arp(struct probe_world *w, unsigned i, const struct net_arp *arp)
{
	uint8_t buf[64] = { 0 };
	struct net_arp reply = { .op = NET_ARP_OP_REPLY, .sha = peer_mac,
	    .spa = arp->tpa, .tha = arp->sha, .tpa = arp->spa };

	memcpy(buf, arp->sha, 6);
	memcpy(buf + 6, peer_mac, 6);
	buf[12] = 0x08;
	buf[13] = 0x06;
	assert_int_equal(net_arp_build(buf + 14, sizeof(buf) - 14, &reply),
	    NET_ARP_LEN);
	pw_send(w, i, buf, 60);
}

static void
pw_answer_ns(struct probe_world *w, unsigned i)
{
	uint8_t buf[128];

	pw_send(w, i, buf, net_icmp6_build_unsol_na(buf, sizeof(buf),
	    peer_mac, T6, NULL, 0));
}

static bool
pw_is_ns(const struct net_frame *f, const uint8_t *buf)
{
	return (f->flags & NET_F_IPV6) && (f->flags & NET_F_L4) &&
	    f->ip_proto == IPPROTO_ICMPV6 && buf[f->l4_off] == NET_ICMP6_NS;
}

static void
pw_hear(struct probe_world *w, unsigned i, struct pkt *p)
{
	struct net_frame f;
	bool arp, ns;

	if (net_parse_frame(p->data, p->len, &f) != NET_OK)
		return;
	arp = (f.flags & NET_F_ARP) && f.arp.op == NET_ARP_OP_REQUEST;
	ns = pw_is_ns(&f, p->data);
	if (!arp && !ns)
		return;
	w->requests[i]++;
	memcpy(w->last_buf, p->data, MIN(p->len, sizeof(w->last_buf)));
	net_parse_frame(w->last_buf, MIN(p->len, sizeof(w->last_buf)),
	    &w->last);
	if (w->flood)
		for (unsigned j = 0; j < w->lf->nwires; j++)
			if (j != i)
				pw_send(w, j, p->data, (int)p->len);
	if (!w->answer[i])
		return;
	if (arp && (f.arp.tpa == T1 || (w->answer_t2 && f.arp.tpa == T2)))
		pw_answer_arp(w, i, &f.arp);
	if (ns)
		pw_answer_ns(w, i);
}

/* Both ends: B hears and answers, A's frames go through lag_rx. */
static void
pw_poll(void *arg, uint64_t now)
{
	struct probe_world *w = arg;
	struct pkt *burst[PKT_BURST_MAX];
	unsigned n;

	for (unsigned i = 0; i < w->lf->nwires; i++) {
		while ((n = port_rx_burst(w->lf->b[i], burst, PKT_BURST_MAX))) {
			for (unsigned k = 0; k < n; k++)
				pw_hear(w, i, burst[k]);
			pkt_free_bulk(burst, n);
		}
		while ((n = port_rx_burst(w->lf->a[i], burst, PKT_BURST_MAX))) {
			for (unsigned k = 0; k < n; k++)
				if (lag_rx(w->lf->lag, w->lf->lag->members[i],
				    burst[k]) != LAG_RX_CONSUMED)
					pkt_free(burst[k]);
		}
	}
}

static uint64_t
pw_deadline(void *arg)
{
	return UINT64_MAX;	/* polled as frames arrive */
}

static struct probe_world *
pw_new(unsigned nwires, struct lag_options *o)
{
	struct probe_world *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	w->lf = lf_new(nwires, o);
	for (unsigned i = 0; i < nwires; i++)
		w->answer[i] = true;
	lag_probe_set_source(w->lf->lag, SRC4, NULL);
	assert_int_equal(sim_node_add(&w->lf->sim, &(struct sim_node){
	    .poll = pw_poll, .next_deadline = pw_deadline, .arg = w }), 0);
	lf_add_members(w->lf);
	return w;
}

static void
pw_free(struct probe_world *w)
{
	lf_free(w->lf);
	free(w);
}

static struct lag_options
arp_opts(enum lag_mode mode, uint32_t interval)
{
	struct lag_options o;

	lag_options_default(&o);
	o.mode = mode;
	o.arp_interval = interval;
	o.arp_ip_target.addr[0] = T1;
	o.arp_ip_target.n = 1;
	return o;
}

static enum lag_link_state
link_of(struct probe_world *w, unsigned i)
{
	return w->lf->lag->members[i]->link;
}

static void
test_probe_frame_is_a_request_for_the_target(void **state)
{
	struct lag_options o = arp_opts(LAG_MODE_BALANCE_XOR, 100);
	struct probe_world *w = pw_new(1, &o);

	sim_run_for(&w->lf->sim, 1 * MS);
	assert_int_equal(w->requests[0], 1);
	assert_true(w->last.flags & NET_F_ARP);
	assert_memory_equal(w->last.eth.dst, net_eth_broadcast, 6);
	assert_memory_equal(w->last.eth.src, w->lf->a[0]->mac, 6);
	assert_memory_equal(w->last.arp.sha, w->lf->a[0]->mac, 6);
	assert_int_equal(w->last.arp.spa, SRC4);
	assert_int_equal(w->last.arp.tpa, T1);
	pw_free(w);
}

/* Members start down; a reply brings them up at the next interval, and
 * one that stops being answered goes down after arp_missed_max. */
static void
test_xor_members_follow_the_replies(void **state)
{
	struct lag_options o = arp_opts(LAG_MODE_BALANCE_XOR, 100);
	struct probe_world *w = pw_new(2, &o);

	assert_int_equal(link_of(w, 0), LAG_LINK_S_DOWN);
	sim_run_for(&w->lf->sim, 150 * MS);
	assert_int_equal(link_of(w, 0), LAG_LINK_S_UP);
	assert_int_equal(link_of(w, 1), LAG_LINK_S_UP);
	assert_true(w->lf->lag->carrier);
	assert_true(w->lf->lag->members[0]->cnt.probe_replies >= 1);

	w->answer[1] = false;	/* e.g. a dead switch port: carrier stays */
	sim_run_for(&w->lf->sim, 200 * MS);	/* t = 350: last at 200 */
	assert_int_equal(link_of(w, 1), LAG_LINK_S_UP);
	sim_run_for(&w->lf->sim, 200 * MS);	/* 2.5 intervals passed */
	assert_int_equal(link_of(w, 1), LAG_LINK_S_DOWN);
	assert_int_equal(link_of(w, 0), LAG_LINK_S_UP);
	assert_int_equal(w->lf->lag->members[1]->nlanes, 0);
	assert_int_equal(w->lf->lag->members[0]->nlanes, LAG_LANES);

	w->answer[1] = true;	/* probes go on on a member with carrier */
	sim_run_for(&w->lf->sim, 250 * MS);
	assert_int_equal(link_of(w, 1), LAG_LINK_S_UP);
	pw_free(w);
}

/* active-backup: only the active member is probed; without a switch to
 * flood them, backups hear nothing and are down (as in bonding); when the
 * active stops being answered, members are probed in turn. */
static void
test_ab_fails_over_when_the_active_is_not_answered(void **state)
{
	struct lag_options o = arp_opts(LAG_MODE_ACTIVE_BACKUP, 100);
	struct probe_world *w = pw_new(2, &o);

	sim_run_for(&w->lf->sim, 450 * MS);
	assert_non_null(w->lf->lag->active);
	assert_ptr_equal(w->lf->lag->active->port, w->lf->a[0]);
	assert_int_equal(w->requests[1], 0);
	w->answer[0] = false;
	sim_run_for(&w->lf->sim, 1000 * MS);
	assert_non_null(w->lf->lag->active);
	assert_ptr_equal(w->lf->lag->active->port, w->lf->a[1]);
	assert_true(w->requests[1] > 0);
	assert_int_equal(link_of(w, 0), LAG_LINK_S_DOWN);
	pw_free(w);
}

/* arp_validate backup: a backup counts only the active's requests that
 * the switch floods to it; other traffic does not keep it up. */
static void
test_ab_backup_validated_by_flooded_requests(void **state)
{
	struct lag_options o = arp_opts(LAG_MODE_ACTIVE_BACKUP, 100);
	struct probe_world *w;

	o.arp_validate = LAG_ARP_VALIDATE_ALL;
	w = pw_new(2, &o);
	w->flood = true;
	sim_run_for(&w->lf->sim, 450 * MS);
	assert_ptr_equal(w->lf->lag->active->port, w->lf->a[0]);
	assert_int_equal(link_of(w, 1), LAG_LINK_S_UP);
	w->flood = false;
	sim_run_for(&w->lf->sim, 300 * MS);
	assert_int_equal(link_of(w, 1), LAG_LINK_S_DOWN);
	assert_int_equal(link_of(w, 0), LAG_LINK_S_UP);
	pw_free(w);
}

/* filter: only ARP frames count, so other traffic keeps nobody up. */
static void
test_validate_filter_ignores_other_traffic(void **state)
{
	struct lag_options o = arp_opts(LAG_MODE_BALANCE_XOR, 100);
	struct probe_world *w;
	uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0xee, 0,
	    0, 0, 2, 0x88, 0xb5 };

	o.arp_validate = LAG_ARP_VALIDATE_FILTER;
	w = pw_new(1, &o);
	w->answer[0] = false;
	for (unsigned t = 0; t < 10; t++) {
		pw_send(w, 0, frame, sizeof(frame));
		sim_run_for(&w->lf->sim, 50 * MS);
	}
	assert_int_equal(link_of(w, 0), LAG_LINK_S_DOWN);
	pw_free(w);

	o.arp_validate = LAG_ARP_VALIDATE_NONE;
	w = pw_new(1, &o);
	w->answer[0] = false;
	for (unsigned t = 0; t < 10; t++) {
		pw_send(w, 0, frame, sizeof(frame));
		sim_run_for(&w->lf->sim, 50 * MS);
	}
	assert_int_equal(link_of(w, 0), LAG_LINK_S_UP);
	pw_free(w);
}

static void
test_all_targets_needs_every_answer(void **state)
{
	struct lag_options o = arp_opts(LAG_MODE_BALANCE_XOR, 100);
	struct probe_world *w;

	o.arp_ip_target.addr[1] = T2;
	o.arp_ip_target.n = 2;
	o.arp_validate = LAG_ARP_VALIDATE_ACTIVE;
	o.arp_all_targets = LAG_ARP_ALL_TARGETS_ALL;
	w = pw_new(1, &o);
	sim_run_for(&w->lf->sim, 350 * MS);
	assert_int_equal(link_of(w, 0), LAG_LINK_S_DOWN);	/* T2 silent */
	w->answer_t2 = true;
	sim_run_for(&w->lf->sim, 250 * MS);
	assert_int_equal(link_of(w, 0), LAG_LINK_S_UP);
	pw_free(w);

	o.arp_all_targets = LAG_ARP_ALL_TARGETS_ANY;
	w = pw_new(1, &o);
	sim_run_for(&w->lf->sim, 150 * MS);
	assert_int_equal(link_of(w, 0), LAG_LINK_S_UP);
	pw_free(w);
}

static void
test_ns_probes_for_ipv6_targets(void **state)
{
	struct lag_options o = arp_opts(LAG_MODE_BALANCE_XOR, 100);
	static const uint8_t sol[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff,
	    [15] = 0x09 };
	struct probe_world *w;

	o.arp_ip_target.n = 0;
	memcpy(o.ns_ip6_target.addr[0], T6, 16);
	o.ns_ip6_target.n = 1;
	o.arp_validate = LAG_ARP_VALIDATE_ALL;
	w = pw_new(2, &o);
	sim_run_for(&w->lf->sim, 150 * MS);
	assert_true(pw_is_ns(&w->last, w->last_buf));
	assert_memory_equal(w->last.ip6.daddr, sol, 16);
	assert_int_equal(link_of(w, 0), LAG_LINK_S_UP);
	assert_int_equal(link_of(w, 1), LAG_LINK_S_UP);
	w->answer[0] = false;
	sim_run_for(&w->lf->sim, 400 * MS);
	assert_int_equal(link_of(w, 0), LAG_LINK_S_DOWN);
	assert_int_equal(link_of(w, 1), LAG_LINK_S_UP);
	pw_free(w);
}

/* Carrier still counts at once: a member without carrier is not probed
 * and goes down with the event, not after the missed probes. */
static void
test_carrier_loss_is_immediate_with_probes(void **state)
{
	struct lag_options o = arp_opts(LAG_MODE_BALANCE_XOR, 100);
	struct probe_world *w = pw_new(2, &o);
	unsigned heard;

	sim_run_for(&w->lf->sim, 150 * MS);
	assert_int_equal(link_of(w, 1), LAG_LINK_S_UP);
	sim_carrier_set(w->lf->wire[1], false);
	sim_run_for(&w->lf->sim, 1 * MS);
	assert_int_equal(link_of(w, 1), LAG_LINK_S_DOWN);
	heard = w->requests[1];
	sim_run_for(&w->lf->sim, 500 * MS);
	assert_int_equal(w->requests[1], heard);
	pw_free(w);
}

static void
test_probe_options_refused(void **state)
{
	struct lag_options o = arp_opts(LAG_MODE_8023AD, 100);
	struct lag_fixture *lf;
	struct lag *lag;

	assert_int_equal(lag_create(&lag, "lag0", &o, &clock_monotonic,
	    NULL), -EINVAL);
	o = arp_opts(LAG_MODE_ACTIVE_BACKUP, 100);
	lf = lf_new(1, &o);
	o.arp_ip_target.addr[0] = 0xffffffffu;
	assert_int_equal(lag_options_set(lf->lag, &o), -EINVAL);
	o.arp_ip_target.addr[0] = 0xe0000001u;		/* multicast */
	assert_int_equal(lag_options_set(lf->lag, &o), -EINVAL);
	o.arp_ip_target.addr[0] = T1;
	o.arp_ip_target.addr[1] = T1;
	o.arp_ip_target.n = 2;				/* duplicate */
	assert_int_equal(lag_options_set(lf->lag, &o), -EINVAL);
	o.arp_ip_target.n = 1;
	o.ns_ip6_target.addr[0][0] = 0xff;		/* multicast */
	o.ns_ip6_target.n = 1;
	assert_int_equal(lag_options_set(lf->lag, &o), -EINVAL);
	o.ns_ip6_target.n = 0;
	o.arp_missed_max = 0;
	assert_int_equal(lag_options_set(lf->lag, &o), -EINVAL);
	o.arp_validate = LAG_ARP_VALIDATE_COUNT;
	o.arp_missed_max = 2;
	assert_int_equal(lag_options_set(lf->lag, &o), -EINVAL);
	/* nothing applied */
	assert_int_equal(lf->lag->opt.arp_ip_target.n, 1);
	assert_int_equal(lf->lag->opt.arp_validate, LAG_ARP_VALIDATE_NONE);
	lf_free(lf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_frame_is_a_request_for_the_target),
		cmocka_unit_test(test_xor_members_follow_the_replies),
		cmocka_unit_test(test_ab_fails_over_when_the_active_is_not_answered),
		cmocka_unit_test(test_ab_backup_validated_by_flooded_requests),
		cmocka_unit_test(test_validate_filter_ignores_other_traffic),
		cmocka_unit_test(test_all_targets_needs_every_answer),
		cmocka_unit_test(test_ns_probes_for_ipv6_targets),
		cmocka_unit_test(test_carrier_loss_is_immediate_with_probes),
		cmocka_unit_test(test_probe_options_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
