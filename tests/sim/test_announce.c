/* Failover announcements: what goes out, how many, when, where. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lag/announce.h"
#include "lag_fixture.h"
#include "net/parse.h"

#define MS NSEC_PER_MSEC

struct seen {
	unsigned garp, na, rarp, other;
	uint32_t last_garp_ip;
};

static void
count_frames(struct lag_fixture *lf, unsigned wire, struct seen *s)
{
	struct pkt *burst[PKT_BURST_MAX];
	struct net_frame f;
	unsigned n;

	while ((n = port_rx_burst(lf->b[wire], burst, PKT_BURST_MAX)) > 0) {
		for (unsigned i = 0; i < n; i++) {
			const uint8_t *d = burst[i]->data;

			assert_int_equal(net_parse_frame(d, burst[i]->len, &f),
			    NET_OK);
			if ((f.flags & NET_F_ARP) && f.ethertype == 0x0806) {
				assert_int_equal(f.arp.spa, f.arp.tpa);
				assert_memory_equal(f.arp.sha, "\x02\x00\x00\x00\x00\x42", 6);
				s->last_garp_ip = f.arp.spa;
				s->garp++;
			} else if (f.ethertype == 0x8035) {
				s->rarp++;
			} else if ((f.flags & NET_F_IPV6) && f.ip_proto == 58) {
				s->na++;
			} else {
				s->other++;
			}
		}
		pkt_free_bulk(burst, n);
	}
}

static void
poll_announce(void *arg, uint64_t now)
{
	announce_tick(arg, now);
}

static uint64_t
deadline_announce(void *arg)
{
	return announce_next_deadline(arg);
}

static struct announce *
setup_announce(struct lag_fixture *lf)
{
	static struct announce a;
	struct announce_target *t = &a.targets[0];

	announce_init(&a, lf->lag, &lf->pool_a);
	memcpy(t->mac, "\x02\x00\x00\x00\x00\x42", 6);
	t->ipv4[0] = 0x0a000001;
	t->ipv4[1] = 0x0a000002;
	t->n_ipv4 = 2;
	memcpy(t->ipv6[0], "\xfd\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 16);
	t->n_ipv6 = 1;
	a.ntargets = 1;
	assert_int_equal(sim_node_add(&lf->sim, &(struct sim_node){
	    .poll = poll_announce, .next_deadline = deadline_announce,
	    .arg = &a }), 0);
	return &a;
}

static void
test_counts_and_spacing_on_the_new_active(void **state)
{
	struct lag_options o;
	struct lag_fixture *lf;
	struct announce *a;
	struct seen s0 = { 0 }, s1 = { 0 };

	lag_options_default(&o);
	o.mode = LAG_MODE_ACTIVE_BACKUP;
	lf = lf_new(2, &o);
	lf_add_members(lf);
	a = setup_announce(lf);
	announce_set_counts(a, 3, 2, 100);

	sim_carrier_set(lf->wire[0], false);
	announce_start(a);
	sim_run_for(&lf->sim, 1);
	count_frames(lf, 1, &s1);
	assert_int_equal(s1.garp, 2);	/* round 1: both addresses */
	assert_int_equal(s1.na, 1);
	assert_int_equal(s1.last_garp_ip, 0x0a000002);
	sim_run_for(&lf->sim, 98 * MS);
	count_frames(lf, 1, &s1);
	assert_int_equal(s1.garp, 2);	/* not before peer_notif_delay */
	sim_run_for(&lf->sim, 2 * MS);
	count_frames(lf, 1, &s1);
	assert_int_equal(s1.garp, 4);
	assert_int_equal(s1.na, 2);
	sim_run_for(&lf->sim, 1000 * MS);
	count_frames(lf, 1, &s1);
	assert_int_equal(s1.garp, 6);	/* num_grat_arp rounds */
	assert_int_equal(s1.na, 2);	/* num_unsol_na rounds */
	assert_int_equal(s1.other + s1.rarp, 0);
	count_frames(lf, 0, &s0);
	assert_int_equal(s0.garp + s0.na, 0);	/* nothing on the dead link */
	assert_int_equal(a->cnt.garp, 6);
	assert_int_equal(announce_next_deadline(a), UINT64_MAX);
	lf_free(lf);
}

