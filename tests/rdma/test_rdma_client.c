/*
 * liblagnic against lagnicd's RDMA service, end to end (the world of
 * rdma_world.h). SEND, RDMA WRITE, READ and an atomic with their data
 * checked; one application cannot use another's objects; an application that
 * goes away leaves nothing behind; a client that breaks the protocol is
 * closed, the rest go on.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lagnic/lagnic.h"
#include "rdma/rdma_msg.h"
#include "rdma/rdma_svc.h"
#include "rdma_world.h"

static void
test_every_operation_end_to_end(void **state)
{
	struct world *w = world_new();
	struct app a, b;
	struct roce_sge rsge;
	struct roce_recv_wr rwr = { .wr_id = 77, .sg_list = &rsge,
	    .num_sge = 1 }, *rbad;
	struct roce_wc wc;
	struct roce_device_attr da;
	struct roce_port_attr pa;
	union roce_gid gid;
	uint64_t old;

	app_objects(w, 0, &a);
	app_objects(w, 1, &b);
	assert_int_equal(lagnic_query_device(a.ctx, &da), 0);
	assert_int_equal(da.phys_port_cnt, 1);
	assert_int_equal(lagnic_query_port(a.ctx, 1, &pa), 0);
	assert_int_equal(lagnic_query_gid(a.ctx, 1, w->rf->h[0].gid4, &gid), 0);
	assert_int_equal(gid.raw[15], (uint8_t)w->rf->h[0].ipv4);
	rc_connect(w, &a, 0, lagnic_qp_num(b.qp));
	rc_connect(w, &b, 1, lagnic_qp_num(a.qp));

	/* SEND 4 KiB (four packets at MTU 1024) */
	fill(a.buf, 4096, 1);
	rsge = (struct roce_sge){ .addr = (uintptr_t)b.buf, .length = 8192,
	    .lkey = b.mr->lkey };
	assert_int_equal(lagnic_post_recv(b.qp, &rwr, &rbad), 0);
	post1(&a, ROCE_WR_SEND, (uintptr_t)a.buf, 4096, 0, 0, 1);
	wc = wait_wc(a.cq);
	assert_int_equal(wc.status, ROCE_WC_SUCCESS);
	assert_int_equal(wc.wr_id, 1);
	wc = wait_wc(b.cq);
	assert_int_equal(wc.status, ROCE_WC_SUCCESS);
	assert_int_equal(wc.opcode, ROCE_WC_RECV);
	assert_int_equal(wc.byte_len, 4096);
	assert_memory_equal(b.buf, a.buf, 4096);

	/* WRITE 64 KiB into B, READ it back into another place of A */
	fill(a.buf + 8192, 65536, 9);
	post1(&a, ROCE_WR_RDMA_WRITE, (uintptr_t)a.buf + 8192, 65536,
	    (uintptr_t)b.buf + 65536, b.mr->rkey, 2);
	wc = wait_wc(a.cq);
	assert_int_equal(wc.status, ROCE_WC_SUCCESS);
	assert_memory_equal(b.buf + 65536, a.buf + 8192, 65536);
	post1(&a, ROCE_WR_RDMA_READ, (uintptr_t)a.buf + 262144, 65536,
	    (uintptr_t)b.buf + 65536, b.mr->rkey, 3);
	wc = wait_wc(a.cq);
	assert_int_equal(wc.status, ROCE_WC_SUCCESS);
	assert_int_equal(wc.opcode, ROCE_WC_RDMA_READ);
	assert_memory_equal(a.buf + 262144, a.buf + 8192, 65536);

	/* FETCH_AND_ADD on B's word: the old value comes back */
	memcpy(&old, (uint64_t[]){ 1000 }, 8);
	memcpy(b.buf + 524288, &old, 8);
	post1(&a, ROCE_WR_ATOMIC_FETCH_AND_ADD, (uintptr_t)a.buf + 600000, 8,
	    (uintptr_t)b.buf + 524288, b.mr->rkey, 4);
	wc = wait_wc(a.cq);
	assert_int_equal(wc.status, ROCE_WC_SUCCESS);
	memcpy(&old, a.buf + 600000, 8);
	assert_int_equal(old, 1000);
	memcpy(&old, b.buf + 524288, 8);
	assert_int_equal(old, 1005);
	/* a wrong rkey: the remote access error comes back as a status */
	post1(&a, ROCE_WR_RDMA_WRITE, (uintptr_t)a.buf, 8,
	    (uintptr_t)b.buf, b.mr->rkey ^ 0x100, 5);
	wc = wait_wc(a.cq);
	assert_int_equal(wc.status, ROCE_WC_REM_ACCESS_ERR);
	lagnic_close(a.ctx);
	lagnic_close(b.ctx);
	world_free(w);
}

