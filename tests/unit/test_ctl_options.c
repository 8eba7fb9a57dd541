/* The option table: bonding's names, values, aliases and refusals. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ctl/options.h"

static struct nic_config
defaults(void)
{
	struct nic_config cfg;

	nic_config_default(&cfg);
	return cfg;
}

static void
set_ok(struct nic_config *cfg, const char *name, const char *value)
{
	struct nic_err err = { 0 };
	int e = ctl_option_set(cfg, name, value, &err);

	if (e)
		fail_msg("%s=%s: %d %s", name, value, e, err.msg);
}

/* Refused with code, a message containing want, and cfg unchanged. */
static void
set_err(const char *name, const char *value, int code, const char *want)
{
	struct nic_config cfg = defaults(), before = cfg;
	struct nic_err err = { 0 };
	int e = ctl_option_set(&cfg, name, value, &err);

	if (e != code)
		fail_msg("%s=%s: got %d (%s), want %d", name, value, e, err.msg,
		    code);
	assert_int_equal(err.code, code);
	if (!strstr(err.msg, want))
		fail_msg("%s=%s: message '%s' lacks '%s'", name, value,
		    err.msg, want);
	assert_memory_equal(&cfg, &before, sizeof(cfg));
}

static const char *
get(const struct nic_config *cfg, const char *name)
{
	static char buf[64];

	assert_int_equal(ctl_option_get(cfg, name, buf, sizeof(buf)), 0);
	return buf;
}

static void
test_table_is_sound(void **state)
{
	static const char *const wanted[] = {
		"mode", "miimon", "updelay", "downdelay", "primary",
		"primary_reselect", "fail_over_mac", "xmit_hash_policy",
		"packets_per_slave", "min_links", "num_grat_arp",
		"num_unsol_na", "peer_notif_delay", "lacp_active",
		"lacp_rate", "ad_select", "ad_actor_sys_prio",
		"ad_user_port_key", "ad_actor_system", "coupled_control",
		"backend", "xdp_mode", "mtu",
	};

	for (unsigned i = 0; i < ARRAY_SIZE(wanted); i++)
		if (!ctl_option_find(wanted[i]))
			fail_msg("option %s missing", wanted[i]);
	for (unsigned i = 0; i < ctl_options_count; i++) {
		const struct ctl_option *o = &ctl_options[i];

		assert_non_null(o->desc);
		assert_ptr_equal(ctl_option_find(o->name), o);
		assert_null(ctl_option_unsupported(o->name));
		assert_true(o->off + o->size <= sizeof(struct nic_config));
		switch (o->type) {
		case CTL_OPT_U32: assert_int_equal(o->size, 4); break;
		case CTL_OPT_U16: assert_int_equal(o->size, 2); break;
		case CTL_OPT_IFNAME: assert_int_equal(o->size, IF_NAMESIZE);
			break;
		case CTL_OPT_BACKEND: assert_int_equal(o->size,
			NIC_BACKEND_LEN); break;
		case CTL_OPT_MAC: assert_int_equal(o->size, 6); break;
		case CTL_OPT_IPV4_LIST: assert_int_equal(o->size,
			sizeof(struct lag_ipv4_targets)); break;
		case CTL_OPT_IPV6_LIST: assert_int_equal(o->size,
			sizeof(struct lag_ipv6_targets)); break;
		default: assert_true(o->size == 1 || o->size == 2 ||
			o->size == 4); break;
		}
		if (o->type == CTL_OPT_ENUM)
			for (unsigned v = 0; v < o->nnames; v++)
				assert_non_null(o->names[v]);
		if (o->type == CTL_OPT_U32 || o->type == CTL_OPT_U16)
			assert_true(o->min <= o->max);
	}
}

