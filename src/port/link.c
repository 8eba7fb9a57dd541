/*
 * Linux interfaces over rtnetlink (link.h).
 *
 * A request (query, set) opens its own short-lived NETLINK_ROUTE socket, so
 * callers share nothing and it acts in the namespace of the calling thread.
 * A monitor owns two sockets made in the namespace it was opened in: one
 * subscribed to RTMGRP_LINK for events, one for the re-queries it makes
 * (watch, overrun), so both always look at the same namespace.
 *
 * Nothing here reads /sys: under setns() it shows the namespace /sys was
 * mounted in, not the thread's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <net/if.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "port/link.h"

/* Big enough for one link message with its nested attributes. */
#define LINK_NL_BUF	32768
/* Room for a request: header, ifinfomsg and a few small attributes. */
#define LINK_REQ_BUF	512
/* Receive buffer asked for the monitor: a burst of flaps fits. */
#define LINK_MON_RCVBUF	(1 << 20)

struct link_watch {
	int ifindex;
	struct port *port;
};

struct link_monitor {
	struct mnl_socket *events;	/* RTMGRP_LINK, non-blocking */
	struct mnl_socket *req;		/* re-queries, same namespace */
	char *buf;			/* LINK_NL_BUF, for both */
	uint32_t seq;
	struct link_watch *watch;
	unsigned nwatch, cap;
};

/* What one RTM_NEWLINK says; carrier needs IFF_UP and IFF_LOWER_UP. */
static int
link_attr_cb(const struct nlattr *attr, void *data)
{
	struct link_info *li = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(attr) == ETH_ALEN)
			memcpy(li->mac, mnl_attr_get_payload(attr), ETH_ALEN);
		break;
	case IFLA_MTU:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			li->mtu = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static int
link_parse(const struct nlmsghdr *nlh, struct link_info *li)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EBADMSG;
	memset(li, 0, sizeof(*li));
	li->ifindex = ifi->ifi_index;
	li->admin_up = ifi->ifi_flags & IFF_UP;
	li->carrier = li->admin_up && (ifi->ifi_flags & IFF_LOWER_UP);
	if (mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, li) < 0)
		return -EBADMSG;
	return 0;
}

static int
link_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_info *li = data;

	if (nlh->nlmsg_type != RTM_NEWLINK || !li)
		return MNL_CB_OK;
	if (link_parse(nlh, li) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/*
 * Send req (acked) on nl and read until the ack; a RTM_NEWLINK reply on
 * the way is parsed into reply. 0 or the kernel's -errno.
 */
static int
link_exchange(struct mnl_socket *nl, struct nlmsghdr *req, uint32_t seq,
    char *buf, struct link_info *reply)
{
	uint32_t portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int ret;

	req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	req->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, LINK_NL_BUF);
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, n, seq, portid, link_reply_cb, reply);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

/* One request on a socket of its own, in the caller's namespace. */
static int
link_talk(struct nlmsghdr *req, struct link_info *reply)
{
	struct mnl_socket *nl;
	char *buf;
	int err;

	buf = malloc(LINK_NL_BUF);
	if (!buf)
		return -ENOMEM;
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl) {
		err = -errno;
		goto out_free;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out_close;
	}
	err = link_exchange(nl, req, 1, buf, reply);
out_close:
	mnl_socket_close(nl);
out_free:
	free(buf);
	return err;
}

/* Start an RTM_* request about ifindex in buf (LINK_REQ_BUF bytes). */
static struct nlmsghdr *
link_req_start(char *buf, uint16_t type, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nlh;
}

static struct nlmsghdr *
link_getlink_req(char *buf, int ifindex, const char *ifname)
{
	struct nlmsghdr *nlh = link_req_start(buf, RTM_GETLINK, ifindex);

	if (ifname)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nlh;
}

