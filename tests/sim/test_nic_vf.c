/*
 * VFs on the NIC over sim wires, under virtual time: add/set/del all or
 * nothing, local switching (hairpin, never on the wire), VLAN isolation,
 * spoofed frames dropped and counted, carrier following the LAG, the TX
 * scheduler's rate limit and its queues following a failover, and the
 * failover announcement on behalf of a VF.
 *
 * Wires: a0-b0, a1-b1 are the members (the test plays the switch on b0,
 * b1); v0-w0, v1-w1, v2-w2 are the VFs (the NIC opens v<n>, the test plays
 * the VM on w<n>).
 */
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

#include "daemon/nic.h"
#include "port/sim.h"
#include "txs/txs.h"

#define NVF		3
#define ETHERTYPE_TEST	0x88b5		/* IEEE local experimental */

static const uint8_t mac_vf[NVF][6] = {
	{ 0x02, 0x00, 0x00, 0x00, 0x0f, 0x00 },
	{ 0x02, 0x00, 0x00, 0x00, 0x0f, 0x01 },
	{ 0x02, 0x00, 0x00, 0x00, 0x0f, 0x02 },
};
static const uint8_t mac_far[6] = { 0x02, 0x00, 0x00, 0x00, 0xfa, 0x01 };
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct fixture {
	struct sim sim;
	struct sim_wire *member_wire[2];
	struct pkt_pool pool;
	struct nic *nic;
	struct nic_caps caps;
	struct port *sw[2];		/* b0, b1: the switch */
	struct port *vm[NVF];		/* w0..: the VMs */
	/* traffic generator (rate test) */
	uint64_t gen_next, gen_gap, gen_until;
	uint32_t gen_len;
	uint64_t rx_bytes_b0;		/* the VF's test frames seen at b0 */
	unsigned events[NIC_EV_COUNT];
	char last_port[IF_NAMESIZE];
};

static void
on_event(const struct nic_event *ev, void *arg)
{
	struct fixture *f = arg;

	f->events[ev->type]++;
	if (ev->port)
		snprintf(f->last_port, sizeof(f->last_port), "%s", ev->port);
}

static void
nic_node_poll(void *arg, uint64_t now)
{
	struct fixture *f = arg;

	if (f->nic)
		nic_poll(f->nic);
}

static uint64_t
nic_node_deadline(void *arg)
{
	struct fixture *f = arg;

	return f->nic ? nic_next_deadline(f->nic) : UINT64_MAX;
}

static struct port *
test_port(struct fixture *f, const char *name, uint32_t id)
{
	struct port_config c = { .ifname = name, .sim = &f->sim,
	    .rx_ring_size = 4096 };
	struct port *p;

	assert_int_equal(port_open(&p, "sim", &c, &f->pool, id), 0);
	return p;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char a[8], b[8];

	assert_int_equal(sim_init(&f->sim, 0x7f1), 0);
	assert_int_equal(pkt_pool_init(&f->pool, 16384, 2048), 0);
	for (int i = 0; i < 2; i++) {
		snprintf(a, sizeof(a), "a%d", i);
		snprintf(b, sizeof(b), "b%d", i);
		f->member_wire[i] = sim_wire_add(&f->sim, a, b);
		f->sw[i] = test_port(f, b, 100 + i);
	}
	for (int i = 0; i < NVF; i++) {
		snprintf(a, sizeof(a), "v%d", i);
		snprintf(b, sizeof(b), "w%d", i);
		assert_non_null(sim_wire_add(&f->sim, a, b));
		f->vm[i] = test_port(f, b, 200 + i);
	}
	assert_int_equal(sim_node_add(&f->sim, &(struct sim_node){
	    .poll = nic_node_poll, .next_deadline = nic_node_deadline,
	    .arg = f }), 0);
	nic_caps_default(&f->caps);
	f->caps.max_vfs = 4;
	*state = f;
	return 0;
}

static void drain_all(struct fixture *f);

/* Frames still on the wires come from both pools: deliver and free them
 * before either goes. */