/* Every option reads back as a string that sets it to the same value. */
static void
test_every_option_reads_back(void **state)
{
	struct nic_config cfg = defaults(), again;
	char buf[64];

	set_ok(&cfg, "primary", "eth1");
	set_ok(&cfg, "mode", "active-backup");
	again = cfg;
	for (unsigned i = 0; i < ctl_options_count; i++) {
		const struct ctl_option *o = &ctl_options[i];

		assert_int_equal(ctl_option_format(o, &cfg, buf, sizeof(buf)),
		    0);
		set_ok(&again, o->name, buf);
	}
	assert_memory_equal(&cfg, &again, sizeof(cfg));
}

static void
test_defaults_are_bondings(void **state)
{
	struct nic_config cfg = defaults();

	assert_string_equal(get(&cfg, "mode"), "balance-rr");
	assert_string_equal(get(&cfg, "miimon"), "0");
	assert_string_equal(get(&cfg, "xmit_hash_policy"), "layer2");
	assert_string_equal(get(&cfg, "primary"), "");
	assert_string_equal(get(&cfg, "primary_reselect"), "always");
	assert_string_equal(get(&cfg, "fail_over_mac"), "none");
	assert_string_equal(get(&cfg, "packets_per_slave"), "1");
	assert_string_equal(get(&cfg, "num_grat_arp"), "1");
	assert_string_equal(get(&cfg, "num_unsol_na"), "1");
	assert_string_equal(get(&cfg, "mtu"), "1500");
	assert_string_equal(get(&cfg, "xdp_mode"), "auto");
	assert_string_equal(get(&cfg, "lacp_active"), "on");
	assert_string_equal(get(&cfg, "lacp_rate"), "slow");
	assert_string_equal(get(&cfg, "ad_select"), "stable");
	assert_string_equal(get(&cfg, "ad_actor_sys_prio"), "65535");
	assert_string_equal(get(&cfg, "ad_user_port_key"), "0");
	assert_string_equal(get(&cfg, "ad_actor_system"), "00:00:00:00:00:00");
	assert_string_equal(get(&cfg, "coupled_control"), "on");
	assert_string_equal(get(&cfg, "lacp_strict"), "off");
}

static void
test_lacp_options(void **state)
{
	struct nic_config cfg = defaults();
	static const uint8_t mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x0e };

	set_ok(&cfg, "lacp_active", "off");
	assert_false(cfg.lag.lacp.lacp_active);
	set_ok(&cfg, "lacp_active", "1");
	assert_true(cfg.lag.lacp.lacp_active);
	set_ok(&cfg, "lacp_rate", "fast");
	assert_int_equal(cfg.lag.lacp.lacp_rate, LAG_LACP_RATE_FAST);
	set_ok(&cfg, "lacp_rate", "0");
	assert_int_equal(cfg.lag.lacp.lacp_rate, LAG_LACP_RATE_SLOW);
	set_ok(&cfg, "ad_select", "count");
	assert_int_equal(cfg.lag.lacp.ad_select, LAG_AD_SELECT_PORTS);
	set_ok(&cfg, "ad_select", "1");
	assert_int_equal(cfg.lag.lacp.ad_select, LAG_AD_SELECT_BANDWIDTH);
	set_ok(&cfg, "ad_actor_sys_prio", "1");
	assert_int_equal(cfg.lag.lacp.ad_actor_sys_prio, 1);
	set_ok(&cfg, "ad_user_port_key", "1023");
	assert_int_equal(cfg.lag.lacp.ad_user_port_key, 1023);
	set_ok(&cfg, "ad_actor_system", "02:AA:bb:cc:dd:0e");
	assert_memory_equal(cfg.lag.lacp.ad_actor_system, mac, 6);
	assert_string_equal(get(&cfg, "ad_actor_system"), "02:aa:bb:cc:dd:0e");
	set_ok(&cfg, "coupled_control", "off");
	assert_false(cfg.lag.lacp.coupled_control);
	set_ok(&cfg, "lacp_strict", "on");
	assert_true(cfg.lag.lacp.lacp_strict);

	set_err("lacp_active", "yes", -EINVAL, "on, off, 1 or 0");
	set_err("lacp_rate", "2", -EINVAL, "slow or fast (or 0..1)");
	set_err("lacp_rate", "medium", -EINVAL, "unknown value 'medium'");
	set_err("ad_select", "3", -EINVAL, "stable, bandwidth or count");
	set_err("ad_actor_sys_prio", "0", -EINVAL, "1..65535");
	set_err("ad_actor_sys_prio", "65536", -EINVAL, "1..65535");
	set_err("ad_user_port_key", "1024", -EINVAL, "0..1023");
	set_err("ad_actor_system", "01:00:5e:00:00:01", -EINVAL, "multicast");
	set_err("ad_actor_system", "02:00:00:00:00", -EINVAL, "not a MAC");
	set_err("ad_actor_system", "02:00:00:00:00:001", -EINVAL, "not a MAC");
	set_err("ad_actor_system", "02-00-00-00-00-01", -EINVAL, "not a MAC");
	set_err("ad_actor_system", "2:0:0:0:0:1", -EINVAL, "not a MAC");
	set_err("lacp_extended_mux", "1", -EOPNOTSUPP, "not supported");
}

