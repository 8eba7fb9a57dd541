#include "port/stack_mute.h"

#include <errno.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

/* enum bpf_attach_type's BPF_TCX_INGRESS (Linux 6.6); Debian 12's uapi
 * headers predate it. */
#define STACK_MUTE_TCX_INGRESS	46

/* The whole program: return TC_ACT_SHOT (TCX_DROP has the same value). */
static int
stack_mute_prog_load(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = TC_ACT_SHOT },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "lagnic_mute", "GPL",
	    insns, 2, NULL);
	return fd < 0 ? -errno : fd;
}

static int
stack_mute_legacy(struct port_stack_mute *m)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = m->ifindex,
	    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = m->prog_fd);
	int err;

	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return err;
	m->hook_created = !err;
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		if (m->hook_created)
			bpf_tc_hook_destroy(&hook);
		return err;
	}
	m->tc_handle = opts.handle;
	m->tc_priority = opts.priority;
	return 0;
}

int
port_stack_mute(int ifindex, struct port_stack_mute *m)
{
	int fd, err;

	*m = (struct port_stack_mute){ .prog_fd = -1, .link_fd = -1,
	    .ifindex = ifindex };
	fd = stack_mute_prog_load();
	if (fd < 0)
		return fd;
	m->prog_fd = fd;
	m->link_fd = bpf_link_create(fd, ifindex, STACK_MUTE_TCX_INGRESS, NULL);
	if (m->link_fd >= 0)
		return 0;
	m->link_fd = -1;
	err = stack_mute_legacy(m);
	if (err) {
		close(fd);
		m->prog_fd = -1;
	}
	return err;
}

void
port_stack_unmute(struct port_stack_mute *m)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = m->ifindex,
	    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = m->tc_handle,
	    .priority = m->tc_priority);

	if (m->prog_fd < 0)
		return;
	if (m->link_fd >= 0) {
		close(m->link_fd);	/* the last reference: detached */
	} else if (m->hook_created) {
		bpf_tc_hook_destroy(&hook);
	} else {
		bpf_tc_detach(&hook, &opts);
	}
	close(m->prog_fd);
	*m = (struct port_stack_mute){ .prog_fd = -1, .link_fd = -1 };
}
