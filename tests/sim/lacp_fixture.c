#include "lacp_fixture.h"

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

uint64_t
lx_seed(uint64_t dflt)
{
	const char *env = getenv("LAGNIC_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : dflt;

	print_message("seed=0x%" PRIx64 " (rerun with LAGNIC_SEED=0x%" PRIx64
	    ")\n", seed, seed);
	return seed;
}

static void
lx_event(struct lag *lag, const struct lag_event *ev, void *arg)
{
	struct lx_lag *l = arg;

	if (l->nev < LX_EVENTS_MAX)
		l->ev[l->nev++] = *ev;
}

static void
lx_lag_rx(struct lx_lag *l, unsigned i)
{
	struct port *port = l->lx->port[l->side][i];
	struct lag_member *m = lag_member_of_port(l->lag, port);
	struct pkt *burst[PKT_BURST_MAX];
	unsigned n;

	while ((n = port_rx_burst(port, burst, PKT_BURST_MAX)) > 0) {
		for (unsigned k = 0; k < n; k++) {
			switch (lag_rx(l->lag, m, burst[k])) {
			case LAG_RX_CONSUMED:
				break;
			case LAG_RX_PASS:
				l->rx_data[i]++;
				pkt_free(burst[k]);
				break;
			case LAG_RX_DROP:
				l->rx_dropped[i]++;
				pkt_free(burst[k]);
				break;
			}
		}
	}
}

static void
lx_lag_poll(void *arg, uint64_t now)
{
	struct lx_lag *l = arg;

	for (unsigned i = 0; i < l->lx->nwires; i++)
		if (l->mask & (1u << i))
			lx_lag_rx(l, i);
	lag_tick(l->lag);
	/* a timer left due would make the sim step by the nanosecond */
	assert_true(lag_next_deadline(l->lag) > now);
}

static uint64_t
lx_lag_deadline(void *arg)
{
	struct lx_lag *l = arg;

	return lag_next_deadline(l->lag);
}

/* Polled last: sees deliveries at the time they happen. */
static void
lx_watch_poll(void *arg, uint64_t now)
{
	struct lacp_fixture *lx = arg;

	for (unsigned i = 0; i < lx->nwires; i++)
		for (int d = 0; d < SIM_DIR_COUNT; d++)
			if (lx->wire[i]->cnt[d].delivered !=
			    lx->delivered_seen[i][d]) {
				lx->delivered_seen[i][d] =
				    lx->wire[i]->cnt[d].delivered;
				lx->delivered_at[i][d] = now;
			}
}

static uint64_t
lx_watch_deadline(void *arg)
{
	return UINT64_MAX;
}

struct lacp_fixture *
lx_new(unsigned nwires, uint64_t seed)
{
	struct lacp_fixture *lx = calloc(1, sizeof(*lx));
	char name[16];

	assert_non_null(lx);
	assert_true(nwires <= LX_WIRES_MAX);
	assert_int_equal(sim_init(&lx->sim, seed), 0);
	for (int s = 0; s < LX_SIDES; s++)
		assert_int_equal(pkt_pool_init(&lx->pool[s], 4096, 2048), 0);
	lx->nwires = nwires;
	for (unsigned i = 0; i < nwires; i++) {
		char a[16], b[16];

		snprintf(a, sizeof(a), "a%u", i);
		snprintf(b, sizeof(b), "b%u", i);
		lx->wire[i] = sim_wire_add(&lx->sim, a, b);
		assert_non_null(lx->wire[i]);
		for (int s = 0; s < LX_SIDES; s++) {
			snprintf(name, sizeof(name), "%c%u", "ab"[s], i);
			assert_int_equal(port_open(&lx->port[s][i], "sim",
			    &(struct port_config){ .ifname = name,
			    .sim = &lx->sim, .rx_ring_size = 4096 },
			    &lx->pool[s], (uint32_t)(s * 100 + i)), 0);
		}
	}
	return lx;
}

static void
lx_drain(struct port *port)
{
	struct pkt *burst[PKT_BURST_MAX];
	unsigned n;

	while ((n = port_rx_burst(port, burst, PKT_BURST_MAX)) > 0)
		pkt_free_bulk(burst, n);
}

void
lx_free(struct lacp_fixture *lx)
{
	for (unsigned k = 0; k < lx->nlags; k++) {
		struct lacp_system *sys = lag_lacp_system(lx->lags[k].lag);

		assert_int_equal(sys->run_overflows, 0);
		lag_destroy(lx->lags[k].lag);
	}
	for (unsigned i = 0; i < lx->nwires; i++)
		for (int s = 0; s < LX_SIDES; s++) {
			lx_drain(lx->port[s][i]);
			port_close(lx->port[s][i]);
		}
	sim_fini(&lx->sim);
	for (int s = 0; s < LX_SIDES; s++) {
		assert_int_equal(lx->pool[s].nfree, lx->pool[s].count);
		pkt_pool_fini(&lx->pool[s]);
	}
	free(lx);
}

struct lag_options
lx_opts(bool fast)
{
	struct lag_options o;

	lag_options_default(&o);
	o.mode = LAG_MODE_8023AD;
	o.lacp.lacp_rate = fast ? LAG_LACP_RATE_FAST : LAG_LACP_RATE_SLOW;
	return o;
}

static void
lx_watch_add(struct lacp_fixture *lx)
{
	/* the watcher must be polled after every LAG: re-add it last */
	for (unsigned i = 0; i < lx->sim.nnodes; i++)
		if (lx->sim.nodes[i].arg == lx) {
			memmove(&lx->sim.nodes[i], &lx->sim.nodes[i + 1],
			    (lx->sim.nnodes - i - 1) *
			    sizeof(lx->sim.nodes[0]));
			lx->sim.nnodes--;
			break;
		}
	assert_int_equal(sim_node_add(&lx->sim, &(struct sim_node){
	    .poll = lx_watch_poll, .next_deadline = lx_watch_deadline,
	    .arg = lx }), 0);
}

struct lx_lag *
lx_lag(struct lacp_fixture *lx, enum lx_side s, unsigned mask,
    const struct lag_options *opt)
{
	struct lx_lag *l = &lx->lags[lx->nlags++];
	char name[16];

	assert_true(lx->nlags <= LX_LAGS_MAX);
	l->lx = lx;
	l->side = s;
	l->mask = mask;
	snprintf(name, sizeof(name), "lag%c%u", "ab"[s], lx->nlags);
	assert_int_equal(lag_create(&l->lag, name, opt, sim_clock(&lx->sim),
	    &lx->pool[s]), 0);
	lag_set_event_cb(l->lag, lx_event, l);
	assert_int_equal(sim_node_add(&lx->sim, &(struct sim_node){
	    .poll = lx_lag_poll, .next_deadline = lx_lag_deadline,
	    .arg = l }), 0);
	lx_watch_add(lx);
	for (unsigned i = 0; i < lx->nwires; i++) {
		if (!(mask & (1u << i)))
			continue;
		assert_null(lx->lag_of[s][i]);
		lx->lag_of[s][i] = l;
		assert_int_equal(lag_member_add(l->lag, lx->port[s][i]), 0);
	}
	return l;
}

struct lag_member *
lx_member(struct lacp_fixture *lx, enum lx_side s, unsigned i)
{
	struct lx_lag *l = lx->lag_of[s][i];

	assert_non_null(l);
	return lag_member_of_port(l->lag, lx->port[s][i]);
}

struct lacp_port *
lx_port(struct lacp_fixture *lx, enum lx_side s, unsigned i)
{
	struct lag_member *m = lx_member(lx, s, i);

	assert_non_null(m);
	return lag_lacp_port(m);
}

void
lx_run(struct lacp_fixture *lx, uint64_t ns)
{
	sim_run_for(&lx->sim, ns);
}

void
lx_run_until(struct lacp_fixture *lx, uint64_t t)
{
	sim_run_until(&lx->sim, t);
}

uint64_t
lx_now(struct lacp_fixture *lx)
{
	return lx->sim.clock.now;
}

uint64_t
lx_run_until_delivery(struct lacp_fixture *lx, unsigned i, enum sim_dir d,
    uint64_t max_ns)
{
	uint64_t seen = lx->wire[i]->cnt[d].delivered;
	uint64_t end = lx_now(lx) + max_ns;

	while (lx->wire[i]->cnt[d].delivered == seen) {
		assert_true(lx_now(lx) < end);
		lx_run(lx, NSEC_PER_MSEC);
	}
	return lx->delivered_at[i][d];
}

void
lx_send(struct lx_lag *l, unsigned n, uint32_t base)
{
	struct pkt_pool *pool = &l->lx->pool[l->side];
	struct pkt *burst[PKT_BURST_MAX];
	uint8_t frame[64] = { 0x02, 0, 0, 0, 0, 0x99 };

	memcpy(frame + 6, l->lag->mac, 6);
	frame[12] = 0x88;
	frame[13] = 0xb5;	/* local experimental ethertype */
	while (n) {
		unsigned k = MIN(n, PKT_BURST_MAX);

		assert_int_equal(pkt_alloc_bulk(pool, burst, k), k);
		for (unsigned j = 0; j < k; j++) {
			pkt_set(burst[j], frame, sizeof(frame));
			burst[j]->hash = base++ | 0x80000000u;
		}
		lag_xmit(l->lag, burst, k);
		n -= k;
	}
	lx_run(l->lx, NSEC_PER_USEC);
}

uint64_t
lx_take_rx(struct lx_lag *l, unsigned i)
{
	uint64_t n = l->rx_data[i];

	l->rx_data[i] = 0;
	return n;
}

void
lx_inject(struct lacp_fixture *lx, enum lx_side s, unsigned i,
    const void *frame, size_t len)
{
	struct pkt *pkt = pkt_alloc(&lx->pool[s]);

	assert_non_null(pkt);
	assert_int_equal(pkt_set(pkt, frame, (uint32_t)len), 0);
	assert_int_equal(port_tx_burst(lx->port[s][i], &pkt, 1), 1);
}

unsigned
lx_count_events(const struct lx_lag *l, enum lag_event_type t)
{
	unsigned n = 0;

	for (unsigned i = 0; i < l->nev; i++)
		n += l->ev[i].type == t;
	return n;
}

bool
lx_port_in_service(struct lacp_fixture *lx, enum lx_side s, unsigned i)
{
	struct lag_member *m = lx_member(lx, s, i);
	struct lacp_port *p = lag_lacp_port(m);
	bool mux = p->mux_state == LACP_MUX_S_COLL_DIST ||
	    p->mux_state == LACP_MUX_S_DISTRIBUTING;

	return mux && m->collecting && m->distributing;
}

bool
lx_all_in_service(struct lacp_fixture *lx)
{
	for (int s = 0; s < LX_SIDES; s++)
		for (unsigned i = 0; i < lx->nwires; i++)
			if (lx->lag_of[s][i] && !lx_port_in_service(lx, s, i))
				return false;
	return true;
}

bool
lx_info_eq(const struct net_lacp_info *a, const struct net_lacp_info *b)
{
	return a->system_priority == b->system_priority &&
	    memcmp(a->system, b->system, 6) == 0 && a->key == b->key &&
	    a->port_priority == b->port_priority && a->port == b->port &&
	    a->state == b->state;
}

void
lx_dump(struct lacp_fixture *lx)
{
	for (int s = 0; s < LX_SIDES; s++)
		for (unsigned i = 0; i < lx->nwires; i++) {
			struct lacp_port *p;
			struct lag_member *m;

			if (!lx->lag_of[s][i])
				continue;
			m = lx_member(lx, s, i);
			p = lag_lacp_port(m);
			print_message("%c%u: rx %s ptx %s mux %s sel %s agg %u "
			    "actor %02x partner %02x key %u pkey %u "
			    "coll %d dist %d\n", "ab"[s], i,
			    lacp_rx_state_names[p->rx_state],
			    lacp_ptx_state_names[p->ptx_state],
			    lacp_mux_state_names[p->mux_state],
			    lacp_selected_names[p->selected],
			    p->aggregator ?
			    p->aggregator->aggregator_identifier : 0,
			    p->actor_oper_port_state, p->partner_oper.state,
			    p->actor_oper_port_key, p->partner_oper.key,
			    m->collecting, m->distributing);
		}
}