static void
test_valid_values(void **state)
{
	struct nic_config cfg = defaults();

	set_ok(&cfg, "mode", "802.3ad");
	assert_int_equal(cfg.lag.mode, LAG_MODE_8023AD);
	set_ok(&cfg, "miimon", "100");
	set_ok(&cfg, "updelay", "200");
	set_ok(&cfg, "downdelay", "2147483647");
	assert_int_equal(cfg.lag.miimon, 100);
	assert_int_equal(cfg.lag.updelay, 200);
	assert_int_equal(cfg.lag.downdelay, 2147483647u);
	set_ok(&cfg, "primary", "eth0");
	assert_string_equal(cfg.lag.primary, "eth0");
	set_ok(&cfg, "primary", "");
	assert_string_equal(cfg.lag.primary, "");
	set_ok(&cfg, "primary_reselect", "better");
	assert_int_equal(cfg.lag.primary_reselect, LAG_RESELECT_BETTER);
	set_ok(&cfg, "fail_over_mac", "follow");
	assert_int_equal(cfg.lag.fail_over_mac, LAG_FOM_FOLLOW);
	set_ok(&cfg, "xmit_hash_policy", "encap3+4");
	assert_int_equal(cfg.lag.xmit_hash_policy, LAG_HASH_ENCAP34);
	set_ok(&cfg, "packets_per_slave", "0");
	set_ok(&cfg, "min_links", "16");
	assert_int_equal(cfg.lag.min_links, 16);
	set_ok(&cfg, "num_grat_arp", "255");
	set_ok(&cfg, "num_unsol_na", "0");
	set_ok(&cfg, "peer_notif_delay", "300000");
	assert_int_equal(cfg.notify.num_grat_arp, 255);
	assert_int_equal(cfg.notify.num_unsol_na, 0);
	assert_int_equal(cfg.notify.peer_notif_delay, 300000);
	set_ok(&cfg, "backend", "afpacket");
	assert_string_equal(cfg.backend, "afpacket");
	set_ok(&cfg, "xdp_mode", "generic");
	assert_int_equal(cfg.xdp_mode, PORT_XDP_GENERIC);
	set_ok(&cfg, "mtu", "68");
	assert_int_equal(cfg.mtu, 68);
}

/* bonding's numbers, where bonding has them. */
static void
test_numeric_aliases(void **state)
{
	static const char *const modes[] = {
		"balance-rr", "active-backup", "balance-xor", "broadcast",
		"802.3ad",
	};
	static const char *const hashes[] = {
		"layer2", "layer3+4", "layer2+3", "encap2+3", "encap3+4",
	};
	struct nic_config cfg = defaults();
	char n[4];

	for (unsigned i = 0; i < ARRAY_SIZE(modes); i++) {
		snprintf(n, sizeof(n), "%u", i);
		set_ok(&cfg, "mode", n);
		assert_string_equal(get(&cfg, "mode"), modes[i]);
		set_ok(&cfg, "xmit_hash_policy", n);
		assert_string_equal(get(&cfg, "xmit_hash_policy"), hashes[i]);
	}
	set_ok(&cfg, "primary_reselect", "2");
	assert_string_equal(get(&cfg, "primary_reselect"), "failure");
	set_ok(&cfg, "fail_over_mac", "1");
	assert_string_equal(get(&cfg, "fail_over_mac"), "active");
	/* lagnic's own enum has no numbers */
	set_err("xdp_mode", "1", -EINVAL, "auto, native or generic");
}

