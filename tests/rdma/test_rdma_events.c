/*
 * Asynchronous events through liblagnic (lagnic_get_async_event), from
 * the engine through the RDMA service (the world of rdma_world.h): the
 * port's (PORT_ERR / PORT_ACTIVE as its carrier goes and comes, to every
 * application, with the port's state following it), GID_CHANGE, a QP's
 * (QP_ACCESS_ERR at a responder, COMM_EST, SQ_DRAINED; none for a retry
 * exceeded, which its completion reports, as rxe), an SRQ's limit,
 * the end of
 * lagnicd (DEVICE_FATAL); the event fd is readable exactly while events
 * wait, blocking and O_NONBLOCK as verbs'; destroying an object drops its
 * events not taken and waits for the acks of those taken.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "rdma_world.h"

static void
set_nonblock(struct lagnic_context *ctx, bool on)
{
	int fd = lagnic_async_fd(ctx), fl = fcntl(fd, F_GETFL);

	assert_true(fl >= 0);
	assert_int_equal(fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK :
	    fl & ~O_NONBLOCK), 0);
}

/* Whether the event fd becomes readable within ms. */
static bool
readable(struct lagnic_context *ctx, int ms)
{
	struct pollfd p = { .fd = lagnic_async_fd(ctx), .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* The next event, within 10 s (the fd non-blocking). */
static struct lagnic_async_event
next_event(struct lagnic_context *ctx)
{
	struct lagnic_async_event ev;

	assert_true(readable(ctx, 10000));
	assert_int_equal(lagnic_get_async_event(ctx, &ev), 0);
	return ev;
}

/* None waits, after the daemon had 50 ms more to make one. */
static void
no_event(struct lagnic_context *ctx)
{
	struct lagnic_async_event ev;

	assert_false(readable(ctx, 50));
	assert_int_equal(lagnic_get_async_event(ctx, &ev), EAGAIN);
}

static uint32_t
port_state(struct lagnic_context *ctx)
{
	struct roce_port_attr pa;

	assert_int_equal(lagnic_query_port(ctx, 1, &pa), 0);
	return pa.state;
}

struct waiter {
	struct lagnic_context *ctx;
	struct lagnic_async_event ev;
	int err;
	_Atomic int done;
};

static void *
wait_event(void *arg)
{
	struct waiter *wt = arg;

	wt->err = lagnic_get_async_event(wt->ctx, &wt->ev);
	atomic_store(&wt->done, 1);
	return NULL;
}

/* The LAG's carrier goes and comes: every application hears PORT_ERR
 * then PORT_ACTIVE, once each, and its port's state follows; the same
 * state again is no event; a waiter blocked in lagnic_get_async_event
 * wakes for one; GID_CHANGE goes to all. The event fd cannot be written
 * (an application that could fill it would block lagnicd). */
static void
test_port_events(void **state)
{
	struct world *w = world_new();
	struct lagnic_context *a = app_open(w, 0, NULL);
	struct lagnic_context *b = app_open(w, 0, NULL);
	struct lagnic_context *other = app_open(w, 1, NULL);
	struct lagnic_async_event ev;
	struct waiter wt = { .ctx = a };
	pthread_t th;

	set_nonblock(a, true);
	set_nonblock(b, true);
	set_nonblock(other, true);
	assert_int_equal(port_state(a), ROCE_PORT_STATE_ACTIVE);
	no_event(a);
	errno = 0;
	assert_int_equal(write(lagnic_async_fd(a), "x", 1), -1);
	assert_int_equal(errno, EBADF);

	world_port(w, 0, false);
	for (unsigned i = 0; i < 2; i++) {
		ev = next_event(i ? b : a);
		assert_int_equal(ev.event_type, ROCE_EVENT_PORT_ERR);
		assert_int_equal(ev.element.port_num, 1);
		lagnic_ack_async_event(&ev);
		assert_int_equal(port_state(i ? b : a), ROCE_PORT_STATE_DOWN);
		no_event(i ? b : a);
	}
	world_port(w, 0, false);	/* no change: nothing */
	no_event(a);
	/* the other host's applications hear nothing of this one's port */
	no_event(other);
	assert_int_equal(port_state(other), ROCE_PORT_STATE_ACTIVE);

	/* a blocking waiter wakes when the carrier comes back */
	set_nonblock(a, false);
	assert_int_equal(pthread_create(&th, NULL, wait_event, &wt), 0);
	usleep(50000);
	assert_int_equal(atomic_load(&wt.done), 0);
	world_port(w, 0, true);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(wt.err, 0);
	assert_int_equal(wt.ev.event_type, ROCE_EVENT_PORT_ACTIVE);
	lagnic_ack_async_event(&wt.ev);
	assert_int_equal(port_state(a), ROCE_PORT_STATE_ACTIVE);
	set_nonblock(a, true);
	no_event(a);
	ev = next_event(b);
	assert_int_equal(ev.event_type, ROCE_EVENT_PORT_ACTIVE);

	pthread_mutex_lock(&w->lock);
	rdma_svc_gid_changed(w->svc[0]);
	pthread_mutex_unlock(&w->lock);
	ev = next_event(a);
	assert_int_equal(ev.event_type, ROCE_EVENT_GID_CHANGE);
	ev = next_event(b);
	assert_int_equal(ev.event_type, ROCE_EVENT_GID_CHANGE);
	no_event(other);
	lagnic_close(a);
	lagnic_close(b);
	lagnic_close(other);
	world_free(w);
}

/* A WRITE with a wrong rkey: the responder's QP goes to ERR with
 * QP_ACCESS_ERR for its application (naming that QP and its context);
 * the requester learns it from its completion and gets no event. */
static void
test_qp_access_error(void **state)
{
	struct world *w = world_new();
	struct app a, b;
	struct lagnic_async_event ev;
	struct roce_qp_attr at;

	app_objects(w, 0, &a);
	app_objects(w, 1, &b);
	set_nonblock(a.ctx, true);
	set_nonblock(b.ctx, true);
	rc_connect(w, &a, 0, lagnic_qp_num(b.qp));
	rc_connect(w, &b, 1, lagnic_qp_num(a.qp));
	post1(&a, ROCE_WR_RDMA_WRITE, (uintptr_t)a.buf, 8, (uintptr_t)b.buf,
	    b.mr->rkey ^ 0x100, 1);
	assert_int_equal(wait_wc(a.cq).status, ROCE_WC_REM_ACCESS_ERR);
	ev = next_event(b.ctx);
	assert_int_equal(ev.event_type, ROCE_EVENT_QP_ACCESS_ERR);
	assert_ptr_equal(ev.element.qp, b.qp);
	lagnic_ack_async_event(&ev);
	assert_int_equal(lagnic_query_qp(b.qp, &at), 0);
	assert_int_equal(at.qp_state, ROCE_QPS_ERR);
	no_event(b.ctx);
	no_event(a.ctx);
	lagnic_close(a.ctx);
	lagnic_close(b.ctx);
	world_free(w);
}

/* The wire loses everything: the WRITE's retries run out, its completion
 * says RETRY_EXC_ERR and the QP is in ERR, with no async event (the
 * completion reports it, as rxe does; QP_FATAL is for what no completion
 * can report). */
static void
test_retry_exceeded_is_no_event(void **state)
{
	struct world *w = world_new();
	struct app a, b;
	struct roce_qp_attr at;

	app_objects(w, 0, &a);
	app_objects(w, 1, &b);
	set_nonblock(a.ctx, true);
	rc_connect(w, &a, 0, lagnic_qp_num(b.qp));
	rc_connect(w, &b, 1, lagnic_qp_num(a.qp));
	pthread_mutex_lock(&w->lock);
	rf_faults(w->rf, &(struct sim_fault){ .drop_pct = 100 });
	pthread_mutex_unlock(&w->lock);
	post1(&a, ROCE_WR_RDMA_WRITE, (uintptr_t)a.buf, 64, (uintptr_t)b.buf,
	    b.mr->rkey, 1);
	assert_int_equal(wait_wc(a.cq).status, ROCE_WC_RETRY_EXC_ERR);
	assert_int_equal(lagnic_query_qp(a.qp, &at), 0);
	assert_int_equal(at.qp_state, ROCE_QPS_ERR);
	no_event(a.ctx);
	lagnic_close(a.ctx);
	lagnic_close(b.ctx);
	world_free(w);
}

/* A QP in RTR that receives its first packet: COMM_EST, once (not for
 * the next packet, nor in RTS), and none for the requester. */
static void
test_comm_est(void **state)
{
	struct world *w = world_new();
	struct app a, b;
	struct lagnic_async_event ev;

	app_objects(w, 0, &a);
	app_objects(w, 1, &b);
	set_nonblock(a.ctx, true);
	set_nonblock(b.ctx, true);
	rc_to_rtr(w, &b, 1, lagnic_qp_num(a.qp));
	rc_connect(w, &a, 0, lagnic_qp_num(b.qp));
	no_event(b.ctx);
	for (unsigned i = 0; i < 2; i++) {
		post1(&a, ROCE_WR_RDMA_WRITE, (uintptr_t)a.buf, 64,
		    (uintptr_t)b.buf, b.mr->rkey, i);
		assert_int_equal(wait_wc(a.cq).status, ROCE_WC_SUCCESS);
	}
	ev = next_event(b.ctx);
	assert_int_equal(ev.event_type, ROCE_EVENT_COMM_EST);
	assert_ptr_equal(ev.element.qp, b.qp);
	lagnic_ack_async_event(&ev);
	no_event(b.ctx);
	rc_to_rts(&b);
	post1(&a, ROCE_WR_RDMA_WRITE, (uintptr_t)a.buf, 64, (uintptr_t)b.buf,
	    b.mr->rkey, 3);
	assert_int_equal(wait_wc(a.cq).status, ROCE_WC_SUCCESS);
	no_event(b.ctx);
	no_event(a.ctx);
	lagnic_close(a.ctx);
	lagnic_close(b.ctx);
	world_free(w);
}

/* RTS to SQD with en_sqd_async_notify: SQ_DRAINED, with the QP's
 * context. */
static void
sq_drain(struct lagnic_qp *qp)
{
	struct roce_qp_attr at = { .qp_state = ROCE_QPS_SQD,
	    .en_sqd_async_notify = 1 };

	assert_int_equal(lagnic_modify_qp(qp, &at, ROCE_QP_STATE |
	    ROCE_QP_EN_SQD_ASYNC_NOTIFY), 0);
}

struct destroyer {
	struct lagnic_qp *qp;
	int err;
	_Atomic int done;
};

static void *
destroy_qp(void *arg)
{
	struct destroyer *d = arg;

	d->err = lagnic_destroy_qp(d->qp);
	atomic_store(&d->done, 1);
	return NULL;
}

/* lagnic_destroy_qp waits until the QP's events that were taken are
 * acked; an event not taken goes with its QP (the next one taken is the
 * one after it). */
static void
test_destroy_waits_for_acks(void **state)
{
	struct world *w = world_new();
	struct app a, b;
	struct lagnic_qp_init_attr init = {
		.qp_type = ROCE_QPT_RC, .lane = ROCE_LANE_AUTO,
		.cap = { .max_send_wr = 4, .max_send_sge = 1 },
		.qp_context = &init,
	};
	struct lagnic_async_event ev;
	struct destroyer d = { 0 };
	struct lagnic_qp *spare;
	pthread_t th;

	app_objects(w, 0, &a);
	app_objects(w, 1, &b);
	set_nonblock(a.ctx, true);
	rc_connect(w, &a, 0, lagnic_qp_num(b.qp));
	rc_connect(w, &b, 1, lagnic_qp_num(a.qp));

	/* an event taken, not acked: the destroy waits for its ack */
	sq_drain(a.qp);
	ev = next_event(a.ctx);
	assert_int_equal(ev.event_type, ROCE_EVENT_SQ_DRAINED);
	assert_ptr_equal(ev.element.qp, a.qp);
	assert_ptr_equal(lagnic_qp_context(a.qp), NULL);
	d.qp = a.qp;
	assert_int_equal(pthread_create(&th, NULL, destroy_qp, &d), 0);
	usleep(200000);
	assert_int_equal(atomic_load(&d.done), 0);
	lagnic_ack_async_event(&ev);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(d.err, 0);

	/* an event not taken goes with its QP */
	init.send_cq = init.recv_cq = a.cq;
	spare = lagnic_create_qp(a.pd, &init);
	assert_non_null(spare);
	assert_ptr_equal(lagnic_qp_context(spare), &init);
	a.qp = spare;
	rc_connect(w, &a, 0, lagnic_qp_num(b.qp));
	sq_drain(spare);
	assert_true(readable(a.ctx, 10000));
	assert_int_equal(lagnic_destroy_qp(spare), 0);
	assert_int_equal(lagnic_get_async_event(a.ctx, &ev), EAGAIN);
	/* the slot's next QP gets only its own */
	spare = lagnic_create_qp(a.pd, &init);
	assert_non_null(spare);
	a.qp = spare;
	rc_connect(w, &a, 0, lagnic_qp_num(b.qp));
	sq_drain(spare);
	ev = next_event(a.ctx);
	assert_int_equal(ev.event_type, ROCE_EVENT_SQ_DRAINED);
	assert_ptr_equal(ev.element.qp, spare);
	lagnic_ack_async_event(&ev);
	no_event(a.ctx);
	assert_int_equal(lagnic_destroy_qp(spare), 0);
	lagnic_close(a.ctx);
	lagnic_close(b.ctx);
	world_free(w);
}

static void
post_srq_recvs(struct app *b, struct lagnic_srq *srq, unsigned n)
{
	struct roce_sge sge = { .addr = (uintptr_t)b->buf, .length = 4096,
	    .lkey = b->mr->lkey };
	struct roce_recv_wr wr = { .sg_list = &sge, .num_sge = 1 }, *bad;

	for (unsigned i = 0; i < n; i++) {
		wr.wr_id = i;
		assert_int_equal(lagnic_post_srq_recv(srq, &wr, &bad), 0);
	}
}

static void
send_one(struct app *a, struct app *b)
{
	post1(a, ROCE_WR_SEND, (uintptr_t)a->buf, 64, 0, 0, 9);
	assert_int_equal(wait_wc(a->cq).status, ROCE_WC_SUCCESS);
	assert_int_equal(wait_wc(b->cq).status, ROCE_WC_SUCCESS);
}

/* The SRQ limit: armed at 3 with 4 receives posted, the first SEND (4 to
 * 3) raises nothing, the second (3 to 2) SRQ_LIMIT_REACHED once, which
 * disarms it (srq_limit reads 0), so the third raises nothing; a limit
 * above max_wr and a resize are refused. */
static void
test_srq_limit(void **state)
{
	struct world *w = world_new();
	struct app a, b;
	struct roce_srq_attr sa = { .max_wr = 8, .max_sge = 1 }, q;
	struct lagnic_qp_init_attr init = {
		.qp_type = ROCE_QPT_RC, .lane = ROCE_LANE_AUTO,
		.cap = { .max_send_wr = 4, .max_send_sge = 1 },
	};
	struct lagnic_async_event ev;
	struct lagnic_srq *srq;
	int ctx_of_srq;

	app_objects(w, 0, &a);
	app_objects(w, 1, &b);
	set_nonblock(b.ctx, true);
	srq = lagnic_create_srq(b.pd, &sa);
	assert_non_null(srq);
	lagnic_srq_set_context(srq, &ctx_of_srq);
	init.send_cq = init.recv_cq = b.cq;
	init.srq = srq;
	assert_int_equal(lagnic_destroy_qp(b.qp), 0);
	b.qp = lagnic_create_qp(b.pd, &init);
	assert_non_null(b.qp);
	rc_connect(w, &a, 0, lagnic_qp_num(b.qp));
	rc_connect(w, &b, 1, lagnic_qp_num(a.qp));

	q = (struct roce_srq_attr){ .srq_limit = 9 };
	assert_int_equal(lagnic_modify_srq(srq, &q, ROCE_SRQ_LIMIT), EINVAL);
	q = (struct roce_srq_attr){ .max_wr = 16 };
	assert_int_equal(lagnic_modify_srq(srq, &q, ROCE_SRQ_MAX_WR),
	    EOPNOTSUPP);
	post_srq_recvs(&b, srq, 4);
	q = (struct roce_srq_attr){ .srq_limit = 3 };
	assert_int_equal(lagnic_modify_srq(srq, &q, ROCE_SRQ_LIMIT), 0);
	assert_int_equal(lagnic_query_srq(srq, &q), 0);
	assert_int_equal(q.srq_limit, 3);
	assert_int_equal(q.max_wr, 8);

	send_one(&a, &b);		/* 3 left: not below */
	no_event(b.ctx);
	send_one(&a, &b);		/* 2 left */
	ev = next_event(b.ctx);
	assert_int_equal(ev.event_type, ROCE_EVENT_SRQ_LIMIT_REACHED);
	assert_ptr_equal(ev.element.srq, srq);
	assert_ptr_equal(lagnic_srq_context(ev.element.srq), &ctx_of_srq);
	lagnic_ack_async_event(&ev);
	assert_int_equal(lagnic_query_srq(srq, &q), 0);
	assert_int_equal(q.srq_limit, 0);
	send_one(&a, &b);		/* 1 left: disarmed */
	no_event(b.ctx);
	assert_int_equal(lagnic_destroy_qp(b.qp), 0);
	assert_int_equal(lagnic_destroy_srq(srq), 0);
	lagnic_close(a.ctx);
	lagnic_close(b.ctx);
	world_free(w);
}

/* lagnicd drops the connection: DEVICE_FATAL once, then EIO. */
static void
test_device_fatal(void **state)
{
	struct world *w = world_new();
	struct lagnic_context *a = app_open(w, 0, NULL);
	struct lagnic_async_event ev;

	set_nonblock(a, true);
	no_event(a);
	pthread_mutex_lock(&w->lock);
	rdma_svc_client_drop(w->clients[0][0]);
	w->clients[0][0] = NULL;
	pthread_mutex_unlock(&w->lock);
	assert_int_equal(lagnic_get_async_event(a, &ev), 0);
	assert_int_equal(ev.event_type, ROCE_EVENT_DEVICE_FATAL);
	assert_int_equal(lagnic_get_async_event(a, &ev), EIO);
	lagnic_close(a);
	world_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_events),
		cmocka_unit_test(test_qp_access_error),
		cmocka_unit_test(test_comm_est),
		cmocka_unit_test(test_retry_exceeded_is_no_event),
		cmocka_unit_test(test_destroy_waits_for_acks),
		cmocka_unit_test(test_srq_limit),
		cmocka_unit_test(test_device_fatal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
