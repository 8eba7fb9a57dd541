/*
 * The next hop's MAC for a RoCE GID, as the kernel resolves it for its
 * own RoCE devices: multicast maps by rule, an IP address through the
 * neighbour table (rtnetlink), which a datagram to the address fills
 * when the entry is missing. For ibv_resolve_eth_l2_from_gid; address
 * vectors leave unicast MACs to lagnicd, which asks on the LAG itself.
 */
#include "verbs/verbs_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define VB_RESOLVE_MS	3000	/* how long to wait for ARP/ND */
#define VB_NL_BUF	32768

struct vb_ip {
	int family;
	uint8_t addr[16];
	unsigned len;
};

static bool
gid_is_v4(const union ibv_gid *g)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(g->raw, pfx, sizeof(pfx));
}

static void
ip_of(const union ibv_gid *g, struct vb_ip *ip)
{
	if (gid_is_v4(g)) {
		*ip = (struct vb_ip){ .family = AF_INET, .len = 4 };
		memcpy(ip->addr, &g->raw[12], 4);
	} else {
		*ip = (struct vb_ip){ .family = AF_INET6, .len = 16 };
		memcpy(ip->addr, g->raw, 16);
	}
}

/* 224.0.0.0/4 -> 01:00:5e + 23 bits; ff00::/8 -> 33:33 + 32 bits */
static bool
mcast_mac(const struct vb_ip *ip, uint8_t mac[6])
{
	if (ip->family == AF_INET && (ip->addr[0] & 0xf0) == 0xe0) {
		mac[0] = 0x01, mac[1] = 0x00, mac[2] = 0x5e;
		mac[3] = ip->addr[1] & 0x7f, mac[4] = ip->addr[2];
		mac[5] = ip->addr[3];
		return true;
	}
	if (ip->family == AF_INET6 && ip->addr[0] == 0xff) {
		mac[0] = mac[1] = 0x33;
		memcpy(mac + 2, ip->addr + 12, 4);
		return true;
	}
	return false;
}

static bool
neigh_match(struct nlmsghdr *h, const struct vb_ip *ip, uint8_t mac[6])
{
	struct ndmsg *nd = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof(*nd));
	bool dst_ok = false, mac_ok = false;
	uint8_t m[6];

	if (h->nlmsg_type != RTM_NEWNEIGH || nd->ndm_family != ip->family ||
	    !(nd->ndm_state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY |
	    NUD_PROBE | NUD_PERMANENT | NUD_NOARP)))
		return false;
	for (struct rtattr *a = RTM_RTA(nd); RTA_OK(a, len);
	    a = RTA_NEXT(a, len)) {
		if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == ip->len)
			dst_ok = !memcmp(RTA_DATA(a), ip->addr, ip->len);
		if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6) {
			memcpy(m, RTA_DATA(a), 6);
			mac_ok = true;
		}
	}
	if (dst_ok && mac_ok)
		memcpy(mac, m, 6);
	return dst_ok && mac_ok;
}

/* One dump of the neighbour table: 0 found, ENOENT, or an error. */
static int
neigh_lookup(const struct vb_ip *ip, uint8_t mac[6])
{
	struct {
		struct nlmsghdr h;
		struct ndmsg nd;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETNEIGH,
		    .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.nd = { .ndm_family = (uint8_t)ip->family },
	};
	static _Thread_local uint8_t buf[VB_NL_BUF] __attribute__((aligned(8)));
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int err = ENOENT;
	bool done = false;

	if (fd < 0)
		return errno;
	if (send(fd, &req, sizeof(req), 0) < 0) {
		err = errno;
		done = true;
	}
	while (!done) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		int len = (int)n;

		if (n < 0) {
			err = errno;
			break;
		}
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, len);
		    h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR)
				done = true;
			else if (err == ENOENT && neigh_match(h, ip, mac))
				err = 0;
		}
	}
	close(fd);
	return err;
}

/* A datagram to the discard port makes the kernel resolve the address. */
static void
neigh_poke(const struct vb_ip *ip)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
	    .sin6_port = htons(9) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(9) };
	int fd = socket(ip->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	if (ip->family == AF_INET) {
		memcpy(&a4.sin_addr, ip->addr, 4);
		sendto(fd, "", 0, MSG_DONTWAIT, (struct sockaddr *)&a4,
		    sizeof(a4));
	} else {
		memcpy(&a6.sin6_addr, ip->addr, 16);
		sendto(fd, "", 0, MSG_DONTWAIT, (struct sockaddr *)&a6,
		    sizeof(a6));
	}
	close(fd);
}

bool
vb_gid_mcast_mac(const union ibv_gid *gid, uint8_t mac[6])
{
	struct vb_ip ip;

	ip_of(gid, &ip);
	return mcast_mac(&ip, mac);
}

int
vb_gid_to_mac(const union ibv_gid *gid, uint8_t mac[6])
{
	struct vb_ip ip;
	int err;

	ip_of(gid, &ip);
	if (mcast_mac(&ip, mac))
		return 0;
	err = neigh_lookup(&ip, mac);
	for (int waited = 0; err == ENOENT && waited < VB_RESOLVE_MS;
	    waited += 10) {
		if (waited % 1000 == 0)
			neigh_poke(&ip);
		poll(NULL, 0, 10);
		err = neigh_lookup(&ip, mac);
	}
	if (err) {
		char s[INET6_ADDRSTRLEN] = "?";

		inet_ntop(ip.family, ip.addr, s, sizeof(s));
		vb_trace("no MAC for %s: %s", s, strerror(err));
		return err == ENOENT ? EHOSTUNREACH : err;
	}
	return 0;
}