static void
count_qp(struct roce_qp *qp, void *arg)
{
	(*(unsigned *)arg)++;
}

/* Two applications on one host: neither reaches the other's objects;
 * the one that goes away leaves nothing behind. */
static void
test_applications_are_isolated_and_cleaned_up(void **state)
{
	struct world *w = world_new();
	struct app a, c;
	struct roce_wc wc;
	unsigned n = 0;

	app_objects(w, 0, &a);
	app_objects(w, 0, &c);
	/* c cannot use a's MR through its key: a local protection error, no
	 * byte of a's memory sent */
	rc_connect(w, &c, 0, lagnic_qp_num(a.qp));
	{
		struct roce_sge sge = { .addr = (uintptr_t)a.buf, .length = 8,
		    .lkey = a.mr->lkey };
		struct roce_send_wr wr = { .wr_id = 9, .sg_list = &sge,
		    .num_sge = 1, .opcode = ROCE_WR_SEND,
		    .send_flags = ROCE_SEND_SIGNALED }, *bad;

		assert_int_equal(lagnic_post_send(c.qp, &wr, &bad), 0);
		wc = wait_wc(c.cq);
		assert_int_not_equal(wc.status, ROCE_WC_SUCCESS);
	}
	/* a goes away: its QP, CQ, MR, PD and mappings go with it */
	lagnic_close(a.ctx);
	lagnic_close(c.ctx);
	usleep(50000);
	atomic_store(&w->stop, 1);
	pthread_join(w->thread, NULL);
	for (unsigned i = 0; i < w->nclients[0]; i++)
		if (w->clients[0][i])
			rdma_svc_client_input(w->svc[0], w->clients[0][i]);
	assert_int_equal(rdma_svc_nclients(w->svc[0]), 0);
	roce_engine_foreach_qp(w->rf->h[0].e, count_qp, &n);
	assert_int_equal(n, 0);
	atomic_store(&w->stop, 0);
	assert_int_equal(pthread_create(&w->thread, NULL, daemon_thread, w), 0);
	world_free(w);
}

/* Memory the application did not get from lagnic_alloc_buf: its MR's
 * bytes are swapped in place of a's shared buffer (the same size). */
static uint8_t *
app_own_memory(struct app *a)
{
	uint8_t *own = aligned_alloc(4096, BUF_LEN);

	assert_non_null(own);
	memset(own, 0, BUF_LEN);
	assert_int_equal(lagnic_dereg_mr(a->mr), 0);
	a->mr = lagnic_reg_mr(a->pd, own, BUF_LEN, ROCE_ACCESS_ALL);
	assert_non_null(a->mr);
	a->buf = own;
	return own;
}

/* malloc'd memory on both sides: WRITE, READ, SEND and an atomic reach
 * it (lagnicd copies to and from it); memory that is not there cannot be
 * registered; memory unmapped under a live MR fails the work request,
 * counted, and the service goes on. */