static void
test_out_of_range(void **state)
{
	set_err("miimon", "-1", -EINVAL, "0..2147483647 ms");
	set_err("miimon", "2147483648", -EINVAL, "out of range");
	set_err("miimon", "99999999999", -EINVAL, "out of range");
	set_err("miimon", "10ms", -EINVAL, "out of range");
	set_err("miimon", "", -EINVAL, "out of range");
	set_err("updelay", " 1", -EINVAL, "out of range");
	set_err("packets_per_slave", "65536", -EINVAL, "0..65535");
	set_err("min_links", "17", -EINVAL, "0..16");
	set_err("num_grat_arp", "256", -EINVAL, "0..255");
	set_err("num_unsol_na", "1000", -EINVAL, "0..255");
	set_err("peer_notif_delay", "300001", -EINVAL, "0..300000 ms");
	set_err("mtu", "67", -EINVAL, "68..");
	set_err("mtu", "9000", -EINVAL, "68..");
	set_err("mode", "5x", -EINVAL, "balance-rr, active-backup, "
	    "balance-xor, broadcast, 802.3ad or balance-slb (or 0..4)");
	set_err("mode", "7", -EINVAL, "unknown value '7'");
	set_err("xmit_hash_policy", "layer4", -EINVAL, "unknown value 'layer4'");
	set_err("primary_reselect", "3", -EINVAL, "always, better or failure");
	set_err("fail_over_mac", "ACTIVE", -EINVAL, "none, active or follow");
	set_err("backend", "tap", -EINVAL, "afxdp, afpacket or sim");
	set_err("backend", "", -EINVAL, "unknown backend");
	set_err("primary", "eth0/1", -EINVAL, "'/'");
	set_err("primary", "a-very-long-name0", -EINVAL, "1..15 characters");
	set_err("primary", "..", -EINVAL, "not an interface name");
	set_err("primary", "eth 0", -EINVAL, "space");
}

static void
test_unknown_name(void **state)
{
	set_err("miimonn", "100", -ENOENT, "miimonn: unknown option");
	set_err("", "1", -ENOENT, "unknown option");
	set_err("MODE", "1", -ENOENT, "unknown option");
}