static void
test_no_delay_sends_every_round_at_once_and_rarp_without_addresses(void **state)
{
	struct lag_options o;
	struct lag_fixture *lf;
	struct announce *a;
	struct seen s = { 0 };

	lag_options_default(&o);
	o.mode = LAG_MODE_ACTIVE_BACKUP;
	lf = lf_new(2, &o);
	lf_add_members(lf);
	a = setup_announce(lf);
	announce_set_counts(a, 2, 0, 0);
	a->targets[1] = (struct announce_target){ .mac = { 2, 0, 0, 0, 0, 0x43 } };
	a->ntargets = 2;
	announce_start(a);
	sim_run_for(&lf->sim, 1);
	count_frames(lf, 0, &s);
	assert_int_equal(s.garp, 4);
	assert_int_equal(s.na, 0);
	assert_int_equal(s.rarp, 2);
	lf_free(lf);
}

/* A function in a VLAN with a priority (a VF's vlan and qos): its GARP and
 * its RARP carry its tag, as its own frames do. */
static void
test_tagged_targets(void **state)
{
	struct lag_options o;
	struct lag_fixture *lf;
	struct announce *a;
	struct pkt *burst[PKT_BURST_MAX];
	struct net_frame f;
	unsigned n, garp = 0, rarp = 0;

	lag_options_default(&o);
	o.mode = LAG_MODE_ACTIVE_BACKUP;
	lf = lf_new(2, &o);
	lf_add_members(lf);
	a = setup_announce(lf);
	announce_set_counts(a, 1, 0, 0);
	a->targets[0].vlan = 100;
	a->targets[0].pcp = 5;
	a->targets[0].n_ipv4 = 1;
	a->targets[1] = (struct announce_target){
	    .mac = { 2, 0, 0, 0, 0, 0x43 }, .vlan = 7, .pcp = 3 };
	a->ntargets = 2;
	announce_start(a);
	sim_run_for(&lf->sim, 1);
	while ((n = port_rx_burst(lf->b[0], burst, PKT_BURST_MAX)) > 0) {
		for (unsigned i = 0; i < n; i++) {
			assert_int_equal(net_parse_frame(burst[i]->data,
			    burst[i]->len, &f), NET_OK);
			assert_int_equal(f.eth.n_tags, 1);
			if (f.ethertype == 0x0806) {
				assert_int_equal(f.vlan_id, 100);
				assert_int_equal(f.vlan_pcp, 5);
				garp++;
			} else {
				assert_int_equal(f.ethertype, 0x8035);
				assert_int_equal(f.vlan_id, 7);
				assert_int_equal(f.vlan_pcp, 3);
				assert_memory_equal(f.eth.src,
				    "\x02\x00\x00\x00\x00\x43", 6);
				assert_true(burst[i]->len >= 64);
				rarp++;
			}
		}
		pkt_free_bulk(burst, n);
	}
	assert_int_equal(garp, 1);
	assert_int_equal(rarp, 1);
	lf_free(lf);
}

static void
test_empty_pool_is_counted(void **state)
{
	struct lag_options o;
	struct lag_fixture *lf;
	struct announce *a;
	struct pkt *hog[4097];
	unsigned n;

	lag_options_default(&o);
	o.mode = LAG_MODE_ACTIVE_BACKUP;
	lf = lf_new(1, &o);
	lf_add_members(lf);
	a = setup_announce(lf);
	for (n = 0; (hog[n] = pkt_alloc(&lf->pool_a)) != NULL; n++)
		;
	announce_start(a);
	assert_true(a->cnt.no_buffer > 0);
	pkt_free_bulk(hog, n);
	lf_free(lf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_and_spacing_on_the_new_active),
		cmocka_unit_test(test_no_delay_sends_every_round_at_once_and_rarp_without_addresses),
		cmocka_unit_test(test_tagged_targets),
		cmocka_unit_test(test_empty_pool_is_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