int
link_query(const char *ifname, struct link_info *out)
{
	char req[LINK_REQ_BUF];
	struct link_info li;
	int err;

	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE)
		return -EINVAL;
	memset(&li, 0, sizeof(li));
	err = link_talk(link_getlink_req(req, 0, ifname), &li);
	if (err)
		return err;
	if (li.ifindex <= 0)
		return -EBADMSG;
	*out = li;
	return 0;
}

int
link_set_mac(int ifindex, const uint8_t mac[ETH_ALEN_])
{
	char req[LINK_REQ_BUF];
	struct nlmsghdr *nlh;

	if (ifindex <= 0)
		return -EINVAL;
	nlh = link_req_start(req, RTM_NEWLINK, ifindex);
	mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN_, mac);
	return link_talk(nlh, NULL);
}

int
link_set_mtu(int ifindex, uint32_t mtu)
{
	char req[LINK_REQ_BUF];
	struct nlmsghdr *nlh;

	if (ifindex <= 0)
		return -EINVAL;
	nlh = link_req_start(req, RTM_NEWLINK, ifindex);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return link_talk(nlh, NULL);
}

int
link_port_mac_set(struct port *port, const uint8_t mac[ETH_ALEN_])
{
	return link_set_mac(port->ifindex, mac);
}

int
link_port_mtu_set(struct port *port, uint32_t mtu)
{
	return link_set_mtu(port->ifindex, mtu);
}

int
link_set_admin(int ifindex, bool up)
{
	char req[LINK_REQ_BUF];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (ifindex <= 0)
		return -EINVAL;
	nlh = link_req_start(req, RTM_NEWLINK, ifindex);
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return link_talk(nlh, NULL);
}

int
link_promisc_hold(int ifindex)
{
	struct packet_mreq mr = {
		.mr_ifindex = ifindex,
		.mr_type = PACKET_MR_PROMISC,
	};
	int fd, err;

	if (ifindex <= 0)
		return -EINVAL;
	/* Protocol 0: the socket is never handed a frame. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
	    sizeof(mr)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* The monitor. */

static int
link_monitor_query(struct link_monitor *mon, int ifindex,
    struct link_info *li)
{
	char req[LINK_REQ_BUF];

	memset(li, 0, sizeof(*li));
	return link_exchange(mon->req, link_getlink_req(req, ifindex, NULL),
	    ++mon->seq, mon->buf, li);
}

static struct mnl_socket *
link_monitor_socket(unsigned groups, int flags)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE,
	    SOCK_CLOEXEC | flags);
	int err;

	if (!nl)
		return NULL;
	if (mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		mnl_socket_close(nl);
		errno = err;
		return NULL;
	}
	return nl;
}

struct link_monitor *
link_monitor_open(void)
{
	struct link_monitor *mon;
	int rcvbuf = LINK_MON_RCVBUF, err = ENOMEM;

	mon = calloc(1, sizeof(*mon));
	if (!mon)
		return NULL;
	mon->buf = malloc(LINK_NL_BUF);
	if (!mon->buf)
		goto fail_free_mon;
	mon->events = link_monitor_socket(RTMGRP_LINK, SOCK_NONBLOCK);
	if (!mon->events) {
		err = errno;
		goto fail_free_buf;
	}
	mon->req = link_monitor_socket(0, 0);
	if (!mon->req) {
		err = errno;
		goto fail_close_events;
	}
	/* commit: nothing below may fail */
	/* Best effort: capped by net.core.rmem_max, overruns are handled. */
	setsockopt(mnl_socket_get_fd(mon->events), SOL_SOCKET, SO_RCVBUF,
	    &rcvbuf, sizeof(rcvbuf));
	return mon;
fail_close_events:
	mnl_socket_close(mon->events);
fail_free_buf:
	free(mon->buf);
fail_free_mon:
	free(mon);
	errno = err;
	return NULL;
}

void
link_monitor_close(struct link_monitor *mon)
{
	if (!mon)
		return;
	mnl_socket_close(mon->req);
	mnl_socket_close(mon->events);
	free(mon->watch);
	free(mon->buf);
	free(mon);
}

int
link_monitor_fd(const struct link_monitor *mon)
{
	return mnl_socket_get_fd(mon->events);
}