static int
teardown(void **state)
{
	struct fixture *f = *state;

	f->gen_until = 0;
	sim_run_for(&f->sim, NSEC_PER_MSEC);
	drain_all(f);
	for (int i = 0; i < 2; i++)
		port_close(f->sw[i]);
	for (int i = 0; i < NVF; i++)
		port_close(f->vm[i]);
	nic_destroy(f->nic);
	f->nic = NULL;
	sim_fini(&f->sim);
	assert_int_equal(f->pool.nfree, f->pool.count);
	pkt_pool_fini(&f->pool);
	free(f);
	return 0;
}

static void
create(struct fixture *f, enum lag_mode mode)
{
	struct nic_env env = { .clock = sim_clock(&f->sim), .sim = &f->sim };
	struct nic_err err = { 0 };
	struct nic_config cfg;

	nic_config_default(&cfg);
	strcpy(cfg.backend, "sim");
	cfg.pf = false;
	cfg.lag.mode = mode;
	strcpy(cfg.ports[0].ifname, "a0");
	strcpy(cfg.ports[1].ifname, "a1");
	cfg.nports = 2;
	assert_int_equal(nic_create(&f->nic, &cfg, &f->caps, &env, &err), 0);
	assert_int_equal(nic_subscribe(f->nic, on_event, f), 0);
	sim_run_for(&f->sim, NSEC_PER_MSEC);
	assert_true(nic_lag(f->nic)->carrier);
}

static struct nic_vf_config
vf_config(unsigned n)
{
	struct nic_vf_config vc;

	nic_vf_config_default(&vc, n);
	snprintf(vc.ifname, sizeof(vc.ifname), "v%u", n);
	memcpy(vc.esw.mac, mac_vf[n], 6);
	return vc;
}

static void
add_vf(struct fixture *f, const struct nic_vf_config *vc)
{
	struct nic_err err = { 0 };

	assert_int_equal(nic_vf_add(f->nic, vc, &err), 0);
}

/* A frame dst <- src, tagged with vid if not 0, of len bytes. */
static void
send_frame(struct fixture *f, struct port *from, const uint8_t *dst,
    const uint8_t *src, uint16_t vid, uint32_t len)
{
	struct pkt *p = pkt_alloc(&f->pool);
	uint8_t *d;
	unsigned off = 12;

	assert_non_null(p);
	d = p->data;
	memset(d, 0x5a, len);
	memcpy(d, dst, 6);
	memcpy(d + 6, src, 6);
	if (vid) {
		d[12] = 0x81;
		d[13] = 0x00;
		d[14] = (uint8_t)(vid >> 8);
		d[15] = (uint8_t)vid;
		off = 16;
	}
	d[off] = ETHERTYPE_TEST >> 8;
	d[off + 1] = ETHERTYPE_TEST & 0xff;
	p->len = len;
	assert_int_equal(port_tx_burst(from, &p, 1), 1);
}

/* Frames of the test's ethertype waiting at port; *vid: the last one's
 * VLAN (0 untagged). Others (announcements) are let go. */
static unsigned
drain(struct port *port, uint16_t *vid)
{
	struct pkt *burst[PKT_BURST_MAX];
	unsigned n, count = 0;

	while ((n = port_rx_burst(port, burst, PKT_BURST_MAX))) {
		for (unsigned i = 0; i < n; i++) {
			const uint8_t *d = burst[i]->data;
			bool tagged = d[12] == 0x81 && d[13] == 0x00;
			unsigned off = tagged ? 16 : 12;

			if ((d[off] << 8 | d[off + 1]) == ETHERTYPE_TEST) {
				count++;
				if (vid)
					*vid = tagged ? (uint16_t)((d[14] << 8 |
					    d[15]) & 0xfff) : 0;
			}
			pkt_free(burst[i]);
		}
	}
	return count;
}

static void
settle(struct fixture *f)
{
	sim_run_for(&f->sim, 100 * NSEC_PER_USEC);
}

static uint64_t
member_tx(struct fixture *f)
{
	const struct lag *lag = nic_lag(f->nic);

	return lag->members[0]->cnt.tx_packets +
	    lag->members[1]->cnt.tx_packets;
}

static void
drain_all(struct fixture *f)
{
	for (int i = 0; i < 2; i++)
		drain(f->sw[i], NULL);
	for (int i = 0; i < NVF; i++)
		drain(f->vm[i], NULL);
}

