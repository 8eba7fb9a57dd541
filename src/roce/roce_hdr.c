/* Names for the AETH syndrome's kinds and NAK codes. */
#include "roce/roce_hdr.h"

static const char *const roce_aeth_kind_names[] = {
	[ROCE_AETH_ACK] = "ACK", [ROCE_AETH_RNR_NAK] = "RNR_NAK",
	[ROCE_AETH_RESERVED] = "RESERVED", [ROCE_AETH_NAK] = "NAK",
};
static_assert(ARRAY_SIZE(roce_aeth_kind_names) == ROCE_AETH_KIND_COUNT,
    "aeth kind names");

static const char *const roce_nak_code_names[] = {
#define ROCE_NAK_NAME(name, val, desc) [ROCE_NAK_##name] = #name,
	ROCE_NAK_CODES(ROCE_NAK_NAME)
#undef ROCE_NAK_NAME
};
static_assert(ARRAY_SIZE(roce_nak_code_names) == ROCE_NAK_CODE_COUNT,
    "nak code names");

const char *
roce_aeth_kind_name(enum roce_aeth_kind k)
{
	return (unsigned)k < ROCE_AETH_KIND_COUNT ? roce_aeth_kind_names[k] :
	    "?";
}

const char *
roce_nak_code_name(unsigned code)
{
	return code < ROCE_NAK_CODE_COUNT ? roce_nak_code_names[code] : "?";
}
