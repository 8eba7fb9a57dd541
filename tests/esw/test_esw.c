/* The eSwitch: forwarding decisions, VLAN edits, spoof check, config. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "esw/esw.h"

#define NVFS	8
#define PF	ESW_VPORT_PF

struct fixture {
	struct esw *esw;
	struct pkt_pool pool;
	struct pkt *pkt;
	struct esw_fwd fwd;
};

static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t stranger[ETH_ALEN] = { 0x02, 0xee, 0, 0, 0, 0x99 };

/* PF 02:00:..:00, VF n 02:00:..:n+1 */
static void
mac_of(unsigned vport, uint8_t mac[ETH_ALEN])
{
	static const uint8_t base[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0 };

	memcpy(mac, base, ETH_ALEN);
	mac[5] = (uint8_t)vport;
}

static void
vf_add(struct fixture *f, unsigned vf, uint16_t vlan, uint8_t qos)
{
	struct esw_vf_config cfg;

	esw_vf_config_default(&cfg);
	mac_of(esw_vf_vport(vf), cfg.mac);
	cfg.vlan = vlan;
	cfg.qos = qos;
	assert_int_equal(esw_vf_add(f->esw, vf, &cfg), 0);
}

/* VF 0, 1 in port VLAN 10; VF 2 in port VLAN 20 (qos 5); VF 3 none. */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	uint8_t mac[ETH_ALEN];

	assert_int_equal(esw_create(&f->esw, NVFS), 0);
	assert_int_equal(pkt_pool_init(&f->pool, 8, 2048), 0);
	f->pkt = pkt_alloc(&f->pool);
	mac_of(PF, mac);
	assert_int_equal(esw_pf_mac_set(f->esw, mac), 0);
	vf_add(f, 0, 10, 0);
	vf_add(f, 1, 10, 0);
	vf_add(f, 2, 20, 5);
	vf_add(f, 3, 0, 0);
	esw_uplink_set(f->esw, true);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	pkt_free(f->pkt);
	pkt_pool_fini(&f->pool);
	esw_destroy(f->esw);
	free(f);
	return 0;
}

/* A 60-byte IPv4-typed frame, tagged with vid when tagged. */
static struct pkt *
frame(struct fixture *f, const uint8_t *dst, const uint8_t *src,
    bool tagged, uint16_t tci)
{
	struct pkt *p = f->pkt;
	uint8_t *d;
	uint16_t be;

	pkt_reset(p);
	d = pkt_put(p, 60);
	memset(d, 0xab, 60);
	memcpy(d, dst, ETH_ALEN);
	memcpy(d + 6, src, ETH_ALEN);
	if (tagged) {
		be = htons(ETH_P_8021Q);
		memcpy(d + 12, &be, 2);
		be = htons(tci);
		memcpy(d + 14, &be, 2);
		d += 4;
	}
	be = htons(ETH_P_IP);
	memcpy(d + 12, &be, 2);
	return p;
}

static struct pkt *
from_vf(struct fixture *f, unsigned vf, const uint8_t *dst)
{
	uint8_t src[ETH_ALEN];

	mac_of(esw_vf_vport(vf), src);
	return frame(f, dst, src, false, 0);
}

static unsigned
vf_send(struct fixture *f, unsigned vf, const uint8_t *dst)
{
	return esw_from_vport(f->esw, esw_vf_vport(vf), from_vf(f, vf, dst),
	    &f->fwd);
}

static unsigned
count_vports(const struct esw_fwd *fwd)
{
	unsigned v, n = 0;

	ESW_FWD_FOREACH_VPORT(fwd, v)
		n++;
	return n;
}

static const struct esw_counters *
vf_cnt(struct fixture *f, unsigned vf)
{
	return esw_vport_counters(f->esw, esw_vf_vport(vf));
}

