/* Names and rates: the helpers libibverbs exports for printing. */
#include "verbs/verbs_priv.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static const char *
name_in(const char *const *t, size_t n, unsigned i)
{
	return i < n && t[i] ? t[i] : "unknown";
}

const char *
ibv_node_type_str(enum ibv_node_type t)
{
	static const char *const n[] = {
		[IBV_NODE_CA] = "InfiniBand channel adapter",
		[IBV_NODE_SWITCH] = "InfiniBand switch",
		[IBV_NODE_ROUTER] = "InfiniBand router",
		[IBV_NODE_RNIC] = "iWARP NIC",
		[IBV_NODE_USNIC] = "usNIC",
		[IBV_NODE_USNIC_UDP] = "usNIC UDP",
		[IBV_NODE_UNSPECIFIED] = "unspecified",
	};

	return name_in(n, ARRAY_LEN(n), (unsigned)t);
}

const char *
ibv_port_state_str(enum ibv_port_state s)
{
	static const char *const n[] = {
		[IBV_PORT_NOP] = "no state change (NOP)",
		[IBV_PORT_DOWN] = "down",
		[IBV_PORT_INIT] = "init",
		[IBV_PORT_ARMED] = "armed",
		[IBV_PORT_ACTIVE] = "active",
		[IBV_PORT_ACTIVE_DEFER] = "active defer",
	};

	return name_in(n, ARRAY_LEN(n), (unsigned)s);
}

const char *
ibv_event_type_str(enum ibv_event_type e)
{
	static const char *const n[] = {
		[IBV_EVENT_CQ_ERR] = "CQ error",
		[IBV_EVENT_QP_FATAL] = "local work queue catastrophic error",
		[IBV_EVENT_QP_REQ_ERR] = "invalid request local work queue error",
		[IBV_EVENT_QP_ACCESS_ERR] = "local access violation work queue error",
		[IBV_EVENT_COMM_EST] = "communication established",
		[IBV_EVENT_SQ_DRAINED] = "send queue drained",
		[IBV_EVENT_PATH_MIG] = "path migrated",
		[IBV_EVENT_PATH_MIG_ERR] = "path migration request error",
		[IBV_EVENT_DEVICE_FATAL] = "local catastrophic error",
		[IBV_EVENT_PORT_ACTIVE] = "port active",
		[IBV_EVENT_PORT_ERR] = "port error",
		[IBV_EVENT_LID_CHANGE] = "LID change",
		[IBV_EVENT_PKEY_CHANGE] = "P_Key change",
		[IBV_EVENT_SM_CHANGE] = "SM change",
		[IBV_EVENT_SRQ_ERR] = "SRQ catastrophic error",
		[IBV_EVENT_SRQ_LIMIT_REACHED] = "SRQ limit reached",
		[IBV_EVENT_QP_LAST_WQE_REACHED] = "last WQE reached",
		[IBV_EVENT_CLIENT_REREGISTER] = "client reregistration",
		[IBV_EVENT_GID_CHANGE] = "GID table change",
		[IBV_EVENT_WQ_FATAL] = "WQ fatal",
	};

	return name_in(n, ARRAY_LEN(n), (unsigned)e);
}

