/* Small helpers every part of lagnic uses. */
#ifndef LAGNIC_LIB_COMPILER_H
#define LAGNIC_LIB_COMPILER_H

#include <assert.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define __packed __attribute__((packed))
#define __unused __attribute__((unused))
#define __printf(a, b) __attribute__((format(printf, a, b)))

/* The smallest power of two >= v (1 for 0); v <= 2^31. */
static inline unsigned
round_up_pow2(unsigned v)
{
	unsigned p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC  1000000000ULL

#endif