static void
test_vf_to_vf_local(void **state)
{
	struct fixture *f = *state;
	uint8_t dst[ETH_ALEN];

	mac_of(esw_vf_vport(1), dst);
	assert_int_equal(vf_send(f, 0, dst), 1);
	assert_false(f->fwd.uplink);
	assert_int_equal(count_vports(&f->fwd), 1);
	assert_true(esw_fwd_has(&f->fwd, esw_vf_vport(1)));
	assert_int_equal(esw_fwd_edit(f->esw, &f->fwd, esw_vf_vport(1))->op,
	    ESW_VLAN_KEEP);
	assert_int_equal(vf_cnt(f, 0)->tx_packets, 1);
	assert_int_equal(vf_cnt(f, 0)->tx_bytes, 60);
	assert_int_equal(vf_cnt(f, 1)->rx_packets, 1);
	assert_int_equal(vf_cnt(f, 1)->rx_bytes, 60);
	assert_int_equal(esw_uplink_counters(f->esw)->tx_packets, 0);
}

static void
test_vf_to_pf(void **state)
{
	struct fixture *f = *state;
	uint8_t dst[ETH_ALEN];

	mac_of(PF, dst);
	assert_int_equal(vf_send(f, 3, dst), 1);
	assert_false(f->fwd.uplink);
	assert_true(esw_fwd_has(&f->fwd, PF));
	assert_int_equal(esw_vport_counters(f->esw, PF)->rx_packets, 1);
	/* the PF is not in VLAN 10: VF 0 reaches it only through the wire */
	assert_int_equal(vf_send(f, 0, dst), 1);
	assert_true(f->fwd.uplink);
	assert_false(esw_fwd_has(&f->fwd, PF));
	/* unless the PF's trunk has VLAN 10 (the host made lag0.10) */
	assert_int_equal(esw_vport_trunk_set(f->esw, PF, 10, 10, true), 0);
	assert_int_equal(vf_send(f, 0, dst), 1);
	assert_false(f->fwd.uplink);
	assert_true(esw_fwd_has(&f->fwd, PF));
	assert_int_equal(esw_fwd_edit(f->esw, &f->fwd, PF)->op, ESW_VLAN_PUSH);
	assert_int_equal(esw_fwd_edit(f->esw, &f->fwd, PF)->tci, 10);
}

static void
test_vf_to_unknown_goes_up(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(vf_send(f, 3, stranger), 1);
	assert_true(f->fwd.uplink);
	assert_int_equal(count_vports(&f->fwd), 0);
	assert_int_equal(esw_fwd_uplink_edit(&f->fwd)->op, ESW_VLAN_KEEP);
	assert_int_equal(esw_uplink_counters(f->esw)->tx_packets, 1);
	assert_int_equal(esw_uplink_counters(f->esw)->tx_bytes, 60);
}

static void
test_broadcast_replicated_by_vlan(void **state)
{
	struct fixture *f = *state;

	vf_add(f, 4, 10, 0);
	/* VLAN 10: VF 0, 1, 4; the sender is left out; up too */
	assert_int_equal(vf_send(f, 0, bcast), 3);
	assert_true(f->fwd.uplink);
	assert_int_equal(count_vports(&f->fwd), 2);
	assert_true(esw_fwd_has(&f->fwd, esw_vf_vport(1)));
	assert_true(esw_fwd_has(&f->fwd, esw_vf_vport(4)));
	assert_int_equal(f->fwd.vlan, 10);
	/* untagged VLAN: PF and VF 3 */
	assert_int_equal(vf_send(f, 3, mcast), 2);
	assert_true(f->fwd.uplink);
	assert_true(esw_fwd_has(&f->fwd, PF));
	assert_int_equal(count_vports(&f->fwd), 1);
	assert_int_equal(esw_vport_counters(f->esw, PF)->rx_packets, 1);
	assert_int_equal(vf_cnt(f, 1)->rx_packets, 1);
	assert_int_equal(vf_cnt(f, 2)->rx_packets, 0);
}