#define WC_STR(n, s) [IBV_WC_##n] = s,
const char *
ibv_wc_status_str(enum ibv_wc_status st)
{
	static const char *const n[] = {
		WC_STR(SUCCESS, "success")
		WC_STR(LOC_LEN_ERR, "local length error")
		WC_STR(LOC_QP_OP_ERR, "local QP operation error")
		WC_STR(LOC_EEC_OP_ERR, "local EE context operation error")
		WC_STR(LOC_PROT_ERR, "local protection error")
		WC_STR(WR_FLUSH_ERR, "Work Request Flushed Error")
		WC_STR(MW_BIND_ERR, "memory management operation error")
		WC_STR(BAD_RESP_ERR, "bad response error")
		WC_STR(LOC_ACCESS_ERR, "local access error")
		WC_STR(REM_INV_REQ_ERR, "remote invalid request error")
		WC_STR(REM_ACCESS_ERR, "remote access error")
		WC_STR(REM_OP_ERR, "remote operation error")
		WC_STR(RETRY_EXC_ERR, "transport retry counter exceeded")
		WC_STR(RNR_RETRY_EXC_ERR, "RNR retry counter exceeded")
		WC_STR(LOC_RDD_VIOL_ERR, "local RDD violation error")
		WC_STR(REM_INV_RD_REQ_ERR, "remote invalid RD request")
		WC_STR(REM_ABORT_ERR, "aborted error")
		WC_STR(INV_EECN_ERR, "invalid EE context number")
		WC_STR(INV_EEC_STATE_ERR, "invalid EE context state")
		WC_STR(FATAL_ERR, "fatal error")
		WC_STR(RESP_TIMEOUT_ERR, "response timeout error")
		WC_STR(GENERAL_ERR, "general error")
		WC_STR(TM_ERR, "TM error")
		WC_STR(TM_RNDV_INCOMPLETE, "TM software rendezvous")
	};

	return name_in(n, ARRAY_LEN(n), (unsigned)st);
}

/* rate, multiple of 2.5 Gb/s (-1: none), Mb/s */
static const struct {
	enum ibv_rate rate;
	int mult, mbps;
} rates[] = {
	{ IBV_RATE_2_5_GBPS, 1, 2500 }, { IBV_RATE_5_GBPS, 2, 5000 },
	{ IBV_RATE_10_GBPS, 4, 10000 }, { IBV_RATE_20_GBPS, 8, 20000 },
	{ IBV_RATE_30_GBPS, 12, 30000 }, { IBV_RATE_40_GBPS, 16, 40000 },
	{ IBV_RATE_60_GBPS, 24, 60000 }, { IBV_RATE_80_GBPS, 32, 80000 },
	{ IBV_RATE_120_GBPS, 48, 120000 }, { IBV_RATE_14_GBPS, -1, 14062 },
	{ IBV_RATE_56_GBPS, -1, 56250 }, { IBV_RATE_112_GBPS, -1, 112500 },
	{ IBV_RATE_168_GBPS, -1, 168750 }, { IBV_RATE_25_GBPS, -1, 25781 },
	{ IBV_RATE_100_GBPS, -1, 103125 }, { IBV_RATE_200_GBPS, -1, 206250 },
	{ IBV_RATE_300_GBPS, -1, 309375 }, { IBV_RATE_28_GBPS, -1, 28125 },
	{ IBV_RATE_50_GBPS, -1, 53125 }, { IBV_RATE_400_GBPS, -1, 425000 },
	{ IBV_RATE_600_GBPS, -1, 637500 }, { IBV_RATE_800_GBPS, -1, 850000 },
	{ IBV_RATE_1200_GBPS, -1, 1275000 },
};

int
ibv_rate_to_mult(enum ibv_rate rate)
{
	for (size_t i = 0; i < ARRAY_LEN(rates); i++)
		if (rates[i].rate == rate)
			return rates[i].mult;
	return -1;
}

enum ibv_rate
mult_to_ibv_rate(int mult)
{
	for (size_t i = 0; i < ARRAY_LEN(rates); i++)
		if (rates[i].mult == mult)
			return rates[i].rate;
	return IBV_RATE_MAX;
}

int
ibv_rate_to_mbps(enum ibv_rate rate)
{
	for (size_t i = 0; i < ARRAY_LEN(rates); i++)
		if (rates[i].rate == rate)
			return rates[i].mbps;
	return -1;
}

enum ibv_rate
mbps_to_ibv_rate(int mbps)
{
	for (size_t i = 0; i < ARRAY_LEN(rates); i++)
		if (rates[i].mbps == mbps)
			return rates[i].rate;
	return IBV_RATE_MAX;
}