static void
test_add_set_del_all_or_nothing(void **state)
{
	struct fixture *f = *state;
	struct nic_vf_config vc = vf_config(0), bad;
	struct nic_err err = { 0 };

	create(f, LAG_MODE_ACTIVE_BACKUP);
	add_vf(f, &vc);
	assert_non_null(sim_end_find(&f->sim, "v0")->port);
	assert_int_equal(f->events[NIC_EV_VF_ADDED], 1);
	assert_string_equal(f->last_port, "v0");
	assert_int_equal(nic_vf_add(f->nic, &vc, &err), -EEXIST);
	bad = vf_config(1);
	memcpy(bad.esw.mac, mac_vf[0], 6);	/* VF 0's MAC */
	assert_int_equal(nic_vf_add(f->nic, &bad, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "mac"));
	/* v1 was not left open */
	assert_null(sim_end_find(&f->sim, "v1")->port);
	bad = vf_config(1);
	bad.vf = 4;				/* max_vfs is 4 */
	assert_int_equal(nic_vf_add(f->nic, &bad, &err), -ERANGE);
	assert_non_null(strstr(err.msg, "max_vfs=4"));
	bad = vf_config(1);
	strcpy(bad.ifname, "a1");		/* a member */
	assert_int_equal(nic_vf_add(f->nic, &bad, &err), -EBUSY);
	bad = vf_config(1);
	bad.max_tx_rate = 10;
	bad.min_tx_rate = 20;
	assert_int_equal(nic_vf_add(f->nic, &bad, &err), -EINVAL);
	assert_int_equal(nic_config(f->nic)->nvfs, 1);
	assert_int_equal(f->events[NIC_EV_VF_ADDED], 1);	/* no others */

	vc.esw.vlan = 10;
	vc.esw.qos = 3;
	vc.max_tx_rate = 50;
	assert_int_equal(nic_vf_set(f->nic, &vc, &err), 0);
	assert_int_equal(nic_vf_get(f->nic, 0)->esw.vlan, 10);
	assert_int_equal(nic_vf_get(f->nic, 0)->max_tx_rate, 50);
	bad = vc;
	bad.vf = 2;
	assert_int_equal(nic_vf_set(f->nic, &bad, &err), -ENOENT);
	bad = vc;
	strcpy(bad.ifname, "vx");
	assert_int_equal(nic_vf_set(f->nic, &bad, &err), -EBUSY);
	assert_int_equal(nic_vf_del(f->nic, 3, &err), -ENOENT);
	assert_int_equal(nic_vf_del(f->nic, 0, &err), 0);
	assert_int_equal(f->events[NIC_EV_VF_REMOVED], 1);
	assert_null(nic_vf_get(f->nic, 0));
	assert_null(sim_end_find(&f->sim, "v0")->port);
	/* the same VF can come back */
	vc = vf_config(0);
	add_vf(f, &vc);
}

/* Two VFs swap MACs in one reconfigure: no clash in between. */
static void
test_mac_swap(void **state)
{
	struct fixture *f = *state;
	struct nic_vf_config v0 = vf_config(0), v1 = vf_config(1);
	struct nic_config cfg;
	struct nic_err err = { 0 };

	create(f, LAG_MODE_ACTIVE_BACKUP);
	add_vf(f, &v0);
	add_vf(f, &v1);
	cfg = *nic_config(f->nic);
	memcpy(cfg.vfs[0].esw.mac, mac_vf[1], 6);
	memcpy(cfg.vfs[1].esw.mac, mac_vf[0], 6);
	assert_int_equal(nic_reconfigure(f->nic, &cfg, &err), 0);
	drain_all(f);
	send_frame(f, f->vm[1], mac_vf[1], mac_vf[0], 0, 100);
	settle(f);
	assert_int_equal(drain(f->vm[0], NULL), 1);
}