static void
test_vlan_isolation(void **state)
{
	struct fixture *f = *state;
	uint8_t dst[ETH_ALEN], src[ETH_ALEN];

	/* VF 0 (VLAN 10) to VF 2's MAC (VLAN 20): not local */
	mac_of(esw_vf_vport(2), dst);
	assert_int_equal(vf_send(f, 0, dst), 1);
	assert_true(f->fwd.uplink);
	assert_int_equal(count_vports(&f->fwd), 0);
	assert_int_equal(vf_cnt(f, 2)->rx_packets, 0);
	/* from the wire in VLAN 10 to VF 2: VF 2 is not in VLAN 10 */
	mac_of(esw_vf_vport(2), dst);
	assert_int_equal(esw_from_uplink(f->esw, frame(f, dst, stranger,
	    true, 10), &f->fwd), 0);
	assert_int_equal(f->fwd.drop, ESW_DROP_UNKNOWN);
	/* broadcast from the wire in VLAN 20: VF 2 only */
	assert_int_equal(esw_from_uplink(f->esw, frame(f, bcast, stranger,
	    true, 20), &f->fwd), 1);
	assert_true(esw_fwd_has(&f->fwd, esw_vf_vport(2)));
	/* a VLAN nobody is in */
	mac_of(PF, src);
	assert_int_equal(esw_from_uplink(f->esw, frame(f, bcast, stranger,
	    true, 99), &f->fwd), 0);
	assert_int_equal(f->fwd.drop, ESW_DROP_NO_DEST);
	assert_int_equal(esw_uplink_counters(f->esw)->drops[ESW_DROP_NO_DEST],
	    1);
}

/* The 802.1Q tag at the frame's bytes 12..15, -1 if untagged. */
static int
tci_of(const struct pkt *p)
{
	if (p->data[12] != 0x81 || p->data[13] != 0x00)
		return -1;
	return p->data[14] << 8 | p->data[15];
}

static void
test_port_vlan_push_pop(void **state)
{
	struct fixture *f = *state;
	uint8_t dst[ETH_ALEN];
	struct pkt *p;

	/* VF 2 (VLAN 20, qos 5) up: push 5 << 13 | 20 */
	p = from_vf(f, 2, stranger);
	assert_int_equal(esw_from_vport(f->esw, esw_vf_vport(2), p, &f->fwd),
	    1);
	assert_true(f->fwd.uplink);
	assert_int_equal(f->fwd.edit[ESW_EGRESS_TAGGED].op, ESW_VLAN_PUSH);
	assert_int_equal(esw_vlan_apply(p, &f->fwd.edit[ESW_EGRESS_TAGGED]), 0);
	assert_int_equal(p->len, 64);
	assert_int_equal(tci_of(p), 5 << 13 | 20);
	assert_int_equal(p->data[16] << 8 | p->data[17], ETH_P_IP);
	assert_memory_equal(p->data, stranger, ETH_ALEN);
	assert_int_equal(esw_uplink_counters(f->esw)->tx_bytes, 64);
	/* from the wire tagged 20 to VF 2: pop */
	mac_of(esw_vf_vport(2), dst);
	p = frame(f, dst, stranger, true, 20);
	assert_int_equal(esw_from_uplink(f->esw, p, &f->fwd), 1);
	assert_int_equal(esw_fwd_edit(f->esw, &f->fwd, esw_vf_vport(2))->op,
	    ESW_VLAN_POP);
	assert_int_equal(esw_vlan_apply(p, esw_fwd_edit(f->esw, &f->fwd,
	    esw_vf_vport(2))), 0);
	assert_int_equal(p->len, 56);	/* 60 with its tag */
	assert_int_equal(tci_of(p), -1);
	assert_int_equal(p->data[12] << 8 | p->data[13], ETH_P_IP);
	assert_memory_equal(p->data, dst, ETH_ALEN);
	assert_memory_equal(p->data + 6, stranger, ETH_ALEN);
	assert_int_equal(vf_cnt(f, 2)->rx_bytes, 56);
	/* a VF with a port VLAN may not tag, trusted or not */
	mac_of(esw_vf_vport(2), dst);
	assert_int_equal(esw_from_vport(f->esw, esw_vf_vport(2),
	    frame(f, stranger, dst, true, 20), &f->fwd), 0);
	assert_int_equal(f->fwd.drop, ESW_DROP_PVID_TAGGED);
	assert_int_equal(vf_cnt(f, 2)->drops[ESW_DROP_PVID_TAGGED], 1);
	/* qos without vlan (as `vf 5 vlan 0 qos 3`): a priority tag up */
	vf_add(f, 5, 0, 3);
	assert_int_equal(vf_send(f, 5, stranger), 1);
	assert_int_equal(f->fwd.vlan, 0);
	assert_int_equal(f->fwd.edit[ESW_EGRESS_TAGGED].op, ESW_VLAN_PUSH);
	assert_int_equal(f->fwd.edit[ESW_EGRESS_TAGGED].tci, 3 << 13);
}

