/*
 * The LACP core alone: a system and its ports driven by hand, PDUs made
 * by the test, time passed in. What the wire tests cannot reach: a port
 * with LACP disabled, a link that moved to another port, Ready holding
 * ports that attach together, a stuck run loop.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lacp/lacp.h"

#define SEC	NSEC_PER_SEC

struct sent {
	unsigned n;
	struct net_lacpdu_info last;
};

static int
tx_lacpdu(struct lacp_system *sys, struct lacp_port *p,
    const struct net_lacpdu_info *pdu)
{
	struct sent *s = sys->arg;

	s->n++;
	s->last = *pdu;
	return 0;
}

static const struct lacp_ops ops = { .tx_lacpdu = tx_lacpdu };

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t their_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

static void
init(struct lacp_system *sys, struct sent *s)
{
	struct lacp_params pa = {
		.system_priority = 65535, .active = true,
		.coupled_control = true,
	};

	memcpy(pa.system, our_mac, 6);
	memset(s, 0, sizeof(*s));
	lacp_system_init(sys, &pa, &ops, s);
}

/* The partner's LACPDU from its port `port`; it has us right or not. */
static void
feed(struct lacp_port *p, uint16_t port, uint8_t state, bool sees_us,
    uint64_t now)
{
	struct net_lacpdu_info pdu = { .version_number = 1 };
	struct net_lacpdu_info ours;
	uint8_t buf[NET_SLOW_FRAME_LEN];

	pdu.actor.system_priority = 65535;
	memcpy(pdu.actor.system, their_mac, 6);
	pdu.actor.key = 1;
	pdu.actor.port_priority = 255;
	pdu.actor.port = port;
	pdu.actor.state = state;
	if (sees_us) {
		lacp_pdu_fill(p, &ours);
		pdu.partner = ours.actor;
	}
	assert_int_equal(net_lacpdu_build(buf, sizeof(buf), their_mac, &pdu),
	    NET_SLOW_FRAME_LEN);
	lacp_input(p, buf + 14, NET_LACPDU_LEN, now);
}

static void
test_lacp_disabled(void **state)
{
	struct lacp_system sys;
	struct lacp_port p;
	struct sent s;

	init(&sys, &s);
	assert_int_equal(lacp_port_add(&sys, &p, 1, 255, lacp_port_key(0)), 0);
	p.lacp_enabled = false;		/* a half duplex link */
	lacp_port_set_enabled(&p, true);
	lacp_run(&sys, 0);
	assert_int_equal(p.rx_state, LACP_RX_S_LACP_DISABLED);
	assert_int_equal(p.ptx_state, LACP_PTX_S_NO_PERIODIC);
	assert_false(p.partner_oper.state & LACP_STATE_AGGREGATION);
	assert_int_equal(s.n, 0);
	/* a PDU is not listened to */
	feed(&p, 9, 0x3d, false, 1);
	assert_int_equal(p.stats.drops[LACP_DROP_NOT_LISTENING], 1);
	assert_int_equal(p.rx_state, LACP_RX_S_LACP_DISABLED);
	/* individual, alone: with no partner, the Linux fallback uses it */
	assert_true(p.aggregator->individual);
	lacp_run(&sys, 2 * SEC);
	assert_int_equal(p.mux_state, LACP_MUX_S_ATTACHED);
	assert_true(lacp_port_distributing(&p));
	/* LACP enabled again: it starts over from PORT_DISABLED */
	p.lacp_enabled = true;
	lacp_run(&sys, 3 * SEC);
	assert_int_equal(p.rx_state, LACP_RX_S_EXPIRED);
	assert_int_equal(p.ptx_state, LACP_PTX_S_FAST_PERIODIC);
	assert_int_equal(s.n, 0);
	/* its first LACPDU a fast periodic time later */
	assert_int_equal(lacp_next_deadline(&sys), 4 * SEC);
	lacp_run(&sys, 4 * SEC);
	assert_int_equal(s.n, 1);
	assert_true(s.last.actor.state & LACP_STATE_EXPIRED);
}