static void
test_local_switching(void **state)
{
	struct fixture *f = *state;
	struct nic_vf_config v0 = vf_config(0), v1 = vf_config(1);
	uint64_t before;

	create(f, LAG_MODE_ACTIVE_BACKUP);
	add_vf(f, &v0);
	add_vf(f, &v1);
	settle(f);
	drain_all(f);
	before = member_tx(f);
	for (int i = 0; i < 10; i++)
		send_frame(f, f->vm[0], mac_vf[1], mac_vf[0], 0, 200);
	settle(f);
	assert_int_equal(drain(f->vm[1], NULL), 10);
	/* never on the wire */
	assert_int_equal(member_tx(f), before);
	assert_int_equal(drain(f->sw[0], NULL) + drain(f->sw[1], NULL), 0);
	/* a broadcast: the other VF and the wire (the active member) */
	send_frame(f, f->vm[0], mac_bcast, mac_vf[0], 0, 64);
	settle(f);
	assert_int_equal(drain(f->vm[1], NULL), 1);
	assert_int_equal(drain(f->vm[0], NULL), 0);
	assert_int_equal(drain(f->sw[0], NULL), 1);
	/* from the wire, by destination MAC */
	send_frame(f, f->sw[0], mac_vf[1], mac_far, 0, 64);
	send_frame(f, f->sw[0], mac_vf[0], mac_far, 0, 64);
	send_frame(f, f->sw[0], mac_vf[0], mac_far, 0, 64);
	settle(f);
	assert_int_equal(drain(f->vm[1], NULL), 1);
	assert_int_equal(drain(f->vm[0], NULL), 2);
	/* to a MAC no function has: up the LAG */
	send_frame(f, f->vm[0], mac_far, mac_vf[0], 0, 64);
	settle(f);
	assert_int_equal(drain(f->sw[0], NULL), 1);
}

static void
test_vlan_isolation(void **state)
{
	struct fixture *f = *state;
	struct nic_vf_config v[NVF];
	uint16_t vid = 0xffff;

	create(f, LAG_MODE_ACTIVE_BACKUP);
	for (unsigned i = 0; i < NVF; i++) {
		v[i] = vf_config(i);
		v[i].esw.vlan = i == 1 ? 20 : 10;
		add_vf(f, &v[i]);
	}
	settle(f);
	drain_all(f);
	send_frame(f, f->vm[0], mac_bcast, mac_vf[0], 0, 64);
	settle(f);
	assert_int_equal(drain(f->vm[2], &vid), 1);	/* VLAN 10 */
	assert_int_equal(vid, 0);			/* popped */
	assert_int_equal(drain(f->vm[1], NULL), 0);	/* VLAN 20 */
	assert_int_equal(drain(f->sw[0], &vid), 1);
	assert_int_equal(vid, 10);			/* pushed */
	/* unicast across VLANs does not cross either: it goes up */
	send_frame(f, f->vm[0], mac_vf[1], mac_vf[0], 0, 64);
	settle(f);
	assert_int_equal(drain(f->vm[1], NULL), 0);
	assert_int_equal(drain(f->sw[0], &vid), 1);
	assert_int_equal(vid, 10);
	/* from the wire: only in the VF's VLAN, untagged to it */
	send_frame(f, f->sw[0], mac_vf[1], mac_far, 20, 64);
	send_frame(f, f->sw[0], mac_vf[1], mac_far, 10, 64);
	send_frame(f, f->sw[0], mac_vf[1], mac_far, 0, 64);
	settle(f);
	assert_int_equal(drain(f->vm[1], &vid), 1);
	assert_int_equal(vid, 0);
	/* a VF in VST may not send tagged frames */
	send_frame(f, f->vm[1], mac_far, mac_vf[1], 30, 64);
	settle(f);
	assert_int_equal(drain(f->sw[0], NULL), 0);
}

static void
test_spoof_dropped_and_counted(void **state)
{
	struct fixture *f = *state;
	struct nic_vf_config v0 = vf_config(0), v1 = vf_config(1);
	struct nic_vf_state st;
	struct nic_err err = { 0 };

	create(f, LAG_MODE_ACTIVE_BACKUP);
	add_vf(f, &v0);
	add_vf(f, &v1);
	settle(f);
	drain_all(f);
	send_frame(f, f->vm[0], mac_far, mac_far, 0, 64);	/* not its MAC */
	send_frame(f, f->vm[0], mac_vf[1], mac_vf[2], 0, 64);
	settle(f);
	assert_int_equal(drain(f->sw[0], NULL) + drain(f->vm[1], NULL), 0);
	assert_int_equal(nic_vf_state(f->nic, 0, &st), 0);
	assert_int_equal(st.esw->drops[ESW_DROP_MAC_SPOOF], 2);
	assert_int_equal(st.esw->tx_packets, 0);
	/* trusted: anything goes */
	v0.esw.trust = true;
	assert_int_equal(nic_vf_set(f->nic, &v0, &err), 0);
	send_frame(f, f->vm[0], mac_far, mac_far, 0, 64);
	settle(f);
	assert_int_equal(drain(f->sw[0], NULL), 1);
	/* spoofchk off: the same */
	v1.esw.spoofchk = false;
	assert_int_equal(nic_vf_set(f->nic, &v1, &err), 0);
	send_frame(f, f->vm[1], mac_far, mac_far, 0, 64);
	settle(f);
	assert_int_equal(drain(f->sw[0], NULL), 1);
}