static void
test_spoofed_source_dropped_and_counted(void **state)
{
	struct fixture *f = *state;
	uint8_t other[ETH_ALEN], own[ETH_ALEN];

	mac_of(esw_vf_vport(1), other);
	assert_int_equal(esw_from_vport(f->esw, esw_vf_vport(0),
	    frame(f, bcast, other, false, 0), &f->fwd), 0);
	assert_int_equal(f->fwd.drop, ESW_DROP_MAC_SPOOF);
	assert_false(f->fwd.uplink);
	assert_int_equal(count_vports(&f->fwd), 0);
	assert_int_equal(vf_cnt(f, 0)->drops[ESW_DROP_MAC_SPOOF], 1);
	assert_int_equal(vf_cnt(f, 0)->tx_packets, 0);
	assert_int_equal(vf_cnt(f, 1)->rx_packets, 0);
	/* VF 3 (no port VLAN) tags VLAN 5: not its VLAN */
	mac_of(esw_vf_vport(3), own);
	assert_int_equal(esw_from_vport(f->esw, esw_vf_vport(3),
	    frame(f, stranger, own, true, 5), &f->fwd), 0);
	assert_int_equal(f->fwd.drop, ESW_DROP_VLAN_SPOOF);
	assert_int_equal(vf_cnt(f, 3)->drops[ESW_DROP_VLAN_SPOOF], 1);
	/* with VLAN 5 in its trunk it may */
	assert_int_equal(esw_vport_trunk_set(f->esw, esw_vf_vport(3), 5, 5,
	    true), 0);
	assert_int_equal(esw_from_vport(f->esw, esw_vf_vport(3),
	    frame(f, stranger, own, true, 5), &f->fwd), 1);
	assert_int_equal(f->fwd.vlan, 5);
	/* a group source MAC is never right */
	assert_int_equal(esw_from_vport(f->esw, esw_vf_vport(3),
	    frame(f, stranger, mcast, false, 0), &f->fwd), 0);
	assert_int_equal(f->fwd.drop, ESW_DROP_SRC_GROUP);
}

static void
test_trusted_vf_allowed(void **state)
{
	struct fixture *f = *state;
	struct esw_vf_config cfg;
	uint8_t own[ETH_ALEN];

	assert_int_equal(esw_vf_get(f->esw, 3, &cfg), 0);
	cfg.trust = true;
	assert_int_equal(esw_vf_set(f->esw, 3, &cfg), 0);
	assert_int_equal(esw_from_vport(f->esw, esw_vf_vport(3),
	    frame(f, stranger, stranger, false, 0), &f->fwd), 1);
	assert_true(f->fwd.uplink);
	mac_of(esw_vf_vport(3), own);
	assert_int_equal(esw_from_vport(f->esw, esw_vf_vport(3),
	    frame(f, stranger, own, true, 7), &f->fwd), 1);
	/* and it receives in VLAN 7 */
	assert_int_equal(esw_from_uplink(f->esw, frame(f, own, stranger,
	    true, 7), &f->fwd), 1);
	assert_true(esw_fwd_has(&f->fwd, esw_vf_vport(3)));
	assert_int_equal(esw_fwd_edit(f->esw, &f->fwd, esw_vf_vport(3))->op,
	    ESW_VLAN_KEEP);
	/* spoofchk off, not trusted: not checked either */
	cfg.trust = false;
	cfg.spoofchk = false;
	assert_int_equal(esw_vf_set(f->esw, 3, &cfg), 0);
	assert_int_equal(esw_from_vport(f->esw, esw_vf_vport(3),
	    frame(f, stranger, stranger, false, 0), &f->fwd), 1);
	assert_int_equal(vf_cnt(f, 3)->drops[ESW_DROP_MAC_SPOOF], 0);
}

