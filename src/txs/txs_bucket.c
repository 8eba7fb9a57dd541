/*
 * Token buckets in millibits: a rate of R Mbit/s is R bits per us, R
 * millibits per ns, so refills are exact integer products and a long run
 * does not drift.
 */
#include "txs/txs_priv.h"

static uint32_t
txs_burst_default(uint32_t rate)
{
	/* bytes the rate sends in TXS_BURST_NS: R * 1e6 / 8 * 1e-3 */
	uint64_t b = (uint64_t)rate * 125 * (TXS_BURST_NS / NSEC_PER_MSEC);

	return b < TXS_BURST_MIN ? TXS_BURST_MIN : (uint32_t)MIN(b, UINT32_MAX);
}

void
txs_bucket_set(struct txs_bucket *b, uint32_t rate, uint32_t burst,
    uint64_t now)
{
	b->rate = rate;
	b->cap = (int64_t)(burst ? burst : txs_burst_default(rate)) *
	    TXS_MB_PER_BYTE;
	b->tokens = b->cap;
	b->last_ns = now;
}

void
txs_bucket_refill(struct txs_bucket *b, uint64_t now)
{
	uint64_t dt;

	if (!b->rate || now <= b->last_ns)
		return;
	dt = now - b->last_ns;
	b->last_ns = now;
	/* past this long the bucket is full whatever it held */
	if (dt >= (uint64_t)(b->cap - b->tokens) / b->rate + 1) {
		b->tokens = b->cap;
		return;
	}
	b->tokens += (int64_t)(dt * b->rate);
	if (b->tokens > b->cap)
		b->tokens = b->cap;
}

/* What len costs, capped at the bucket: a longer frame needs it full. */
static int64_t
txs_bucket_need(const struct txs_bucket *b, uint32_t len)
{
	int64_t need = (int64_t)len * TXS_MB_PER_BYTE;

	return need < b->cap ? need : b->cap;
}

bool
txs_bucket_fits(const struct txs_bucket *b, uint32_t len)
{
	return !b->rate || b->tokens >= txs_bucket_need(b, len);
}

void
txs_bucket_take(struct txs_bucket *b, uint32_t len)
{
	if (b->rate)
		b->tokens -= (int64_t)len * TXS_MB_PER_BYTE;
}

/* From b->last_ns until len fits; 0 if it does. */
uint64_t
txs_bucket_wait_ns(const struct txs_bucket *b, uint32_t len)
{
	int64_t missing = txs_bucket_need(b, len) - b->tokens;

	if (!b->rate || missing <= 0)
		return 0;
	return ((uint64_t)missing + b->rate - 1) / b->rate;
}