static void
test_any_memory_of_the_application(void **state)
{
	struct world *w = world_new();
	struct app a, b;
	struct roce_sge rsge;
	struct roce_recv_wr rwr = { .wr_id = 7, .sg_list = &rsge,
	    .num_sge = 1 }, *rbad;
	struct roce_wc wc;
	uint8_t *hole, *abuf, *bbuf;
	struct lagnic_mr *mr;
	uint64_t v;

	app_objects(w, 0, &a);
	app_objects(w, 1, &b);
	abuf = app_own_memory(&a);
	bbuf = app_own_memory(&b);
	rc_connect(w, &a, 0, lagnic_qp_num(b.qp));
	rc_connect(w, &b, 1, lagnic_qp_num(a.qp));

	fill(abuf, 65536, 3);
	post1(&a, ROCE_WR_RDMA_WRITE, (uintptr_t)abuf, 65536,
	    (uintptr_t)bbuf + 4096, b.mr->rkey, 1);
	assert_int_equal(wait_wc(a.cq).status, ROCE_WC_SUCCESS);
	assert_memory_equal(bbuf + 4096, abuf, 65536);
	post1(&a, ROCE_WR_RDMA_READ, (uintptr_t)abuf + 131072, 65536,
	    (uintptr_t)bbuf + 4096, b.mr->rkey, 2);
	assert_int_equal(wait_wc(a.cq).status, ROCE_WC_SUCCESS);
	assert_memory_equal(abuf + 131072, abuf, 65536);
	rsge = (struct roce_sge){ .addr = (uintptr_t)bbuf + 262144,
	    .length = 4096, .lkey = b.mr->lkey };
	assert_int_equal(lagnic_post_recv(b.qp, &rwr, &rbad), 0);
	post1(&a, ROCE_WR_SEND, (uintptr_t)abuf + 100, 3000, 0, 0, 3);
	assert_int_equal(wait_wc(a.cq).status, ROCE_WC_SUCCESS);
	wc = wait_wc(b.cq);
	assert_int_equal(wc.status, ROCE_WC_SUCCESS);
	assert_int_equal(wc.byte_len, 3000);
	assert_memory_equal(bbuf + 262144, abuf + 100, 3000);
	v = 40;
	memcpy(bbuf + 8, &v, 8);
	post1(&a, ROCE_WR_ATOMIC_FETCH_AND_ADD, (uintptr_t)abuf + 16, 8,
	    (uintptr_t)bbuf + 8, b.mr->rkey, 4);
	assert_int_equal(wait_wc(a.cq).status, ROCE_WC_SUCCESS);
	memcpy(&v, abuf + 16, 8);
	assert_int_equal(v, 40);
	memcpy(&v, bbuf + 8, 8);
	assert_int_equal(v, 45);

	/* a hole in the address space cannot be registered */
	hole = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(hole != MAP_FAILED);
	assert_int_equal(munmap(hole + 4096, 4096), 0);
	mr = lagnic_reg_mr(a.pd, hole, 3 * 4096, ROCE_ACCESS_LOCAL_WRITE);
	assert_null(mr);
	assert_int_equal(errno, EFAULT);
	/* memory unmapped under b's MR: a's WRITE into it is NAKed, b's
	 * service counts the fault and serves b on */
	mr = lagnic_reg_mr(b.pd, hole, 4096, ROCE_ACCESS_LOCAL_WRITE |
	    ROCE_ACCESS_REMOTE_WRITE);
	assert_non_null(mr);
	assert_int_equal(munmap(hole, 4096), 0);
	post1(&a, ROCE_WR_RDMA_WRITE, (uintptr_t)abuf, 64, (uintptr_t)hole,
	    mr->rkey, 5);
	wc = wait_wc(a.cq);
	assert_int_equal(wc.status, ROCE_WC_REM_OP_ERR);
	assert_true(rdma_svc_counters(w->svc[1])->mem_faults >= 1);
	assert_int_equal(lagnic_dereg_mr(mr), 0);
	assert_non_null(lagnic_alloc_pd(b.ctx));
	munmap(hole + 2 * 4096, 4096);
	lagnic_close(a.ctx);
	lagnic_close(b.ctx);
	free(abuf);
	free(bbuf);
	world_free(w);
}

/* A completion channel: an armed CQ's next completion wakes a blocked
 * reader with that CQ and its context; unarmed, nothing comes (a
 * non-blocking read says EAGAIN); a channel in use cannot go; its fd
 * cannot be written. */