static void
vf_link_set(struct fixture *f, unsigned vf, enum esw_link_state ls)
{
	struct esw_vf_config cfg;

	assert_int_equal(esw_vf_get(f->esw, vf, &cfg), 0);
	cfg.link_state = ls;
	assert_int_equal(esw_vf_set(f->esw, vf, &cfg), 0);
}

static void
test_link_state_disable(void **state)
{
	struct fixture *f = *state;
	uint8_t dst[ETH_ALEN];

	vf_link_set(f, 1, ESW_LINK_DISABLE);
	assert_false(esw_vport_link_up(f->esw, esw_vf_vport(1)));
	mac_of(esw_vf_vport(1), dst);
	assert_int_equal(vf_send(f, 0, dst), 0);
	assert_int_equal(f->fwd.drop, ESW_DROP_DEST_DOWN);
	assert_int_equal(vf_send(f, 1, bcast), 0);
	assert_int_equal(f->fwd.drop, ESW_DROP_LINK_DOWN);
	assert_int_equal(vf_cnt(f, 1)->drops[ESW_DROP_LINK_DOWN], 1);
	/* left out of a flood, without a drop */
	assert_int_equal(vf_send(f, 0, bcast), 1);
	assert_true(f->fwd.uplink);
	assert_false(esw_fwd_has(&f->fwd, esw_vf_vport(1)));
	assert_int_equal(esw_from_uplink(f->esw, frame(f, dst, stranger,
	    true, 10), &f->fwd), 0);
	assert_int_equal(vf_cnt(f, 1)->rx_packets, 0);
}

static void
test_link_auto_follows_uplink(void **state)
{
	struct fixture *f = *state;
	uint8_t dst[ETH_ALEN];

	vf_link_set(f, 1, ESW_LINK_ENABLE);
	esw_uplink_set(f->esw, false);
	assert_false(esw_vport_link_up(f->esw, esw_vf_vport(0)));
	assert_true(esw_vport_link_up(f->esw, esw_vf_vport(1)));
	assert_false(esw_vport_link_up(f->esw, PF));
	mac_of(esw_vf_vport(0), dst);
	assert_int_equal(vf_send(f, 1, dst), 0);
	assert_int_equal(f->fwd.drop, ESW_DROP_DEST_DOWN);
	assert_int_equal(vf_send(f, 0, bcast), 0);
	assert_int_equal(f->fwd.drop, ESW_DROP_LINK_DOWN);
	/* enable keeps switching locally */
	vf_link_set(f, 0, ESW_LINK_ENABLE);
	assert_int_equal(vf_send(f, 1, dst), 1);
	esw_uplink_set(f->esw, true);
	assert_true(esw_vport_link_up(f->esw, PF));
}

static void
test_uplink_never_reflected(void **state)
{
	struct fixture *f = *state;
	uint8_t dst[ETH_ALEN], local[ETH_ALEN];

	assert_int_equal(esw_from_uplink(f->esw, frame(f, bcast, stranger,
	    false, 0), &f->fwd), 2);
	assert_false(f->fwd.uplink);
	assert_true(esw_fwd_has(&f->fwd, PF));
	assert_true(esw_fwd_has(&f->fwd, esw_vf_vport(3)));
	assert_int_equal(esw_from_uplink(f->esw, frame(f, mcast, stranger,
	    true, 10), &f->fwd), 2);
	assert_false(f->fwd.uplink);
	assert_int_equal(f->fwd.edit[ESW_EGRESS_UNTAGGED].op, ESW_VLAN_POP);
	/* unknown unicast from the wire is not flooded, not sent back */
	assert_int_equal(esw_from_uplink(f->esw, frame(f, stranger, stranger,
	    false, 0), &f->fwd), 0);
	assert_false(f->fwd.uplink);
	assert_int_equal(f->fwd.drop, ESW_DROP_UNKNOWN);
	/* our own VF's frame back from the switch */
	mac_of(esw_vf_vport(0), local);
	assert_int_equal(esw_from_uplink(f->esw, frame(f, bcast, local,
	    true, 10), &f->fwd), 0);
	assert_int_equal(f->fwd.drop, ESW_DROP_SRC_LOCAL);
	/* unicast to the PF from the wire */
	mac_of(PF, dst);
	assert_int_equal(esw_from_uplink(f->esw, frame(f, dst, stranger,
	    false, 0), &f->fwd), 1);
	assert_false(f->fwd.uplink);
	assert_int_equal(esw_uplink_counters(f->esw)->rx_packets, 3);
	assert_int_equal(esw_uplink_counters(f->esw)->tx_packets, 0);
	assert_int_equal(esw_uplink_counters(f->esw)->drops[ESW_DROP_UNKNOWN],
	    1);
}