/*
 * Port 1 heard partner port 9, then went down; partner port 9 now speaks
 * on our port 2: the link moved, port 1 forgets it (port_moved).
 */
static void
test_port_moved(void **state)
{
	struct lacp_system sys;
	struct lacp_port p1, p2;
	struct sent s;

	init(&sys, &s);
	assert_int_equal(lacp_port_add(&sys, &p1, 1, 255, lacp_port_key(0)), 0);
	assert_int_equal(lacp_port_add(&sys, &p2, 2, 255, lacp_port_key(0)), 0);
	assert_int_equal(lacp_port_add(&sys, &p2, 2, 255, 1), -EEXIST);
	lacp_port_set_enabled(&p1, true);
	lacp_port_set_enabled(&p2, true);
	lacp_run(&sys, 0);
	feed(&p1, 9, 0x3d, true, 1);
	assert_int_equal(p1.partner_oper.port, 9);
	lacp_port_set_enabled(&p1, false);
	lacp_run(&sys, 2);
	assert_int_equal(p1.rx_state, LACP_RX_S_PORT_DISABLED);
	assert_int_equal(p1.partner_oper.port, 9);	/* kept while down */
	feed(&p2, 9, 0x3d, true, 3);
	assert_int_equal(p2.partner_oper.port, 9);
	assert_int_equal(p1.rx_state, LACP_RX_S_PORT_DISABLED);
	assert_false(p1.port_moved);
	assert_int_equal(p1.partner_oper.port, 0);	/* recordDefault */
	assert_true(p1.actor_oper_port_state & LACP_STATE_DEFAULTED);
}

/* Two ports joining one aggregator within wait_while attach together. */
static void
test_ready_waits_for_every_port(void **state)
{
	struct lacp_system sys;
	struct lacp_port p1, p2;
	struct sent s;

	init(&sys, &s);
	lacp_port_add(&sys, &p1, 1, 255, lacp_port_key(0));
	lacp_port_add(&sys, &p2, 2, 255, lacp_port_key(0));
	lacp_port_set_enabled(&p1, true);
	lacp_port_set_enabled(&p2, true);
	lacp_run(&sys, 0);
	feed(&p1, 9, 0x05, true, 0);
	feed(&p2, 10, 0x05, true, 1 * SEC);	/* a second later */
	assert_ptr_equal(p1.aggregator, p2.aggregator);
	assert_int_equal(p1.selected, LACP_SELECTED);
	lacp_run(&sys, 2 * SEC);		/* p1's wait_while is over */
	assert_true(p1.ready_n);
	assert_int_equal(p1.mux_state, LACP_MUX_S_WAITING);	/* p2 not */
	assert_int_equal(lacp_next_deadline(&sys), 3 * SEC);
	lacp_run(&sys, 3 * SEC);
	assert_int_equal(p1.mux_state, LACP_MUX_S_ATTACHED);
	assert_int_equal(p2.mux_state, LACP_MUX_S_ATTACHED);
	assert_int_equal(sys.run_overflows, 0);
}

/* Deleting a port frees its aggregator and the system's slot. */
static void
test_port_del(void **state)
{
	struct lacp_system sys;
	struct lacp_port p1, p2;
	struct sent s;

	init(&sys, &s);
	lacp_port_add(&sys, &p1, 1, 255, lacp_port_key(0));
	lacp_port_add(&sys, &p2, 2, 255, lacp_port_key(0));
	lacp_port_set_enabled(&p1, true);
	lacp_run(&sys, 0);
	assert_ptr_equal(sys.active_agg, p1.aggregator);
	lacp_port_del(&p1);
	assert_null(p1.sys);
	assert_false(lacp_port_distributing(&p1));
	assert_int_equal(sys.nports, 1);
	assert_ptr_equal(sys.ports[0], &p2);
	assert_null(sys.active_agg);
	lacp_run(&sys, 1);
	assert_null(sys.active_agg);	/* p2 is not enabled */
	lacp_port_del(&p1);		/* twice: nothing */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lacp_disabled),
		cmocka_unit_test(test_port_moved),
		cmocka_unit_test(test_ready_waits_for_every_port),
		cmocka_unit_test(test_port_del),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
