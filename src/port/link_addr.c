#include "port/link_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#define ADDR_NL_BUF 32768

struct addr_walk {
	int ifindex;
	struct link_addrs *out;
};

static void
addr_take(struct link_addrs *out, int family, const void *a)
{
	uint32_t v4;

	if (family == AF_INET && out->n_ipv4 < 16) {
		memcpy(&v4, a, 4);
		out->ipv4[out->n_ipv4++] = ntohl(v4);
	} else if (family == AF_INET6 && out->n_ipv6 < 16) {
		memcpy(out->ipv6[out->n_ipv6++], a, 16);
	}
}

static int
addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_walk *w = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t want;

	if ((int)ifa->ifa_index != w->ifindex)
		return MNL_CB_OK;
	want = ifa->ifa_family == AF_INET ? 4 : 16;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		/* IFA_LOCAL is our address on point-to-point links; on
		 * Ethernet IFA_ADDRESS is, and IFA_LOCAL equals it */
		if (mnl_attr_get_type(attr) != IFA_ADDRESS ||
		    mnl_attr_get_payload_len(attr) != want)
			continue;
		addr_take(w->out, ifa->ifa_family, mnl_attr_get_payload(attr));
	}
	return MNL_CB_OK;
}

static int
addr_dump(struct mnl_socket *nl, struct addr_walk *w, char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	unsigned seq = (unsigned)time(NULL), portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int ret;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, ADDR_NL_BUF);
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, addr_cb, w);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

int
link_addrs_get(int ifindex, struct link_addrs *out)
{
	static char buf[ADDR_NL_BUF];	/* control path, one thread */
	struct addr_walk w = { .ifindex = ifindex, .out = out };
	struct mnl_socket *nl;
	int err;

	memset(out, 0, sizeof(*out));
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out;
	}
	err = addr_dump(nl, &w, buf);
out:
	mnl_socket_close(nl);
	return err;
}