static void
test_loop_and_malformed(void **state)
{
	struct fixture *f = *state;
	uint8_t own[ETH_ALEN];
	struct pkt *p;

	mac_of(esw_vf_vport(3), own);
	assert_int_equal(vf_send(f, 3, own), 0);
	assert_int_equal(f->fwd.drop, ESW_DROP_LOOP);
	p = frame(f, bcast, own, false, 0);
	p->len = 10;
	assert_int_equal(esw_from_vport(f->esw, esw_vf_vport(3), p, &f->fwd),
	    0);
	assert_int_equal(f->fwd.drop, ESW_DROP_MALFORMED);
	p = frame(f, bcast, stranger, true, 10);
	p->data[12] = 0x88;
	p->data[13] = 0xa8;
	assert_int_equal(esw_from_uplink(f->esw, p, &f->fwd), 0);
	assert_int_equal(f->fwd.drop, ESW_DROP_STAG);
	assert_int_equal(esw_from_vport(f->esw, esw_vf_vport(7), p, &f->fwd),
	    0);
	assert_int_equal(f->fwd.drop, ESW_DROP_NO_VPORT);
	assert_int_equal(esw_uplink_counters(f->esw)->drops[ESW_DROP_NO_VPORT],
	    1);
}

static void
assert_vf_unchanged(struct fixture *f, unsigned vf,
    const struct esw_vf_config *want)
{
	struct esw_vf_config got;

	assert_int_equal(esw_vf_get(f->esw, vf, &got), 0);
	assert_memory_equal(got.mac, want->mac, ETH_ALEN);
	assert_int_equal(got.vlan, want->vlan);
	assert_int_equal(got.qos, want->qos);
	assert_int_equal(got.spoofchk, want->spoofchk);
	assert_int_equal(got.trust, want->trust);
	assert_int_equal(got.link_state, want->link_state);
}