static void
test_carrier_follows_lag(void **state)
{
	struct fixture *f = *state;
	struct nic_vf_config v[NVF];
	const struct port *p[NVF];
	struct nic_vf_state st;

	create(f, LAG_MODE_ACTIVE_BACKUP);
	for (unsigned i = 0; i < NVF; i++) {
		v[i] = vf_config(i);
		v[i].esw.link_state = i == 0 ? ESW_LINK_AUTO :
		    i == 1 ? ESW_LINK_ENABLE : ESW_LINK_DISABLE;
		add_vf(f, &v[i]);
		assert_int_equal(nic_vf_state(f->nic, i, &st), 0);
		p[i] = st.port;
	}
	assert_true(p[0]->carrier);
	assert_true(p[1]->carrier);
	assert_false(p[2]->carrier);
	sim_carrier_set(f->member_wire[0], false);
	settle(f);
	assert_true(p[0]->carrier);		/* a1 carries on */
	sim_carrier_set(f->member_wire[1], false);
	settle(f);
	assert_false(nic_lag(f->nic)->carrier);
	assert_false(p[0]->carrier);		/* every port down */
	assert_true(p[1]->carrier);		/* enable */
	/* enable: still switching locally with the uplink down */
	drain_all(f);
	send_frame(f, f->vm[1], mac_vf[0], mac_vf[1], 0, 64);
	send_frame(f, f->vm[0], mac_vf[1], mac_vf[0], 0, 64);
	settle(f);
	assert_int_equal(drain(f->vm[0], NULL), 0);	/* its link is down */
	assert_int_equal(drain(f->vm[1], NULL), 0);
	sim_carrier_set(f->member_wire[1], true);
	settle(f);
	assert_true(p[0]->carrier);		/* back with the LAG */
	assert_false(p[2]->carrier);
	v[2].esw.link_state = ESW_LINK_AUTO;
	assert_int_equal(nic_vf_set(f->nic, &v[2], NULL), 0);
	assert_true(p[2]->carrier);
}

/* The generator: the VM on w0 offers gen_len-byte frames every gen_gap;
 * the switch's side counts what arrives at b0. */
static void
gen_poll(void *arg, uint64_t now)
{
	struct fixture *f = arg;
	struct pkt *burst[PKT_BURST_MAX];
	unsigned n;

	while (f->gen_next <= now && f->gen_next < f->gen_until) {
		send_frame(f, f->vm[0], mac_far, mac_vf[0], 0, f->gen_len);
		f->gen_next += f->gen_gap;
	}
	while ((n = port_rx_burst(f->sw[0], burst, PKT_BURST_MAX))) {
		for (unsigned i = 0; i < n; i++) {
			if (memcmp(burst[i]->data + 6, mac_vf[0], 6) == 0)
				f->rx_bytes_b0 += burst[i]->len;
			pkt_free(burst[i]);
		}
	}
}

static uint64_t
gen_deadline(void *arg)
{
	struct fixture *f = arg;

	return f->gen_next < f->gen_until ? f->gen_next : UINT64_MAX;
}

