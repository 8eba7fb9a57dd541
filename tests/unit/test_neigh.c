/* net/neigh: the RDMA peers' MACs, learnt from ARP and NAs, asked for. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net/arp.h"
#include "net/icmp6.h"
#include "net/neigh.h"

static const uint8_t mac_b[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t ip_b[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    10, 0, 0, 2 };
static const uint8_t ip6_b[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 2 };

static struct neigh nb;

/* B's ARP request for someone: B's address and MAC are learnt from it. */
static void
test_learns_from_arp_and_na(void **state)
{
	uint8_t frame[128], mac[ETH_ALEN];
	bool ask;
	int n;

	neigh_init(&nb);
	n = net_arp_build_request(frame, sizeof(frame), mac_b, 0x0a000002,
	    0x0a000001, NULL, 0);
	assert_true(n > 0);
	/* a truncated ARP teaches nothing (and is read no further) */
	for (size_t len = 0; len < ETH_HLEN + NET_ARP_LEN; len++)
		neigh_snoop(&nb, frame, len, 1000);
	assert_int_equal(nb.cnt.learnt, 0);
	neigh_snoop(&nb, frame, (size_t)n, 1000);
	assert_int_equal(neigh_lookup(&nb, ip_b, 2000, mac, &ask), 0);
	assert_memory_equal(mac, mac_b, ETH_ALEN);
	assert_false(ask);
	n = net_icmp6_build_unsol_na(frame, sizeof(frame), mac_b, ip6_b, NULL,
	    0);
	assert_true(n > 0);
	neigh_snoop(&nb, frame, (size_t)n, 1000);
	assert_int_equal(neigh_lookup(&nb, ip6_b, 2000, mac, &ask), 0);
	assert_memory_equal(mac, mac_b, ETH_ALEN);
	assert_int_equal(nb.cnt.learnt, 2);
	/* nor does a truncated NA (IPv6 header, 24 bytes of NA) */
	for (size_t len = 0; len < ETH_HLEN + 40 + 24; len++)
		neigh_snoop(&nb, frame, len, 1000);
	assert_int_equal(nb.cnt.learnt, 2);
}

/* A miss asks once per interval, until the answer comes; it expires. */
static void
test_miss_asks_at_most_once_an_interval(void **state)
{
	uint8_t frame[128], mac[ETH_ALEN];
	uint64_t t = 5 * NSEC_PER_SEC;
	bool ask;
	int n;

	neigh_init(&nb);
	assert_int_equal(neigh_lookup(&nb, ip_b, t, mac, &ask), -EAGAIN);
	assert_true(ask);
	assert_int_equal(neigh_lookup(&nb, ip_b, t + NEIGH_ASK_INTERVAL - 1,
	    mac, &ask), -EAGAIN);
	assert_false(ask);
	assert_int_equal(neigh_lookup(&nb, ip_b, t + NEIGH_ASK_INTERVAL,
	    mac, &ask), -EAGAIN);
	assert_true(ask);
	assert_int_equal(nb.cnt.asked, 2);
	/* the reply */
	n = net_arp_build_request(frame, sizeof(frame), mac_b, 0x0a000002,
	    0x0a000001, NULL, 0);
	frame[ETH_HLEN + 7] = NET_ARP_OP_REPLY;
	neigh_snoop(&nb, frame, (size_t)n, t + 1);
	assert_int_equal(neigh_lookup(&nb, ip_b, t + 2, mac, &ask), 0);
	assert_memory_equal(mac, mac_b, ETH_ALEN);
	/* after NEIGH_TTL it is asked for again */
	assert_int_equal(neigh_lookup(&nb, ip_b, t + 1 + NEIGH_TTL, mac,
	    &ask), -EAGAIN);
	assert_true(ask);
}

/* Full: the oldest entry makes room; a broadcast sender is not learnt. */
static void
test_full_cache_drops_the_oldest(void **state)
{
	uint8_t frame[128], mac[ETH_ALEN], src[ETH_ALEN], ip[16];
	bool ask;
	int n;

	neigh_init(&nb);
	memcpy(src, mac_b, ETH_ALEN);
	for (uint32_t i = 0; i <= NEIGH_MAX; i++) {
		src[4] = (uint8_t)(i >> 8);
		src[5] = (uint8_t)i;
		n = net_arp_build_request(frame, sizeof(frame), src,
		    0x0a010000 + i, 0x0a000001, NULL, 0);
		neigh_snoop(&nb, frame, (size_t)n, 1000 + i);
	}
	memcpy(ip, ip_b, 16);
	ip[13] = 1;
	ip[14] = 0;
	ip[15] = 1;			/* 10.1.0.1, the second */
	assert_int_equal(neigh_lookup(&nb, ip, 5000, mac, &ask), 0);
	assert_int_equal(mac[5], 1);
	ip[15] = 0;			/* 10.1.0.0, the first and oldest */
	assert_int_equal(neigh_lookup(&nb, ip, 5000, mac, &ask), -EAGAIN);
	/* a multicast sender MAC is never an answer */
	neigh_init(&nb);
	src[0] = 0x03;
	n = net_arp_build_request(frame, sizeof(frame), src, 0x0a000002,
	    0x0a000001, NULL, 0);
	neigh_snoop(&nb, frame, (size_t)n, 1000);
	assert_int_equal(nb.cnt.learnt, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learns_from_arp_and_na),
		cmocka_unit_test(test_miss_asks_at_most_once_an_interval),
		cmocka_unit_test(test_full_cache_drops_the_oldest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