static void
test_config_errors_leave_state_unchanged(void **state)
{
	struct fixture *f = *state;
	struct esw_vf_config before, bad;
	uint8_t dst[ETH_ALEN];
	struct esw *e;

	assert_int_equal(esw_vf_get(f->esw, 0, &before), 0);
	bad = before;
	mac_of(esw_vf_vport(1), bad.mac);	/* VF 1's */
	bad.vlan = 30;
	assert_int_equal(esw_vf_set(f->esw, 0, &bad), -EEXIST);
	mac_of(PF, bad.mac);
	assert_int_equal(esw_vf_set(f->esw, 0, &bad), -EEXIST);
	bad = before;
	bad.vlan = 4096;
	assert_int_equal(esw_vf_set(f->esw, 0, &bad), -EINVAL);
	bad = before;
	bad.qos = 8;
	bad.trust = true;
	assert_int_equal(esw_vf_set(f->esw, 0, &bad), -EINVAL);
	bad = before;
	bad.link_state = ESW_LINK_COUNT;
	assert_int_equal(esw_vf_set(f->esw, 0, &bad), -EINVAL);
	bad = before;
	memcpy(bad.mac, mcast, ETH_ALEN);
	assert_int_equal(esw_vf_set(f->esw, 0, &bad), -EINVAL);
	assert_vf_unchanged(f, 0, &before);
	/* forwarding as before: VF 1 -> VF 0 local in VLAN 10 */
	mac_of(esw_vf_vport(0), dst);
	assert_int_equal(vf_send(f, 1, dst), 1);
	assert_true(esw_fwd_has(&f->fwd, esw_vf_vport(0)));

	assert_int_equal(esw_vf_set(f->esw, 5, &before), -ENOENT);
	assert_int_equal(esw_vf_get(f->esw, 5, &bad), -ENOENT);
	assert_int_equal(esw_vf_del(f->esw, 5), -ENOENT);
	assert_int_equal(esw_vf_add(f->esw, 0, &before), -EEXIST);
	assert_int_equal(esw_vf_add(f->esw, NVFS, &before), -ERANGE);
	assert_int_equal(esw_vf_add(f->esw, 5, &before), -EEXIST); /* MAC */
	assert_false(esw_vport_exists(f->esw, esw_vf_vport(5)));
	assert_int_equal(esw_pf_mac_set(f->esw, before.mac), -EEXIST);
	assert_int_equal(esw_pf_mac_set(f->esw, bcast), -EINVAL);
	assert_int_equal(esw_vport_trunk_set(f->esw, esw_vf_vport(5), 1, 2,
	    true), -ENOENT);
	assert_int_equal(esw_vport_trunk_set(f->esw, PF, 1, 4096, true),
	    -ERANGE);
	assert_int_equal(esw_vport_trunk_set(f->esw, PF, 9, 8, true), -EINVAL);
	assert_int_equal(esw_vport_trunk_set(f->esw, PF, 0, 8, true), -EINVAL);
	assert_int_equal(esw_create(&e, ESW_VFS_MAX + 1), -ERANGE);

	/* a deleted VF's MAC is free again, and gone from the FDB */
	assert_int_equal(esw_vf_del(f->esw, 0), 0);
	assert_int_equal(vf_send(f, 1, dst), 1);
	assert_true(f->fwd.uplink);
	assert_int_equal(esw_vf_add(f->esw, 5, &before), 0);
}

static void
test_vlan_apply_errors(void **state)
{
	struct fixture *f = *state;
	struct esw_vlan_edit pop = { .op = ESW_VLAN_POP };
	struct esw_vlan_edit push = { .op = ESW_VLAN_PUSH, .tci = 3 };
	struct pkt *p = frame(f, bcast, stranger, false, 0);

	assert_int_equal(esw_vlan_apply(p, &pop), -EINVAL);
	assert_int_equal(p->len, 60);
	p->data = p->buf;	/* no headroom */
	p->len = 20;
	assert_int_equal(esw_vlan_apply(p, &push), -ENOSPC);
	p->len = 8;
	assert_int_equal(esw_vlan_apply(p, &push), -EINVAL);
}

static void
test_name_tables(void **state)
{
	for (unsigned i = 0; i < ESW_DROP_COUNT; i++) {
		assert_non_null(esw_drop_names[i]);
		assert_non_null(esw_drop_descs[i]);
	}
	assert_string_equal(esw_drop_names[ESW_DROP_MAC_SPOOF], "MAC_SPOOF");
	assert_string_equal(esw_link_state_names[ESW_LINK_DISABLE], "disable");
	assert_string_equal(esw_vlan_op_names[ESW_VLAN_POP], "pop");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_vf_to_vf_local),
		T(test_vf_to_pf),
		T(test_vf_to_unknown_goes_up),
		T(test_broadcast_replicated_by_vlan),
		T(test_vlan_isolation),
		T(test_port_vlan_push_pop),
		T(test_spoofed_source_dropped_and_counted),
		T(test_trusted_vf_allowed),
		T(test_link_state_disable),
		T(test_link_auto_follows_uplink),
		T(test_uplink_never_reflected),
		T(test_loop_and_malformed),
		T(test_config_errors_leave_state_unchanged),
		T(test_vlan_apply_errors),
		T(test_name_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