static void
test_max_tx_rate_held(void **state)
{
	struct fixture *f = *state;
	struct nic_vf_config v0 = vf_config(0);
	const uint64_t rate = 100;		/* Mbit/s */
	uint64_t t0, bytes0, want, got, now, next;
	struct nic_vf_state st;

	create(f, LAG_MODE_ACTIVE_BACKUP);
	v0.max_tx_rate = (uint32_t)rate;
	add_vf(f, &v0);
	f->gen_len = 1000;
	f->gen_gap = 40 * NSEC_PER_USEC;	/* 200 Mbit/s offered */
	f->gen_next = clock_now(sim_clock(&f->sim));
	f->gen_until = f->gen_next + 7 * NSEC_PER_SEC;
	assert_int_equal(sim_node_add(&f->sim, &(struct sim_node){
	    .poll = gen_poll, .next_deadline = gen_deadline, .arg = f }), 0);
	sim_run_for(&f->sim, NSEC_PER_SEC);	/* the queue fills */
	t0 = clock_now(sim_clock(&f->sim));
	bytes0 = f->rx_bytes_b0;
	sim_run_for(&f->sim, 5 * NSEC_PER_SEC);
	got = f->rx_bytes_b0 - bytes0;
	want = rate * 1000000 / 8 * 5;
	print_message("max_tx_rate %" PRIu64 " Mbit/s: %" PRIu64 " bytes in "
	    "5 s, want %" PRIu64 "\n", rate, got, want);
	assert_true(got >= want * 95 / 100 && got <= want * 105 / 100);
	assert_int_equal(nic_vf_state(f->nic, 0, &st), 0);
	assert_true(st.tx_throttled > 0);
	/* offered twice the rate: the queue full, the VF is not read and
	 * its own port (the TAP's queue) drops the rest */
	assert_int_equal(st.tx_queue_dropped, 0);
	assert_true(st.port->cnt.rx_dropped > 0);
	/* throttled: the NIC asks to run again when tokens come, not now */
	now = clock_now(sim_clock(&f->sim));
	assert_true(now > t0);
	nic_poll(f->nic);
	next = nic_next_deadline(f->nic);
	assert_true(next > now && next <= now + 2 * NSEC_PER_MSEC);
}

/* The VM resolves neighbours: an ARP request (IPv4 10.0.0.5) and a
 * neighbour solicitation (IPv6 fe80::5) teach its addresses. */
static const uint8_t vm_ip6[16] = { 0xfe, 0x80, [15] = 5 };

static void
vm_resolve(struct fixture *f)
{
	static const uint8_t arp[] = { 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1 };
	struct pkt *p = pkt_alloc(&f->pool);
	uint8_t *d = p->data;

	memset(d, 0, 78);
	memcpy(d, mac_bcast, 6);
	memcpy(d + 6, mac_vf[0], 6);
	memcpy(d + 12, arp, sizeof(arp));
	memcpy(d + 22, mac_vf[0], 6);
	memcpy(d + 28, (uint8_t[]){ 10, 0, 0, 5 }, 4);
	memcpy(d + 38, (uint8_t[]){ 10, 0, 0, 9 }, 4);
	p->len = 60;
	assert_int_equal(port_tx_burst(f->vm[0], &p, 1), 1);
	p = pkt_alloc(&f->pool);
	d = p->data;
	memset(d, 0, 78);
	memcpy(d, (uint8_t[]){ 0x33, 0x33, 0xff, 0, 0, 9 }, 6);
	memcpy(d + 6, mac_vf[0], 6);
	d[12] = 0x86;
	d[13] = 0xdd;
	d[14] = 0x60;
	d[19] = 24;			/* payload length */
	d[20] = 58;			/* ICMPv6 */
	d[21] = 255;
	memcpy(d + 22, vm_ip6, 16);
	memcpy(d + 38, (uint8_t[]){ 0xff, 0x02, [11] = 1, 0xff, 0, 0, 9 }, 16);
	d[54] = 135;			/* neighbour solicitation */
	p->len = 78;
	assert_int_equal(port_tx_burst(f->vm[0], &p, 1), 1);
	settle(f);
}

/* The VF's queue follows the active member, and the switch hears of the
 * VF (a gratuitous ARP and an unsolicited NA for the addresses it used)
 * on the new port. */