static void
test_completion_channel(void **state)
{
	struct world *w = world_new();
	struct app a, b;
	struct lagnic_cq *cq;
	struct pollfd pfd;
	struct roce_wc wc;
	void *cq_ctx;
	int fd, fl;

	app_objects_ch(w, 0, &a, true);
	app_objects(w, 1, &b);
	rc_connect(w, &a, 0, lagnic_qp_num(b.qp));
	rc_connect(w, &b, 1, lagnic_qp_num(a.qp));
	fd = lagnic_comp_channel_fd(a.ch);
	/* the application cannot fill what lagnicd writes */
	errno = 0;
	assert_int_equal(write(fd, "x", 1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(lagnic_req_notify_cq(b.cq, 0), EINVAL);

	/* armed: the WRITE's completion is an event */
	assert_int_equal(lagnic_req_notify_cq(a.cq, 0), 0);
	assert_int_equal(lagnic_poll_cq(a.cq, 1, &wc), 0);
	post1(&a, ROCE_WR_RDMA_WRITE, (uintptr_t)a.buf, 4096,
	    (uintptr_t)b.buf, b.mr->rkey, 1);
	assert_int_equal(lagnic_get_cq_event(a.ch, &cq, &cq_ctx), 0);
	assert_ptr_equal(cq, a.cq);
	assert_ptr_equal(cq_ctx, &a);
	lagnic_ack_cq_events(cq, 1);
	assert_int_equal(wait_wc(a.cq).status, ROCE_WC_SUCCESS);

	/* not armed again: the next completion brings no event */
	fl = fcntl(fd, F_GETFL);
	assert_int_equal(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
	post1(&a, ROCE_WR_RDMA_WRITE, (uintptr_t)a.buf, 64,
	    (uintptr_t)b.buf, b.mr->rkey, 2);
	assert_int_equal(wait_wc(a.cq).status, ROCE_WC_SUCCESS);
	assert_int_equal(lagnic_get_cq_event(a.ch, &cq, NULL), EAGAIN);
	/* armed for solicited only: a WRITE's completion is not one, a
	 * failed one is */
	assert_int_equal(lagnic_req_notify_cq(a.cq, 1), 0);
	post1(&a, ROCE_WR_RDMA_WRITE, (uintptr_t)a.buf, 64,
	    (uintptr_t)b.buf, b.mr->rkey, 3);
	assert_int_equal(wait_wc(a.cq).status, ROCE_WC_SUCCESS);
	assert_int_equal(lagnic_get_cq_event(a.ch, &cq, NULL), EAGAIN);
	post1(&a, ROCE_WR_RDMA_WRITE, (uintptr_t)a.buf, 64,
	    (uintptr_t)b.buf, b.mr->rkey ^ 0x100, 4);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 10000), 1);
	assert_int_equal(lagnic_get_cq_event(a.ch, &cq, NULL), 0);
	assert_ptr_equal(cq, a.cq);
	assert_int_equal(wait_wc(a.cq).status, ROCE_WC_REM_ACCESS_ERR);
	lagnic_ack_cq_events(cq, 1);
	assert_int_equal(lagnic_destroy_comp_channel(a.ch), EBUSY);
	lagnic_close(a.ctx);
	lagnic_close(b.ctx);
	world_free(w);
}

/* A UD QP of a's through INIT, RTR and RTS with qkey. */
static struct lagnic_qp *
ud_qp(struct app *a, uint32_t qkey)
{
	struct lagnic_qp_init_attr init = {
		.qp_type = ROCE_QPT_UD, .lane = ROCE_LANE_AUTO,
		.send_cq = a->cq, .recv_cq = a->cq,
		.cap = { .max_send_wr = 16, .max_recv_wr = 16,
		    .max_send_sge = 1, .max_recv_sge = 1 },
	};
	struct roce_qp_attr at = { .qp_state = ROCE_QPS_INIT, .port_num = 1,
	    .qkey = qkey };
	struct lagnic_qp *qp = lagnic_create_qp(a->pd, &init);

	assert_non_null(qp);
	assert_int_equal(lagnic_modify_qp(qp, &at, ROCE_QP_STATE |
	    ROCE_QP_PKEY_INDEX | ROCE_QP_PORT | ROCE_QP_QKEY), 0);
	at.qp_state = ROCE_QPS_RTR;
	assert_int_equal(lagnic_modify_qp(qp, &at, ROCE_QP_STATE), 0);
	at.qp_state = ROCE_QPS_RTS;
	at.sq_psn = 1;
	assert_int_equal(lagnic_modify_qp(qp, &at, ROCE_QP_STATE |
	    ROCE_QP_SQ_PSN), 0);
	return qp;
}

/* The engine counted a Q_Key mismatch, within 10 s of real time (its
 * counters are read while the daemon thread runs: a torn read only
 * delays the end of the wait). */
static void
wait_bad_qkey(const struct roce_engine *e)
{
	for (int i = 0; i < 10000; i++) {
		if (((volatile const uint64_t *)roce_engine_counters(e)->
		    rx_drops)[ROCE_RX_DROP_BAD_QKEY])
			return;
		usleep(1000);
	}
	fail_msg("no Q_Key mismatch counted within 10 s");
}

/* UD through liblagnic: a datagram to another host's UD QP by an AH
 * arrives behind its GRH (40 bytes) with the sender's QPN; a wrong qkey
 * is dropped. */
static void
test_ud_datagrams(void **state)
{
	struct world *w = world_new();
	struct app a, b;
	struct lagnic_qp *qa, *qb;
	struct roce_ah_attr av;
	struct roce_ah *ah;
	struct roce_sge rsge, ssge;
	struct roce_recv_wr rwr = { .wr_id = 5, .sg_list = &rsge,
	    .num_sge = 1 }, *rbad;
	struct roce_send_wr wr = { .wr_id = 6, .sg_list = &ssge,
	    .num_sge = 1, .opcode = ROCE_WR_SEND,
	    .send_flags = ROCE_SEND_SIGNALED }, *bad;
	struct roce_wc wc;

	app_objects(w, 0, &a);
	app_objects(w, 1, &b);
	qa = ud_qp(&a, 0x1111);
	qb = ud_qp(&b, 0x2222);
	rf_av(&w->rf->h[0], false, &av);
	ah = lagnic_create_ah(a.pd, &av);
	assert_non_null(ah);
	rsge = (struct roce_sge){ .addr = (uintptr_t)b.buf, .length = 40 + 512,
	    .lkey = b.mr->lkey };
	assert_int_equal(lagnic_post_recv(qb, &rwr, &rbad), 0);
	fill(a.buf, 512, 4);
	ssge = (struct roce_sge){ .addr = (uintptr_t)a.buf, .length = 512,
	    .lkey = a.mr->lkey };
	wr.wr.ud.ah = ah;
	wr.wr.ud.remote_qpn = lagnic_qp_num(qb);
	wr.wr.ud.remote_qkey = 0x2222;
	assert_int_equal(lagnic_post_send(qa, &wr, &bad), 0);
	wc = wait_wc(a.cq);
	assert_int_equal(wc.status, ROCE_WC_SUCCESS);
	assert_int_equal(wc.opcode, ROCE_WC_SEND);
	wc = wait_wc(b.cq);
	assert_int_equal(wc.status, ROCE_WC_SUCCESS);
	assert_int_equal(wc.opcode, ROCE_WC_RECV);
	assert_int_equal(wc.byte_len, 40 + 512);
	assert_int_equal(wc.src_qp, lagnic_qp_num(qa));
	assert_true(wc.wc_flags & ROCE_WC_GRH);
	assert_memory_equal(b.buf + 40, a.buf, 512);
	/* the wrong qkey: sent, dropped by b's engine, never received */
	rsge.addr += 4096;
	assert_int_equal(lagnic_post_recv(qb, &rwr, &rbad), 0);
	wr.wr.ud.remote_qkey = 0x2223;
	assert_int_equal(lagnic_post_send(qa, &wr, &bad), 0);
	assert_int_equal(wait_wc(a.cq).status, ROCE_WC_SUCCESS);
	wait_bad_qkey(w->rf->h[1].e);
	assert_int_equal(lagnic_poll_cq(b.cq, 1, &wc), 0);
	assert_int_equal(lagnic_destroy_qp(qa), 0);
	assert_int_equal(lagnic_destroy_ah(ah), 0);
	lagnic_close(a.ctx);
	lagnic_close(b.ctx);
	world_free(w);
}

/* A QP of b's on srq, connected to a's QP. */
static struct lagnic_qp *
srq_qp(struct world *w, struct app *b, struct lagnic_srq *srq,
    const struct app *a)
{
	struct lagnic_qp_init_attr init = {
		.qp_type = ROCE_QPT_RC, .lane = ROCE_LANE_AUTO,
		.send_cq = b->cq, .recv_cq = b->cq, .srq = srq,
		.cap = { .max_send_wr = 4, .max_send_sge = 1 },
	};
	struct lagnic_qp *own = b->qp, *qp = lagnic_create_qp(b->pd, &init);

	assert_non_null(qp);
	b->qp = qp;
	rc_connect(w, b, 1, lagnic_qp_num(a->qp));
	b->qp = own;
	return qp;
}

/* Two QPs on one SRQ: SENDs to either take its receives, in order, and
 * complete with their own QPN; a QP on an SRQ takes no receive of its
 * own; the SRQ stays while a QP uses it. */
static void
test_shared_receive_queue(void **state)
{
	struct world *w = world_new();
	struct app a1, a2, b;
	struct roce_srq_attr sa = { .max_wr = 8, .max_sge = 1 };
	struct lagnic_srq *srq;
	struct lagnic_qp *q1, *q2;
	struct roce_sge rsge[2];
	struct roce_recv_wr rwr[2], *rbad;
	struct roce_wc wc;

	app_objects(w, 0, &a1);
	app_objects(w, 0, &a2);
	app_objects(w, 1, &b);
	srq = lagnic_create_srq(b.pd, &sa);
	assert_non_null(srq);
	assert_true(sa.max_wr >= 8);
	q1 = srq_qp(w, &b, srq, &a1);
	q2 = srq_qp(w, &b, srq, &a2);
	rc_connect(w, &a1, 0, lagnic_qp_num(q1));
	rc_connect(w, &a2, 0, lagnic_qp_num(q2));
	for (unsigned i = 0; i < 2; i++) {
		rsge[i] = (struct roce_sge){ .addr = (uintptr_t)b.buf + i * 4096,
		    .length = 4096, .lkey = b.mr->lkey };
		rwr[i] = (struct roce_recv_wr){ .wr_id = 100 + i,
		    .sg_list = &rsge[i], .num_sge = 1,
		    .next = i ? NULL : &rwr[1] };
	}
	assert_int_equal(lagnic_post_srq_recv(srq, rwr, &rbad), 0);
	assert_int_equal(lagnic_post_recv(q1, rwr, &rbad), EINVAL);
	fill(a2.buf, 300, 1);
	post1(&a2, ROCE_WR_SEND, (uintptr_t)a2.buf, 300, 0, 0, 1);
	assert_int_equal(wait_wc(a2.cq).status, ROCE_WC_SUCCESS);
	wc = wait_wc(b.cq);
	assert_int_equal(wc.status, ROCE_WC_SUCCESS);
	assert_int_equal(wc.wr_id, 100);
	assert_int_equal(wc.qp_num, lagnic_qp_num(q2));
	assert_memory_equal(b.buf, a2.buf, 300);
	fill(a1.buf, 200, 2);
	post1(&a1, ROCE_WR_SEND, (uintptr_t)a1.buf, 200, 0, 0, 2);
	assert_int_equal(wait_wc(a1.cq).status, ROCE_WC_SUCCESS);
	wc = wait_wc(b.cq);
	assert_int_equal(wc.wr_id, 101);
	assert_int_equal(wc.qp_num, lagnic_qp_num(q1));
	assert_int_equal(wc.byte_len, 200);
	assert_memory_equal(b.buf + 4096, a1.buf, 200);
	assert_int_equal(lagnic_destroy_srq(srq), EBUSY);
	assert_int_equal(lagnic_destroy_qp(q1), 0);
	assert_int_equal(lagnic_destroy_qp(q2), 0);
	assert_int_equal(lagnic_destroy_srq(srq), 0);
	lagnic_close(a1.ctx);
	lagnic_close(a2.ctx);
	lagnic_close(b.ctx);
	world_free(w);
}

/* Garbage on the socket: that client is closed, counted; others go on. */
static void
test_protocol_errors_close_only_that_client(void **state)
{
	struct world *w = world_new();
	struct app a;
	int raw;
	uint8_t junk[7] = { 1, 2, 3, 4, 5, 6, 7 };
	char buf[64];

	app_objects(w, 0, &a);
	app_open(w, 0, &raw);
	assert_int_equal(send(raw, junk, sizeof(junk), 0), (ssize_t)sizeof(junk));
	/* the service hangs up on it */
	assert_int_equal(recv(raw, buf, sizeof(buf), 0), 0);
	close(raw);
	/* a is still served */
	assert_non_null(lagnic_alloc_pd(a.ctx));
	lagnic_close(a.ctx);
	world_free(w);
}

/* raw request on a fresh connection: the reply's error, or 1 if the
 * service hung up */
static int
raw_call(int sock, uint32_t type, const void *body, size_t len, int fd)
{
	struct rdma_hdr h = { .type = type, .seq = 7 };
	_Alignas(16) uint8_t buf[RDMA_MSG_MAX];
	int fds[RDMA_MSG_FDS], n;
	unsigned nfds;

	assert_int_equal(rdma_msg_send(sock, &h, body, len, fd >= 0 ? &fd : NULL,
	    fd >= 0 ? 1 : 0), 0);
	for (int i = 0; i < 1000; i++) {
		n = rdma_msg_recv(sock, buf, sizeof(buf), fds, &nfds);
		if (n != -EAGAIN)
			break;
		usleep(1000);
	}
	for (unsigned i = 0; i < nfds; i++)
		close(fds[i]);
	if (n == 0)
		return 1;
	assert_true(n >= (int)sizeof(h));
	return ((struct rdma_hdr *)buf)->err;
}

/* Malformed requests: closed (protocol errors) or refused (bad values),
 * never half applied. */
static void
test_malformed_requests(void **state)
{
	struct world *w = world_new();
	struct rdma_hello_req hello = { .version = RDMA_PROTO_VERSION };
	struct rdma_handle h = { .handle = 1 };
	uint8_t big[64] = { 0 };
	int s;

	/* anything before HELLO */
	app_open(w, 0, &s);
	assert_int_equal(raw_call(s, RDMA_MSG_ALLOC_PD, NULL, 0, -1), 1);
	close(s);
	/* a wrong size for its type */
	app_open(w, 0, &s);
	assert_int_equal(raw_call(s, RDMA_MSG_HELLO, big, sizeof(big), -1), 1);
	close(s);
	/* an unknown type */
	app_open(w, 0, &s);
	assert_int_equal(raw_call(s, RDMA_MSG_HELLO, &hello, sizeof(hello),
	    -1), 0);
	assert_int_equal(raw_call(s, RDMA_MSG_COUNT, NULL, 0, -1), 1);
	close(s);
	/* refused values: the connection stays */
	app_open(w, 0, &s);
	assert_int_equal(raw_call(s, RDMA_MSG_HELLO, &hello, sizeof(hello),
	    -1), 0);
	assert_int_equal(raw_call(s, RDMA_MSG_DEALLOC_PD, &h, sizeof(h), -1),
	    -EINVAL);			/* no such PD */
	assert_int_equal(raw_call(s, RDMA_MSG_UNMAP_BUF, &h, sizeof(h),
	    dup(1)), -EINVAL);		/* an fd where none belongs */
	{
		struct rdma_map_buf_req mb = { .va = 0x10000, .len = 4096 };

		/* MAP_BUF without its fd */
		assert_int_equal(raw_call(s, RDMA_MSG_MAP_BUF, &mb,
		    sizeof(mb), -1), -EINVAL);
	}
	assert_int_equal(raw_call(s, RDMA_MSG_ALLOC_PD, NULL, 0, -1), 0);
	close(s);
	world_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_operation_end_to_end),
		cmocka_unit_test(test_applications_are_isolated_and_cleaned_up),
		cmocka_unit_test(test_any_memory_of_the_application),
		cmocka_unit_test(test_completion_channel),
		cmocka_unit_test(test_ud_datagrams),
		cmocka_unit_test(test_shared_receive_queue),
		cmocka_unit_test(test_protocol_errors_close_only_that_client),
		cmocka_unit_test(test_malformed_requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
