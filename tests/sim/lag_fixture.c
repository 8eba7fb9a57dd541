#include "lag_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

static void
lf_poll(void *arg, uint64_t now)
{
	struct lag_fixture *lf = arg;

	lag_tick(lf->lag);
}

static uint64_t
lf_deadline(void *arg)
{
	struct lag_fixture *lf = arg;

	return lag_next_deadline(lf->lag);
}

static void
lf_event(struct lag *lag, const struct lag_event *ev, void *arg)
{
	struct lag_fixture *lf = arg;

	if (lf->nevents < LF_EVENTS_MAX)
		lf->events[lf->nevents++] = *ev;
}

struct lag_fixture *
lf_new(unsigned nwires, const struct lag_options *opt)
{
	struct lag_fixture *lf = calloc(1, sizeof(*lf));
	char a[16], b[16];

	assert_non_null(lf);
	assert_true(nwires <= LF_WIRES_MAX);
	assert_int_equal(sim_init(&lf->sim, 0x1a6), 0);
	assert_int_equal(pkt_pool_init(&lf->pool_a, 4096, 2048), 0);
	assert_int_equal(pkt_pool_init(&lf->pool_b, 4096, 2048), 0);
	lf->nwires = nwires;
	for (unsigned i = 0; i < nwires; i++) {
		snprintf(a, sizeof(a), "a%u", i);
		snprintf(b, sizeof(b), "b%u", i);
		lf->wire[i] = sim_wire_add(&lf->sim, a, b);
		assert_non_null(lf->wire[i]);
		assert_int_equal(port_open(&lf->a[i], "sim", &(struct port_config){
		    .ifname = a, .sim = &lf->sim, .rx_ring_size = 4096 },
		    &lf->pool_a, i), 0);
		assert_int_equal(port_open(&lf->b[i], "sim", &(struct port_config){
		    .ifname = b, .sim = &lf->sim, .rx_ring_size = 4096 },
		    &lf->pool_b, 100 + i), 0);
	}
	assert_int_equal(lag_create(&lf->lag, "lag0", opt,
	    sim_clock(&lf->sim), &lf->pool_a), 0);
	lag_set_event_cb(lf->lag, lf_event, lf);
	assert_int_equal(sim_node_add(&lf->sim, &(struct sim_node){
	    .poll = lf_poll, .next_deadline = lf_deadline, .arg = lf }), 0);
	return lf;
}

void
lf_free(struct lag_fixture *lf)
{
	lag_destroy(lf->lag);
	for (unsigned i = 0; i < lf->nwires; i++) {
		lf_recv(lf, i);
		port_close(lf->a[i]);
		port_close(lf->b[i]);
	}
	sim_fini(&lf->sim);
	assert_int_equal(lf->pool_a.nfree, lf->pool_a.count);
	assert_int_equal(lf->pool_b.nfree, lf->pool_b.count);
	pkt_pool_fini(&lf->pool_a);
	pkt_pool_fini(&lf->pool_b);
	free(lf);
}

void
lf_add_members(struct lag_fixture *lf)
{
	for (unsigned i = 0; i < lf->nwires; i++)
		assert_int_equal(lag_member_add(lf->lag, lf->a[i]), 0);
}

/* A broadcast frame from the LAG's MAC; pkt->hash set, so any policy. */
void
lf_send(struct lag_fixture *lf, unsigned n, uint32_t hash_base)
{
	struct pkt *burst[PKT_BURST_MAX];
	uint8_t frame[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memcpy(frame + 6, lf->lag->mac, 6);
	frame[12] = 0x88;
	frame[13] = 0xb5;	/* local experimental ethertype */
	while (n) {
		unsigned k = MIN(n, PKT_BURST_MAX);

		assert_int_equal(pkt_alloc_bulk(&lf->pool_a, burst, k), k);
		for (unsigned i = 0; i < k; i++) {
			pkt_set(burst[i], frame, sizeof(frame));
			burst[i]->hash = hash_base++ | 0x80000000u;
		}
		lag_xmit(lf->lag, burst, k);
		n -= k;
	}
	sim_run_for(&lf->sim, NSEC_PER_USEC);
}

unsigned
lf_recv(struct lag_fixture *lf, unsigned i)
{
	struct pkt *burst[PKT_BURST_MAX];
	unsigned n, total = 0;

	while ((n = port_rx_burst(lf->b[i], burst, PKT_BURST_MAX)) > 0) {
		total += n;
		pkt_free_bulk(burst, n);
	}
	return total;
}

unsigned
lf_count_events(const struct lag_fixture *lf, enum lag_event_type t)
{
	unsigned n = 0;

	for (unsigned i = 0; i < lf->nevents; i++)
		n += lf->events[i].type == t;
	return n;
}