static int
link_monitor_find(const struct link_monitor *mon, const struct port *port)
{
	for (unsigned i = 0; i < mon->nwatch; i++)
		if (mon->watch[i].port == port)
			return (int)i;
	return -1;
}

static int
link_monitor_reserve(struct link_monitor *mon)
{
	struct link_watch *w;
	unsigned cap;

	if (mon->nwatch < mon->cap)
		return 0;
	cap = mon->cap ? 2 * mon->cap : 8;
	w = reallocarray(mon->watch, cap, sizeof(*w));
	if (!w)
		return -ENOMEM;
	mon->watch = w;
	mon->cap = cap;
	return 0;
}

int
link_monitor_watch(struct link_monitor *mon, struct port *port)
{
	struct link_info li;
	int err;

	if (port->ifindex <= 0)
		return -EINVAL;
	if (link_monitor_find(mon, port) >= 0)
		return -EEXIST;
	err = link_monitor_reserve(mon);
	if (err)
		return err;
	err = link_monitor_query(mon, port->ifindex, &li);
	if (err)
		return err;
	/* commit: nothing below may fail */
	mon->watch[mon->nwatch++] = (struct link_watch){
		.ifindex = port->ifindex,
		.port = port,
	};
	port_carrier_set(port, li.carrier);
	return 0;
}

void
link_monitor_unwatch(struct link_monitor *mon, struct port *port)
{
	int i = link_monitor_find(mon, port);

	if (i < 0)
		return;
	mon->watch[i] = mon->watch[--mon->nwatch];
}

/*
 * Tell every port watching ifindex its carrier. Callbacks run from here
 * and may watch or unwatch: walking down by index with a bounds check
 * visits every entry that stays, and setting a carrier twice is harmless.
 */
static void
link_monitor_apply(struct link_monitor *mon, int ifindex, bool up)
{
	for (unsigned i = mon->nwatch; i-- > 0;) {
		if (i >= mon->nwatch)
			continue;
		if (mon->watch[i].ifindex == ifindex)
			port_carrier_set(mon->watch[i].port, up);
	}
}

struct link_event_ctx {
	struct link_monitor *mon;
	int handled;
};

static int
link_event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_event_ctx *ctx = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	bool up;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	/* A deleted link (or one moved away) has no carrier. */
	up = nlh->nlmsg_type == RTM_NEWLINK && (ifi->ifi_flags & IFF_UP) &&
	    (ifi->ifi_flags & IFF_LOWER_UP);
	link_monitor_apply(ctx->mon, ifi->ifi_index, up);
	ctx->handled++;
	return MNL_CB_OK;
}

/* After an overrun: events were lost, so ask for every watched link. */
static void
link_monitor_resync(struct link_monitor *mon)
{
	for (unsigned i = mon->nwatch; i-- > 0;) {
		struct link_info li;
		int err;

		if (i >= mon->nwatch)
			continue;
		err = link_monitor_query(mon, mon->watch[i].ifindex, &li);
		if (err == -ENODEV)
			li.carrier = false;
		else if (err)
			continue;	/* keep what we know */
		link_monitor_apply(mon, mon->watch[i].ifindex, li.carrier);
	}
}

/*
 * Drain the event socket. An overrun (ENOBUFS) or a message too big for
 * the buffer means events were lost; the events still queued are older
 * than now, so they are applied first and the re-query comes last.
 */
int
link_monitor_process(struct link_monitor *mon)
{
	struct link_event_ctx ctx = { .mon = mon };
	bool lost = false;
	ssize_t n;

	for (;;) {
		n = mnl_socket_recvfrom(mon->events, mon->buf, LINK_NL_BUF);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == ENOBUFS || errno == ENOSPC) {
				lost = true;
				continue;
			}
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* Events are multicast: any portid, sequence 0. */
		mnl_cb_run(mon->buf, n, 0, 0, link_event_cb, &ctx);
	}
	if (lost)
		link_monitor_resync(mon);
	return ctx.handled;
}
