/*
 * The eSwitch under random configuration and random frames (seeded; the
 * seed is printed, LAGNIC_SEED=n reruns one). Each decision is checked
 * against the rules, not against a copy of the code: destinations exist,
 * are up and in the frame's VLAN, the sender is never one, the uplink
 * never gets its own frames back, a unicast goes to one place, and every
 * frame is counted once, forwarded or dropped. A refused configuration
 * leaves the VF as it was.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "esw/esw_priv.h"
#include "lib/rng.h"

#define NVFS	6
#define STEPS	20000

static const uint16_t vlans[] = { 0, 10, 20, 4095 };

struct model {
	struct rng rng;
	struct esw *esw;
	struct pkt_pool pool;
	struct pkt *pkt;
	uint64_t frames;
	uint64_t forwarded;
	uint64_t local;			/* to a vport */
	uint64_t drops[ESW_DROP_COUNT + 1];
};

static void
rand_mac(struct model *m, uint8_t mac[ETH_ALEN])
{
	static const uint8_t stranger[ETH_ALEN] = { 2, 0xee, 0, 0, 0, 1 };
	uint64_t r = rng_below(&m->rng, 10);

	memset(mac, 0, ETH_ALEN);
	if (r < 7) {		/* one of ours, maybe: 02:00:..:00..07 */
		mac[0] = 2;
		mac[5] = (uint8_t)rng_below(&m->rng, NVFS + 2);
	} else if (r < 8) {
		memcpy(mac, stranger, ETH_ALEN);
	} else if (r < 9) {
		memset(mac, 0xff, ETH_ALEN);
	} else {
		mac[0] = 1;
		mac[5] = 1;
	}
}

static uint64_t
total_counted(const struct esw *esw)
{
	const struct esw_counters *c;
	uint64_t sum = 0;

	for (unsigned v = 0; v < ESW_VPORTS_MAX; v++) {
		if (!(c = esw_vport_counters(esw, v)))
			continue;
		sum += c->tx_packets;
		for (unsigned d = 0; d < ESW_DROP_COUNT; d++)
			sum += c->drops[d];
	}
	c = esw_uplink_counters(esw);
	sum += c->rx_packets;
	for (unsigned d = 0; d < ESW_DROP_COUNT; d++)
		sum += c->drops[d];
	return sum;
}

static void
step_config(struct model *m)
{
	unsigned vf = (unsigned)rng_below(&m->rng, NVFS + 1);
	struct esw_vf_config cfg, before = { 0 };
	bool existed = esw_vf_get(m->esw, vf, &before) == 0;
	int err;

	esw_vf_config_default(&cfg);
	rand_mac(m, cfg.mac);
	if (rng_chance(&m->rng, 60) && vf < NVFS)
		cfg.mac[0] = 2, cfg.mac[5] = (uint8_t)esw_vf_vport(vf);
	cfg.vlan = rng_chance(&m->rng, 50) ? 0 :
	    vlans[rng_below(&m->rng, ARRAY_SIZE(vlans))];
	cfg.qos = rng_chance(&m->rng, 80) ? 0 : (uint8_t)rng_below(&m->rng, 8);
	cfg.spoofchk = rng_chance(&m->rng, 80);
	cfg.trust = rng_chance(&m->rng, 20);
	cfg.link_state = rng_chance(&m->rng, 15) ? ESW_LINK_DISABLE :
	    rng_chance(&m->rng, 20) ? ESW_LINK_ENABLE : ESW_LINK_AUTO;
	if (rng_chance(&m->rng, 3))	/* out of range */
		cfg.vlan = 4096;
	if (rng_chance(&m->rng, 3))
		cfg.qos = 8;
	if (rng_chance(&m->rng, 3))
		cfg.link_state = ESW_LINK_COUNT;
	if (rng_chance(&m->rng, 5)) {
		err = esw_vf_del(m->esw, vf);
		assert_int_equal(err, vf >= NVFS ? -ERANGE :
		    existed ? 0 : -ENOENT);
		return;
	}
	err = existed ? esw_vf_set(m->esw, vf, &cfg) :
	    esw_vf_add(m->esw, vf, &cfg);
	if (err) {
		struct esw_vf_config after = { 0 };

		assert_true(err == -EINVAL || err == -EEXIST ||
		    err == -ERANGE || err == -ENOENT);
		assert_int_equal(esw_vf_get(m->esw, vf, &after) == 0, existed);
		if (existed)
			assert_memory_equal(&after, &before, sizeof(after));
	}
}

