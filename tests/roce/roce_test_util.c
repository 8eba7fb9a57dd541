#include "roce_test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

void
rt_init(struct rt *t, unsigned nwires, uint64_t seed,
    const struct rf_rc_params *p)
{
	struct rf_rc_params def;

	memset(t, 0, sizeof(*t));
	if (!p) {
		rf_rc_params_default(&def);
		p = &def;
	}
	t->rf = rf_new(nwires, seed);
	t->a = calloc(1, RT_BUF);
	t->b = calloc(1, RT_BUF);
	assert_non_null(t->a);
	assert_non_null(t->b);
	assert_int_equal(roce_reg_mr(t->rf->h[0].pd, t->a, RT_BUF,
	    ROCE_ACCESS_ALL, &t->ma), 0);
	assert_int_equal(roce_reg_mr(t->rf->h[1].pd, t->b, RT_BUF,
	    ROCE_ACCESS_ALL, &t->mb), 0);
	t->qa = rf_qp(&t->rf->h[0], ROCE_QPT_RC);
	t->qb = rf_qp(&t->rf->h[1], ROCE_QPT_RC);
	rf_connect(t->rf, t->qa, t->qb, p);
}

void
rt_fini(struct rt *t)
{
	rf_free(t->rf);
	free(t->a);
	free(t->b);
}

void
rt_fill(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

int
rt_post(struct roce_qp *qp, enum roce_wr_opcode op, uint64_t wr_id,
    struct roce_mr *mr, void *local, uint32_t len, uint64_t remote_va,
    uint32_t rkey, unsigned flags)
{
	struct roce_sge sge = { .addr = rt_va(local), .length = len,
	    .lkey = roce_mr_lkey(mr) };
	struct roce_send_wr wr = {
		.wr_id = wr_id, .sg_list = &sge, .num_sge = len ? 1 : 0,
		.opcode = op, .send_flags = flags, .imm_data = 0xabc00000u |
		    (uint32_t)wr_id,
		.wr.rdma = { .remote_addr = remote_va, .rkey = rkey },
	}, *bad;

	return roce_post_send(qp, &wr, &bad);
}

int
rt_post_atomic(struct roce_qp *qp, enum roce_wr_opcode op, uint64_t wr_id,
    struct roce_mr *mr, void *local, uint64_t remote_va, uint32_t rkey,
    uint64_t compare_add, uint64_t swap)
{
	struct roce_sge sge = { .addr = rt_va(local), .length = 8,
	    .lkey = roce_mr_lkey(mr) };
	struct roce_send_wr wr = {
		.wr_id = wr_id, .sg_list = &sge, .num_sge = 1, .opcode = op,
		.send_flags = ROCE_SEND_SIGNALED,
		.wr.atomic = { .remote_addr = remote_va, .rkey = rkey,
		    .compare_add = compare_add, .swap = swap },
	}, *bad;

	return roce_post_send(qp, &wr, &bad);
}

int
rt_post_recv(struct roce_qp *qp, uint64_t wr_id, struct roce_mr *mr,
    void *buf, uint32_t len)
{
	struct roce_sge sge = { .addr = rt_va(buf), .length = len,
	    .lkey = roce_mr_lkey(mr) };
	struct roce_recv_wr wr = { .wr_id = wr_id, .sg_list = &sge,
	    .num_sge = 1 }, *bad;

	return roce_post_recv(qp, &wr, &bad);
}

void
rt_expect(struct rt *t, struct rf_host *h, uint64_t wr_id,
    enum roce_wc_status status, struct roce_wc *out)
{
	struct roce_wc wc;

	if (rf_wait_cq(t->rf, h->cq, 1, &wc, RT_WAIT) != 1)
		fail_msg("host %c: no completion for wr %llu (seed 0x%llx)",
		    'A' + h->idx, (unsigned long long)wr_id,
		    (unsigned long long)t->rf->seed);
	if (wc.wr_id != wr_id || wc.status != status)
		fail_msg("host %c: wr %llu status %s, want wr %llu %s "
		    "(seed 0x%llx)", 'A' + h->idx,
		    (unsigned long long)wc.wr_id,
		    roce_wc_status_str(wc.status),
		    (unsigned long long)wr_id, roce_wc_status_str(status),
		    (unsigned long long)t->rf->seed);
	if (out)
		*out = wc;
}