static void
test_failover_moves_queue_and_announces(void **state)
{
	struct fixture *f = *state;
	struct nic_vf_config v0 = vf_config(0);
	struct nic_vf_state st;
	struct txs_stats moves;
	struct pkt *burst[PKT_BURST_MAX];
	bool garp = false, na = false;
	unsigned n;

	create(f, LAG_MODE_ACTIVE_BACKUP);
	add_vf(f, &v0);
	assert_int_equal(nic_vf_state(f->nic, 0, &st), 0);
	assert_string_equal(st.tx_port, "a0");
	vm_resolve(f);
	assert_int_equal(nic_vf_state(f->nic, 0, &st), 0);
	assert_int_equal(st.announce->n_ipv4, 1);
	assert_int_equal(st.announce->ipv4[0], 0x0a000005);
	assert_int_equal(st.announce->n_ipv6, 1);
	assert_memory_equal(st.announce->ipv6[0], vm_ip6, 16);
	drain_all(f);
	moves = *nic_txs_stats(f->nic);
	sim_carrier_set(f->member_wire[0], false);
	settle(f);
	assert_int_equal(nic_vf_state(f->nic, 0, &st), 0);
	assert_string_equal(st.tx_port, "a1");
	/* every queue of a0 (the PF's, the VF's) went over in one step */
	assert_int_equal(nic_txs_stats(f->nic)->node_moves, moves.node_moves + 1);
	assert_int_equal(nic_txs_stats(f->nic)->queue_moves,
	    moves.queue_moves);
	while ((n = port_rx_burst(f->sw[1], burst, PKT_BURST_MAX)))
		for (unsigned i = 0; i < n; i++) {
			const uint8_t *d = burst[i]->data;

			if (d[12] == 0x08 && d[13] == 0x06 &&
			    memcmp(d + 22, mac_vf[0], 6) == 0 &&
			    memcmp(d + 28, (uint8_t[]){ 10, 0, 0, 5 }, 4) == 0)
				garp = true;
			if (d[12] == 0x86 && d[13] == 0xdd && d[54] == 136 &&
			    memcmp(d + 6, mac_vf[0], 6) == 0 &&
			    memcmp(d + 62, vm_ip6, 16) == 0)
				na = true;
			pkt_free(burst[i]);
		}
	assert_true(garp);
	assert_true(na);
	/* and the VF's traffic leaves on a1 */
	send_frame(f, f->vm[0], mac_far, mac_vf[0], 0, 64);
	settle(f);
	assert_int_equal(drain(f->sw[1], NULL), 1);
}

/* A VF without a known address is announced by a RARP with its MAC. */
static void
test_failover_rarp_without_address(void **state)
{
	struct fixture *f = *state;
	struct nic_vf_config v1 = vf_config(1);
	struct pkt *burst[PKT_BURST_MAX];
	bool rarp = false;
	unsigned n;

	create(f, LAG_MODE_ACTIVE_BACKUP);
	add_vf(f, &v1);
	settle(f);
	drain_all(f);
	sim_carrier_set(f->member_wire[0], false);
	settle(f);
	while ((n = port_rx_burst(f->sw[1], burst, PKT_BURST_MAX)))
		for (unsigned i = 0; i < n; i++) {
			const uint8_t *d = burst[i]->data;

			if (d[12] == 0x80 && d[13] == 0x35 &&
			    memcmp(d + 6, mac_vf[1], 6) == 0)
				rarp = true;
			pkt_free(burst[i]);
		}
	assert_true(rarp);
}

/* balance-xor: the VFs' queues spread over both members' nodes. */
static void
test_xor_queues_spread(void **state)
{
	struct fixture *f = *state;
	struct nic_vf_config v[NVF];
	struct nic_vf_state st;
	unsigned on_a0 = 0;

	create(f, LAG_MODE_BALANCE_XOR);
	for (unsigned i = 0; i < NVF; i++) {
		v[i] = vf_config(i);
		add_vf(f, &v[i]);
		assert_int_equal(nic_vf_state(f->nic, i, &st), 0);
		assert_non_null(st.tx_port);
		on_a0 += strcmp(st.tx_port, "a0") == 0;
	}
	assert_true(on_a0 > 0 && on_a0 < NVF);
	sim_carrier_set(f->member_wire[0], false);
	settle(f);
	for (unsigned i = 0; i < NVF; i++) {
		assert_int_equal(nic_vf_state(f->nic, i, &st), 0);
		assert_string_equal(st.tx_port, "a1");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_set_del_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mac_swap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_switching, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vlan_isolation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spoof_dropped_and_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_carrier_follows_lag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_tx_rate_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failover_moves_queue_and_announces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failover_rarp_without_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xor_queues_spread, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
