/* Helpers shared by the engine's end-to-end tests: one RC QP pair with a
 * registered buffer on each side, and one-call work requests. */
#ifndef LAGNIC_TESTS_ROCE_TEST_UTIL_H
#define LAGNIC_TESTS_ROCE_TEST_UTIL_H

#include "roce_fixture.h"

#define RT_BUF		(4u << 20)
#define RT_WAIT		(2 * NSEC_PER_SEC)

struct rt {
	struct rf *rf;
	struct roce_qp *qa, *qb;	/* A's and B's RC QP */
	uint8_t *a, *b;			/* RT_BUF bytes each */
	struct roce_mr *ma, *mb;
};

/* rf_new(nwires, seed), a QP pair connected with p (NULL: defaults). */
void rt_init(struct rt *t, unsigned nwires, uint64_t seed,
    const struct rf_rc_params *p);
void rt_fini(struct rt *t);

static inline uint64_t
rt_va(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Fill n bytes with a pattern from seed. */
void rt_fill(uint8_t *p, size_t n, uint32_t seed);

/* A send-side WR on one SGE of mr. */
int rt_post(struct roce_qp *qp, enum roce_wr_opcode op, uint64_t wr_id,
    struct roce_mr *mr, void *local, uint32_t len, uint64_t remote_va,
    uint32_t rkey, unsigned flags);
int rt_post_atomic(struct roce_qp *qp, enum roce_wr_opcode op,
    uint64_t wr_id, struct roce_mr *mr, void *local, uint64_t remote_va,
    uint32_t rkey, uint64_t compare_add, uint64_t swap);
int rt_post_recv(struct roce_qp *qp, uint64_t wr_id, struct roce_mr *mr,
    void *buf, uint32_t len);

/* Wait for one completion on h's CQ and check it. */
void rt_expect(struct rt *t, struct rf_host *h, uint64_t wr_id,
    enum roce_wc_status status, struct roce_wc *out);

#endif