/* src: the sending vport, -1 for the uplink; mostly with its own MAC. */
static struct pkt *
rand_frame(struct model *m, int src)
{
	struct pkt *p = m->pkt;
	uint8_t *d;
	uint16_t be;

	pkt_reset(p);
	d = pkt_put(p, 64);
	memset(d, 0, 64);
	rand_mac(m, d);
	rand_mac(m, d + 6);
	if (src >= 0 && rng_chance(&m->rng, 70))
		memcpy(d + 6, m->esw->vports[src].mac, ETH_ALEN);
	if (rng_chance(&m->rng, 40)) {
		be = htons(rng_chance(&m->rng, 5) ? ETH_P_8021AD : ETH_P_8021Q);
		memcpy(d + 12, &be, 2);
		be = htons(vlans[rng_below(&m->rng, ARRAY_SIZE(vlans))]);
		memcpy(d + 14, &be, 2);
		d += 4;
	}
	be = htons(ETH_P_IP);
	memcpy(d + 12, &be, 2);
	if (rng_chance(&m->rng, 2))
		p->len = (uint32_t)rng_below(&m->rng, 18);
	return p;
}

static void
check_decision(struct model *m, int src, const struct pkt *p,
    const struct esw_fwd *fwd, unsigned n)
{
	unsigned v, dests = 0;

	ESW_FWD_FOREACH_VPORT(fwd, v) {
		const struct esw_vport *vp = &m->esw->vports[v];

		assert_true(esw_vport_exists(m->esw, v));
		assert_true(esw_vport_link_up(m->esw, v));
		assert_true(esw_vport_in_vlan(vp, fwd->vlan));
		assert_int_not_equal((int)v, src);
		dests++;
	}
	assert_int_equal(n, dests + fwd->uplink);
	if (src < 0)
		assert_false(fwd->uplink);
	if (n == 0)
		assert_true(fwd->drop < ESW_DROP_COUNT);
	else if (!net_eth_is_multicast(p->data))
		assert_int_equal(n, 1);
}

static void
step_frame(struct model *m)
{
	int src = (int)rng_below(&m->rng, NVFS + 2) - 1;  /* -1: uplink */
	struct pkt *p = rand_frame(m, src);
	struct esw_fwd fwd;
	unsigned n;
	uint64_t counted = total_counted(m->esw);

	if (src < 0)
		n = esw_from_uplink(m->esw, p, &fwd);
	else
		n = esw_from_vport(m->esw, (unsigned)src, p, &fwd);
	m->frames++;
	assert_int_equal(total_counted(m->esw), counted + 1);
	check_decision(m, src, p, &fwd, n);
	m->forwarded += n > 0;
	m->drops[fwd.drop]++;
	m->local += n > fwd.uplink;
	/* the edits apply to what came in */
	if (n) {
		struct esw_vlan_edit e = fwd.edit[ESW_EGRESS_UNTAGGED];

		if (e.op == ESW_VLAN_POP || e.op == ESW_VLAN_KEEP)
			assert_int_equal(esw_vlan_apply(p, &e), 0);
	}
}

static void
run_seed(uint64_t seed)
{
	struct model *m = calloc(1, sizeof(*m));

	print_message("esw random: seed %" PRIu64 "\n", seed);
	rng_seed(&m->rng, seed);
	assert_int_equal(esw_create(&m->esw, NVFS), 0);
	assert_int_equal(pkt_pool_init(&m->pool, 2, 2048), 0);
	m->pkt = pkt_alloc(&m->pool);
	assert_int_equal(esw_pf_mac_set(m->esw,
	    (uint8_t[ETH_ALEN]){ 2, 0, 0, 0, 0, 0 }), 0);
	esw_uplink_set(m->esw, true);
	for (unsigned i = 0; i < 4 * NVFS; i++)
		step_config(m);
	for (unsigned s = 0; s < STEPS; s++) {
		if (rng_chance(&m->rng, 5))
			step_config(m);
		else if (rng_chance(&m->rng, 1))
			esw_uplink_set(m->esw, rng_chance(&m->rng, 90));
		else if (rng_chance(&m->rng, 1))
			esw_vport_trunk_set(m->esw,
			    (unsigned)rng_below(&m->rng, NVFS + 1), 10, 20,
			    rng_chance(&m->rng, 50));
		else
			step_frame(m);
	}
	print_message("  %" PRIu64 " frames, %" PRIu64 " forwarded, %" PRIu64
	    " to a vport\n", m->frames, m->forwarded, m->local);
	/* every drop reason shows up */
	for (unsigned d = 0; d < ESW_DROP_COUNT; d++)
		assert_true(m->drops[d] > 0);
	assert_true(m->local > m->frames / 8);
	pkt_free(m->pkt);
	pkt_pool_fini(&m->pool);
	esw_destroy(m->esw);
	free(m);
}

static void
test_random_frames_and_config(void **state)
{
	const char *env = getenv("LAGNIC_SEED");

	if (env) {
		run_seed(strtoull(env, NULL, 0));
		return;
	}
	for (uint64_t seed = 1; seed <= 20; seed++)
		run_seed(seed * 0x2545f4914f6cdd1dULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_frames_and_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