/* Address lists as bonding takes them: a list, +ADDR, -ADDR, "". */
static void
test_probe_target_lists(void **state)
{
	struct nic_config cfg;
	char buf[CTL_OPTION_LIST_LEN];

	nic_config_default(&cfg);
	set_ok(&cfg, "arp_ip_target", "10.0.0.1,10.0.0.2");
	assert_int_equal(cfg.lag.arp_ip_target.n, 2);
	assert_int_equal(cfg.lag.arp_ip_target.addr[1], 0x0a000002);
	set_ok(&cfg, "arp_ip_target", "+192.168.1.1");
	set_ok(&cfg, "arp_ip_target", "-10.0.0.1");
	assert_int_equal(ctl_option_get(&cfg, "arp_ip_target", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "10.0.0.2,192.168.1.1");
	set_ok(&cfg, "ns_ip6_target", "fd00::9,fe80::1");
	assert_int_equal(ctl_option_get(&cfg, "ns_ip6_target", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "fd00::9,fe80::1");
	set_ok(&cfg, "ns_ip6_target", "");
	assert_int_equal(cfg.lag.ns_ip6_target.n, 0);
	set_ok(&cfg, "arp_validate", "filter_backup");
	assert_int_equal(cfg.lag.arp_validate, LAG_ARP_VALIDATE_FILTER_BACKUP);
	set_ok(&cfg, "arp_validate", "3");
	assert_int_equal(cfg.lag.arp_validate, LAG_ARP_VALIDATE_ALL);

	set_err("arp_ip_target", "10.0.0.1,banana", -EINVAL,
	    "'banana' is not an IPv4 address");
	set_err("arp_ip_target", "255.255.255.255", -EINVAL, "cannot be a target");
	set_err("arp_ip_target", "224.0.0.1", -EINVAL, "cannot be a target");
	set_err("arp_ip_target", "10.0.0.1,10.0.0.1", -EINVAL,
	    "10.0.0.1 is already a target");
	set_err("arp_ip_target", "-10.9.9.9", -ENOENT, "is not a target");
	set_err("arp_ip_target", "1.0.0.1,1.0.0.2,1.0.0.3,1.0.0.4,1.0.0.5,"
	    "1.0.0.6,1.0.0.7,1.0.0.8,1.0.0.9,1.0.0.10,1.0.0.11,1.0.0.12,"
	    "1.0.0.13,1.0.0.14,1.0.0.15,1.0.0.16,1.0.0.17", -EINVAL,
	    "at most 16 targets");
	set_err("ns_ip6_target", "ff02::1", -EINVAL, "cannot be a target");
	set_err("ns_ip6_target", "10.0.0.1", -EINVAL, "not an IPv6 address");
	set_err("arp_missed_max", "0", -EINVAL, "out of range (1..255)");
}

static void
test_not_supported(void **state)
{
	for (unsigned i = 0; i < ctl_unsupported_count; i++) {
		const char *name = ctl_unsupported_options[i].name;

		assert_null(ctl_option_find(name));
		set_err(name, "1", -EOPNOTSUPP, "not supported");
	}
	set_err("resend_igmp", "1", -EOPNOTSUPP, "resend_igmp: not supported");
	set_err("mode", "balance-tlb", -EOPNOTSUPP, "not supported");
	set_err("mode", "balance-alb", -EOPNOTSUPP, "not supported");
	set_err("mode", "5", -EOPNOTSUPP, "5 (balance-tlb) is not supported");
	set_err("mode", "6", -EOPNOTSUPP, "6 (balance-alb) is not supported");
}

/* lagnic's mode past bonding's goes by name only: 5 stays balance-tlb. */
static void
test_balance_slb_by_name(void **state)
{
	struct nic_config cfg;

	nic_config_default(&cfg);
	set_ok(&cfg, "mode", "balance-slb");
	assert_int_equal(cfg.lag.mode, LAG_MODE_BALANCE_SLB);
	set_ok(&cfg, "rebalance_interval", "500");
	assert_int_equal(cfg.lag.rebalance_interval, 500);
	set_ok(&cfg, "xmit_hash_policy", "vlan+srcmac");
	assert_int_equal(cfg.lag.xmit_hash_policy, LAG_HASH_VLAN_SRCMAC);
	set_ok(&cfg, "xmit_hash_policy", "5");
	assert_int_equal(cfg.lag.xmit_hash_policy, LAG_HASH_VLAN_SRCMAC);
	set_err("mode", "5", -EOPNOTSUPP, "5 (balance-tlb) is not supported");
}

static void
test_getter_errors(void **state)
{
	struct nic_config cfg = defaults();
	char small[5];

	assert_int_equal(ctl_option_get(&cfg, "nope", small, sizeof(small)),
	    -ENOENT);
	assert_int_equal(ctl_option_get(&cfg, "mode", small, sizeof(small)),
	    -ENOSPC);
	assert_int_equal(ctl_option_get(&cfg, "mtu", small, 5), 0);
	assert_string_equal(small, "1500");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_sound),
		cmocka_unit_test(test_every_option_reads_back),
		cmocka_unit_test(test_defaults_are_bondings),
		cmocka_unit_test(test_valid_values),
		cmocka_unit_test(test_lacp_options),
		cmocka_unit_test(test_numeric_aliases),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_unknown_name),
		cmocka_unit_test(test_probe_target_lists),
		cmocka_unit_test(test_not_supported),
		cmocka_unit_test(test_balance_slb_by_name),
		cmocka_unit_test(test_getter_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
