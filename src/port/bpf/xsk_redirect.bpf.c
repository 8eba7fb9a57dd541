/*
 * The XDP program of the afxdp port: every frame that arrives on a queue
 * with a socket in xsks goes to that socket; frames on other queues, and
 * all frames while the socket is being set up or torn down, go on to the
 * kernel stack (the XDP_PASS in the flags of bpf_redirect_map, Linux 5.3).
 *
 * Built with clang -target bpf and embedded in lagnic (see meson.build);
 * port_afxdp.c sizes xsks for the bound queue, loads it and attaches it
 * through a bpf_link, so the kernel detaches it when the port closes or
 * the process dies.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);		/* queue_id + 1, set before load */
	__type(key, __u32);		/* queue index */
	__type(value, __u32);		/* AF_XDP socket */
} xsks SEC(".maps");

SEC("xdp")
int
xsk_redirect(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

/* Dual so that GPL-only helpers stay usable (e.g. bpf_printk to debug). */
char _license[] SEC("license") = "Dual BSD/GPL";
