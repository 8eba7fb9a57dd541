/* The config file: teamd's format, bonding's names, lagnic's keys, errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ctl/config.h"
#include "ctl/options.h"

/* A profile with every mode and hash policy, whatever is built today. */
static struct nic_caps
all_caps(void)
{
	struct nic_caps caps;

	nic_caps_default(&caps);
	caps.modes = (1u << LAG_MODE_COUNT) - 1;
	caps.hash_policies = (1u << LAG_HASH_COUNT) - 1;
	return caps;
}

static struct nic_config
load_caps(const char *text, const struct nic_caps *caps)
{
	struct nic_config cfg;
	struct nic_err err = { 0 };
	int e = ctl_config_load_string(text, NULL, caps, &cfg, &err);

	if (e)
		fail_msg("load: %d %s\n%s", e, err.msg, text);
	return cfg;
}

static struct nic_config
load(const char *text)
{
	struct nic_caps caps = all_caps();

	return load_caps(text, &caps);
}

static void
load_err_caps(const char *text, const struct nic_caps *caps, int code,
    const char *want)
{
	struct nic_config cfg, before;
	struct nic_err err = { 0 };
	int e;

	memset(&cfg, 0xa5, sizeof(cfg));
	before = cfg;
	e = ctl_config_load_string(text, NULL, caps, &cfg, &err);
	if (e != code || !strstr(err.msg, want))
		fail_msg("got %d '%s', want %d '%s'\n%s", e, err.msg, code,
		    want, text);
	assert_int_equal(err.code, code);
	assert_memory_equal(&cfg, &before, sizeof(cfg));	/* untouched */
}

static void
load_err(const char *text, int code, const char *want)
{
	struct nic_caps caps = all_caps();

	load_err_caps(text, &caps, code, want);
}

/* The effective config, dumped and loaded back, is the same config. */
static void
assert_round_trip(const struct nic_config *cfg)
{
	struct nic_caps caps = all_caps();
	json_t *j = ctl_config_to_json(cfg);
	char *text;
	struct nic_config again;

	assert_non_null(j);
	text = json_dumps(j, JSON_INDENT(2));
	assert_non_null(text);
	again = load_caps(text, &caps);
	assert_memory_equal(cfg, &again, sizeof(again));
	free(text);
	json_decref(j);
}

/* ---- teamd's examples, one per runner ---- */

static void
test_teamd_roundrobin(void **state)
{
	struct nic_config cfg = load("{\"device\": \"team0\", "
	    "\"runner\": {\"name\": \"roundrobin\"}, "
	    "\"ports\": {\"eth1\": {}, \"eth2\": {}}}");

	assert_string_equal(cfg.name, "team0");
	assert_int_equal(cfg.lag.mode, LAG_MODE_BALANCE_RR);
	assert_int_equal(cfg.lag.packets_per_slave, 1);
	assert_int_equal(cfg.nports, 2);
	assert_string_equal(cfg.ports[0].ifname, "eth1");
	assert_string_equal(cfg.ports[1].ifname, "eth2");
	assert_int_equal(cfg.ports[0].lacp_port_priority, 255);
	assert_string_equal(cfg.ports[0].backend, "");
	assert_round_trip(&cfg);
}

static void
test_teamd_random(void **state)
{
	struct nic_config cfg = load("{\"runner\": {\"name\": \"random\"}}");

	assert_string_equal(cfg.name, "lag0");
	assert_int_equal(cfg.lag.mode, LAG_MODE_BALANCE_RR);
	assert_int_equal(cfg.lag.packets_per_slave, 0);
	assert_round_trip(&cfg);
}

static void
test_teamd_activebackup_prio_sticky(void **state)
{
	struct nic_config cfg = load("{\n"
	    "  \"device\": \"team0\",\n"
	    "  \"runner\": {\"name\": \"activebackup\"},\n"
	    "  \"link_watch\": {\"name\": \"ethtool\", \"delay_up\": 2500,\n"
	    "                 \"delay_down\": 1000},\n"
	    "  \"ports\": {\"eth1\": {\"prio\": -10, \"sticky\": true},\n"
	    "            \"eth2\": {\"prio\": 100}}\n"
	    "}\n");

	assert_int_equal(cfg.lag.mode, LAG_MODE_ACTIVE_BACKUP);
	assert_int_equal(cfg.lag.updelay, 2500);
	assert_int_equal(cfg.lag.downdelay, 1000);
	assert_int_equal(cfg.lag.miimon, 0);
	assert_string_equal(cfg.lag.primary, "eth2");
	assert_int_equal(cfg.lag.primary_reselect, LAG_RESELECT_FAILURE);
	assert_round_trip(&cfg);
}

static void
test_teamd_activebackup_hwaddr_and_ties(void **state)
{
	struct nic_config cfg = load("{\"runner\": {\"name\": "
	    "\"activebackup\", \"hwaddr_policy\": \"by_active\"}, "
	    "\"link_watch\": [{\"name\": \"ethtool\"}], "
	    "\"ports\": {\"eth1\": {\"prio\": 5}, \"eth2\": {\"prio\": 5, "
	    "\"sticky\": true}}}");

	assert_int_equal(cfg.lag.fail_over_mac, LAG_FOM_ACTIVE);
	assert_string_equal(cfg.lag.primary, "");	/* a tie: no primary */
	assert_int_equal(cfg.lag.primary_reselect, LAG_RESELECT_FAILURE);
	cfg = load("{\"runner\": {\"name\": \"activebackup\", "
	    "\"hwaddr_policy\": \"only_active\"}, \"primary\": \"eth1\", "
	    "\"ports\": {\"eth1\": {\"prio\": 1}, \"eth2\": {\"prio\": 9}}}");
	assert_int_equal(cfg.lag.fail_over_mac, LAG_FOM_FOLLOW);
	assert_string_equal(cfg.lag.primary, "eth1");	/* explicit wins */
	load_err("{\"runner\": {\"hwaddr_policy\": \"any\"}}", -EINVAL,
	    "runner.hwaddr_policy: unknown value 'any' (same_all, by_active, "
	    "only_active)");
}

static void
test_teamd_loadbalance_tx_hash(void **state)
{
	static const struct {
		const char *hash;
		enum lag_hash_policy want;
	} cases[] = {
		{ "[\"eth\", \"ipv4\", \"ipv6\"]", LAG_HASH_LAYER23 },
		{ "[\"eth\"]", LAG_HASH_LAYER2 },
		{ "[\"vlan\", \"eth\"]", LAG_HASH_LAYER2 },
		{ "[\"l3\"]", LAG_HASH_LAYER23 },
		{ "[\"ip\", \"tcp\", \"udp\"]", LAG_HASH_LAYER34 },
		{ "[\"eth\", \"l4\"]", LAG_HASH_LAYER34 },
		{ "[\"sctp\"]", LAG_HASH_LAYER34 },
	};
	char text[256];
	struct nic_config cfg;

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(text, sizeof(text), "{\"runner\": {\"name\": "
		    "\"loadbalance\", \"tx_hash\": %s}, \"ports\": "
		    "{\"eth1\": {}, \"eth2\": {}}}", cases[i].hash);
		cfg = load(text);
		assert_int_equal(cfg.lag.mode, LAG_MODE_BALANCE_XOR);
		assert_int_equal(cfg.lag.xmit_hash_policy, cases[i].want);
	}
	/* teamd's default tx_hash: eth, ipv4, ipv6 */
	cfg = load("{\"runner\": {\"name\": \"loadbalance\"}}");
	assert_int_equal(cfg.lag.xmit_hash_policy, LAG_HASH_LAYER23);
	cfg = load("{\"runner\": {\"name\": \"loadbalance\"}, "
	    "\"bond\": {\"xmit_hash_policy\": \"encap3+4\"}}");
	assert_int_equal(cfg.lag.xmit_hash_policy, LAG_HASH_ENCAP34);
	assert_round_trip(&cfg);
	load_err("{\"runner\": {\"name\": \"loadbalance\", "
	    "\"tx_hash\": [\"eth\", \"ipv4\", \"foo\"]}}", -EINVAL,
	    "runner.tx_hash[2]: unknown value 'foo'");
	load_err("{\"runner\": {\"tx_hash\": []}}", -EINVAL,
	    "runner.tx_hash: empty");
	load_err("{\"runner\": {\"tx_hash\": \"eth\"}}", -EINVAL,
	    "runner.tx_hash: expected an array of strings, got a string");
	load_err("{\"runner\": {\"tx_hash\": [1]}}", -EINVAL,
	    "runner.tx_hash[0]: expected a string, got an integer");
	load_err("{\"runner\": {\"name\": \"loadbalance\", \"tx_balancer\": "
	    "{\"name\": \"basic\"}}}", -EOPNOTSUPP,
	    "runner.tx_balancer: not supported");
}

static void
test_teamd_broadcast_and_notify(void **state)
{
	struct nic_config cfg = load("{\"runner\": {\"name\": \"broadcast\"}, "
	    "\"notify_peers\": {\"count\": 3, \"interval\": 50}, "
	    "\"ports\": {\"eth1\": {\"queue_id\": 3}}}");

	assert_int_equal(cfg.lag.mode, LAG_MODE_BROADCAST);
	assert_int_equal(cfg.notify.num_grat_arp, 3);
	assert_int_equal(cfg.notify.num_unsol_na, 3);
	assert_int_equal(cfg.notify.peer_notif_delay, 50);
	assert_int_equal(cfg.ports[0].queue_id, 3);
	assert_round_trip(&cfg);
	load_err("{\"notify_peers\": {\"count\": 256}}", -EINVAL,
	    "notify_peers.count: '256' out of range (0..255)");
	load_err("{\"notify_peers\": {\"count\": 1}, \"num_grat_arp\": 2}",
	    -EINVAL, "num_grat_arp: num_grat_arp is already set by "
	    "notify_peers.count");
}

static void
test_teamd_lacp_ports(void **state)
{
	struct nic_config cfg = load("{\"ports\": {\"eth1\": {\"lacp_prio\": "
	    "10, \"lacp_key\": 7}, \"eth2\": {}}}");

	assert_int_equal(cfg.ports[0].lacp_port_priority, 10);
	assert_int_equal(cfg.ports[0].lacp_port_key, 7);
	assert_int_equal(cfg.ports[1].lacp_port_priority, 255);
	assert_int_equal(cfg.ports[1].lacp_port_key, 0);
	assert_round_trip(&cfg);
	load_err("{\"ports\": {\"eth1\": {\"lacp_prio\": 65536}}}", -EINVAL,
	    "ports.eth1.lacp_prio: 65536 out of range (0..65535)");
	load_err("{\"ports\": {\"eth1\": {\"lacp_key\": -1}}}", -EINVAL,
	    "ports.eth1.lacp_key: -1 out of range (0..1023)");
	load_err("{\"ports\": {\"eth1\": {\"lacp_key\": 1024}}}", -EINVAL,
	    "ports.eth1.lacp_key: 1024 out of range (0..1023)");
	load_err("{\"runner\": {\"name\": \"lacp\", \"agg_select_policy\": "
	    "\"port_config\"}}", -EOPNOTSUPP,
	    "runner.agg_select_policy: port_config is not supported");
	load_err("{\"runner\": {\"agg_select_policy\": \"best\"}}", -EINVAL,
	    "unknown value 'best' (lacp_prio, lacp_prio_stable, bandwidth, "
	    "count, port_config)");
}

static void
test_teamd_lacp_runner(void **state)
{
	struct nic_config cfg = load("{\n"
	    "  \"device\": \"team0\",\n"
	    "  \"runner\": {\"name\": \"lacp\", \"active\": false,\n"
	    "             \"fast_rate\": true, \"sys_prio\": 100,\n"
	    "             \"min_ports\": 2, \"agg_select_policy\": "
	    "\"bandwidth\",\n"
	    "             \"tx_hash\": [\"eth\", \"ipv4\", \"ipv6\", "
	    "\"tcp\"]},\n"
	    "  \"link_watch\": {\"name\": \"ethtool\"},\n"
	    "  \"ports\": {\"eth1\": {}, \"eth2\": {}}\n"
	    "}\n");

	assert_int_equal(cfg.lag.mode, LAG_MODE_8023AD);
	assert_false(cfg.lag.lacp.lacp_active);
	assert_int_equal(cfg.lag.lacp.lacp_rate, LAG_LACP_RATE_FAST);
	assert_int_equal(cfg.lag.lacp.ad_actor_sys_prio, 100);
	assert_int_equal(cfg.lag.min_links, 2);
	assert_int_equal(cfg.lag.lacp.ad_select, LAG_AD_SELECT_BANDWIDTH);
	assert_int_equal(cfg.lag.xmit_hash_policy, LAG_HASH_LAYER34);
	assert_round_trip(&cfg);
	cfg = load("{\"runner\": {\"name\": \"lacp\", \"active\": true, "
	    "\"fast_rate\": false, \"agg_select_policy\": \"lacp_prio\"}}");
	assert_true(cfg.lag.lacp.lacp_active);
	assert_int_equal(cfg.lag.lacp.lacp_rate, LAG_LACP_RATE_SLOW);
	assert_int_equal(cfg.lag.lacp.ad_select, LAG_AD_SELECT_STABLE);
	cfg = load("{\"runner\": {\"agg_select_policy\": \"count\"}}");
	assert_int_equal(cfg.lag.lacp.ad_select, LAG_AD_SELECT_PORTS);
	load_err("{\"runner\": {\"name\": \"lacp\", \"sys_prio\": 0}}",
	    -EINVAL, "runner.sys_prio: '0' out of range (1..65535)");
	load_err("{\"runner\": {\"fast_rate\": \"yes\"}}", -EINVAL,
	    "runner.fast_rate: expected true or false, got a string");
	load_err("{\"runner\": {\"fast_rate\": true}, \"lacp_rate\": "
	    "\"slow\"}", -EINVAL, "lacp_rate: lacp_rate is already set by "
	    "runner.fast_rate");
}

/* bonding's 802.3ad options, with numbers and booleans */
static void
test_bonding_lacp(void **state)
{
	struct nic_config cfg = load("{\"bond\": {\"mode\": 4, "
	    "\"lacp_rate\": 1, \"ad_select\": \"count\", "
	    "\"lacp_active\": false, \"ad_actor_sys_prio\": 10, "
	    "\"ad_user_port_key\": 5, \"ad_actor_system\": "
	    "\"02:00:00:00:00:01\", \"coupled_control\": \"off\"}}");

	assert_int_equal(cfg.lag.mode, LAG_MODE_8023AD);
	assert_int_equal(cfg.lag.lacp.lacp_rate, LAG_LACP_RATE_FAST);
	assert_int_equal(cfg.lag.lacp.ad_select, LAG_AD_SELECT_PORTS);
	assert_false(cfg.lag.lacp.lacp_active);
	assert_int_equal(cfg.lag.lacp.ad_actor_sys_prio, 10);
	assert_int_equal(cfg.lag.lacp.ad_user_port_key, 5);
	assert_int_equal(cfg.lag.lacp.ad_actor_system[5], 1);
	assert_false(cfg.lag.lacp.coupled_control);
	assert_round_trip(&cfg);
	load_err("{\"bond\": {\"ad_actor_system\": 1}}", -EINVAL,
	    "bond.ad_actor_system: '1' is not a MAC address");
	load_err("{\"bond\": {\"lacp_rate\": true}}", -EINVAL,
	    "bond.lacp_rate: expected a string or an integer, got a boolean");
}

static void
test_teamd_lacp_runner_mode(void **state)
{
	struct nic_caps caps;
	struct nic_config cfg = load("{\"runner\": {\"name\": \"lacp\"}}");

	assert_int_equal(cfg.lag.mode, LAG_MODE_8023AD);
	assert_int_equal(cfg.lag.xmit_hash_policy, LAG_HASH_LAYER23);
	/* a profile without 802.3ad refuses it, naming the mode */
	nic_caps_default(&caps);
	caps.modes &= ~(1u << LAG_MODE_8023AD);
	load_err_caps("{\"runner\": {\"name\": \"lacp\"}}", &caps, -EOPNOTSUPP,
	    "mode 802.3ad: not supported by this device's profile");
}

static void
test_teamd_link_watchers(void **state)
{
	struct nic_config cfg;

	cfg = load("{\"link_watch\": [{\"name\": \"ethtool\", \"delay_up\": 5},"
	    " {\"name\": \"arp_ping\", \"interval\": 100,"
	    " \"target_host\": \"192.168.23.1\", \"validate_active\": true},"
	    " {\"name\": \"arp_ping\", \"interval\": 100,"
	    " \"target_host\": \"192.168.23.2\", \"validate_active\": true,"
	    " \"validate_inactive\": true},"
	    " {\"name\": \"nsna_ping\", \"interval\": 100,"
	    " \"target_host\": \"fd00::1\"}]}");
	assert_int_equal(cfg.lag.updelay, 5);
	assert_int_equal(cfg.lag.arp_interval, 100);
	assert_int_equal(cfg.lag.arp_missed_max, 3);	/* teamd's default */
	assert_int_equal(cfg.lag.arp_ip_target.n, 2);
	assert_int_equal(cfg.lag.arp_ip_target.addr[1], 0xc0a81702);
	assert_int_equal(cfg.lag.ns_ip6_target.n, 1);
	assert_int_equal(cfg.lag.arp_validate, LAG_ARP_VALIDATE_ALL);
	cfg = load("{\"link_watch\": {\"name\": \"arp_ping\", \"interval\": 50,"
	    " \"missed_max\": 5, \"target_host\": \"10.1.1.1\","
	    " \"validate_inactive\": true}}");
	assert_int_equal(cfg.lag.arp_missed_max, 5);
	assert_int_equal(cfg.lag.arp_validate, LAG_ARP_VALIDATE_BACKUP);
	/* bonding-style, with a JSON list of targets */
	cfg = load("{\"bond\": {\"arp_interval\": 200, \"arp_ip_target\":"
	    " [\"10.0.0.1\", \"10.0.0.2\"], \"ns_ip6_target\": \"fd00::2\"}}");
	assert_int_equal(cfg.lag.arp_ip_target.n, 2);
	assert_int_equal(cfg.lag.ns_ip6_target.n, 1);
	assert_round_trip(&cfg);

	load_err("{\"link_watch\": {\"name\": \"arp_ping\", \"interval\": 100}}",
	    -EINVAL, "link_watch: target_host missing");
	load_err("{\"link_watch\": [{\"name\": \"arp_ping\", \"interval\": 100,"
	    " \"target_host\": \"10.0.0.1\"}, {\"name\": \"arp_ping\","
	    " \"interval\": 200, \"target_host\": \"10.0.0.2\"}]}", -EINVAL,
	    "link_watch[1].interval: arp_interval is already set by "
	    "link_watch[0].interval");
	load_err("{\"link_watch\": {\"name\": \"arp_ping\", \"interval\": 100,"
	    " \"target_host\": \"gw.example\"}}", -EINVAL,
	    "'gw.example' is not an IPv4 address");
	load_err("{\"link_watch\": {\"name\": \"arp_ping\", \"interval\": 100,"
	    " \"target_host\": \"10.0.0.1\", \"source_host\": \"10.0.0.2\"}}",
	    -EOPNOTSUPP, "link_watch.source_host: not supported");
	load_err("{\"link_watch\": {\"name\": \"nsna_ping\", \"interval\": 1,"
	    " \"target_host\": \"fd00::1\", \"init_wait\": 5}}", -EOPNOTSUPP,
	    "link_watch.init_wait: not supported");
	load_err("{\"bond\": {\"arp_ip_target\": [1]}}", -EINVAL,
	    "expected an array of addresses");
	load_err("{\"link_watch\": {\"name\": \"mii\"}}", -EINVAL,
	    "link_watch.name: unknown value 'mii'");
}

static void
test_teamd_refused_keys(void **state)
{
	load_err("{\"hwaddr\": \"02:00:00:00:00:01\"}", -EOPNOTSUPP,
	    "hwaddr: not supported");
	load_err("{\"debug_level\": 1}", -EOPNOTSUPP,
	    "debug_level: not supported");
	load_err("{\"mcast_rejoin\": {\"count\": 1}}", -EOPNOTSUPP,
	    "mcast_rejoin: not supported");
	load_err("{\"runner\": {\"name\": \"activebackup\", \"foo\": 1}}",
	    -EINVAL, "runner.foo: unknown key");
	load_err("{\"runner\": {\"name\": \"fancy\"}}", -EINVAL,
	    "runner.name: unknown value 'fancy' (roundrobin, random, "
	    "activebackup, loadbalance, broadcast, lacp)");
	load_err("{\"runner\": {\"min_ports\": 20}}", -EINVAL,
	    "runner.min_ports: '20' out of range (0..16)");
	load_err("{\"runner\": {\"active\": 1}}", -EINVAL,
	    "runner.active: expected true or false, got an integer");
}

/* ---- bonding's names ---- */

static void
test_bonding_style(void **state)
{
	struct nic_config cfg = load("{\"device\": \"bond0\", \"bond\": "
	    "{\"mode\": \"active-backup\", \"miimon\": 100, \"updelay\": "
	    "\"200\", \"primary\": \"eth1\", \"primary_reselect\": 2, "
	    "\"fail_over_mac\": \"follow\", \"num_grat_arp\": 2}, "
	    "\"ports\": [\"eth0\", \"eth1\"]}");

	assert_string_equal(cfg.name, "bond0");
	assert_int_equal(cfg.lag.mode, LAG_MODE_ACTIVE_BACKUP);
	assert_int_equal(cfg.lag.miimon, 100);
	assert_int_equal(cfg.lag.updelay, 200);
	assert_string_equal(cfg.lag.primary, "eth1");
	assert_int_equal(cfg.lag.primary_reselect, LAG_RESELECT_FAILURE);
	assert_int_equal(cfg.lag.fail_over_mac, LAG_FOM_FOLLOW);
	assert_int_equal(cfg.notify.num_grat_arp, 2);
	assert_int_equal(cfg.nports, 2);
	assert_round_trip(&cfg);
	/* the same at the top level, with bonding's numbers */
	cfg = load("{\"mode\": 2, \"xmit_hash_policy\": 1, "
	    "\"ports\": [\"eth0\"]}");
	assert_int_equal(cfg.lag.mode, LAG_MODE_BALANCE_XOR);
	assert_int_equal(cfg.lag.xmit_hash_policy, LAG_HASH_LAYER34);
	assert_round_trip(&cfg);
}

static void
test_bonding_style_errors(void **state)
{
	load_err("{\"bond\": {\"miimon\": -5}}", -EINVAL,
	    "bond.miimon: '-5' out of range (0..2147483647 ms)");
	load_err("{\"bond\": {\"miimon\": [1]}}", -EINVAL,
	    "bond.miimon: expected a string or an integer, got an array");
	load_err("{\"miimon\": 1.5}", -EINVAL,
	    "miimon: expected a string or an integer, got a real number");
	load_err("{\"miimon\": true}", -EINVAL, "miimon: expected");
	load_err("{\"bond\": {\"mode\": \"balance-alb\"}}", -EOPNOTSUPP,
	    "bond.mode: balance-alb is not supported");
	load_err("{\"bond\": {\"resend_igmp\": 1}}", -EOPNOTSUPP,
	    "bond.resend_igmp: not supported");
	load_err("{\"bond\": {\"backend\": \"sim\"}}", -EINVAL,
	    "bond.backend: unknown key");
	load_err("{\"bond\": {\"miimon\": 1}, \"miimon\": 2}", -EINVAL,
	    "miimon: miimon is already set by bond.miimon");
	load_err("{\"runner\": {\"name\": \"activebackup\"}, "
	    "\"bond\": {\"mode\": \"active-backup\"}}", -EINVAL,
	    "bond.mode: mode is already set by runner.name");
	load_err("{\"bond\": [1]}", -EINVAL,
	    "bond: expected an object, got an array");
}

/* ---- lagnic's keys and a mix of all three ---- */

static void
test_mixed(void **state)
{
	struct nic_config cfg = load("{\n"
	    "  \"device\": \"lag1\",\n"
	    "  \"backend\": \"afpacket\", \"xdp_mode\": \"native\",\n"
	    "  \"mtu\": 1400, \"pf\": false,\n"
	    "  \"runner\": {\"name\": \"activebackup\"},\n"
	    "  \"link_watch\": {\"name\": \"ethtool\", \"delay_down\": 50},\n"
	    "  \"bond\": {\"miimon\": 10, \"fail_over_mac\": \"active\"},\n"
	    "  \"peer_notif_delay\": 20,\n"
	    "  \"ports\": [\"a0\", {\"name\": \"a1\", \"backend\": \"sim\",\n"
	    "             \"queue_id\": 1, \"prio\": 3}]\n"
	    "}\n");

	assert_string_equal(cfg.name, "lag1");
	assert_string_equal(cfg.backend, "afpacket");
	assert_int_equal(cfg.xdp_mode, PORT_XDP_NATIVE);
	assert_int_equal(cfg.mtu, 1400);
	assert_false(cfg.pf);
	assert_int_equal(cfg.lag.mode, LAG_MODE_ACTIVE_BACKUP);
	assert_int_equal(cfg.lag.downdelay, 50);
	assert_int_equal(cfg.lag.miimon, 10);
	assert_int_equal(cfg.lag.fail_over_mac, LAG_FOM_ACTIVE);
	assert_int_equal(cfg.notify.peer_notif_delay, 20);
	assert_string_equal(cfg.ports[0].backend, "");
	assert_string_equal(cfg.ports[1].backend, "sim");
	assert_int_equal(cfg.ports[1].queue_id, 1);
	assert_string_equal(cfg.lag.primary, "a1");
	assert_round_trip(&cfg);
}

static void
test_lagnic_key_errors(void **state)
{
	load_err("{\"pf\": \"yes\"}", -EINVAL,
	    "pf: expected true or false, got a string");
	load_err("{\"backend\": \"dpdk\"}", -EINVAL,
	    "backend: unknown backend 'dpdk' (afxdp, afpacket or sim)");
	load_err("{\"ports\": [{\"name\": \"a0\", \"backend\": \"tap\"}]}",
	    -EINVAL, "ports[0].backend: unknown backend 'tap'");
	load_err("{\"mtu\": 65536}", -EINVAL, "mtu: '65536' out of range (68..");
	load_err("{\"xdp_mode\": \"skb\"}", -EINVAL,
	    "xdp_mode: unknown value 'skb' (auto, native or generic)");
	load_err("{\"device\": \"a-very-long-name0\"}", -EINVAL,
	    "device: interface name 'a-very-long-name0' must have 1..15");
	load_err("{\"device\": 7}", -EINVAL, "device: expected a string");
	load_err("{\"ports\": [{\"backend\": \"sim\"}]}", -EINVAL,
	    "ports[0].name: missing");
	load_err("{\"ports\": [7]}", -EINVAL,
	    "ports[0]: expected a string or an object, got an integer");
	load_err("{\"ports\": {\"eth0\": {\"name\": \"eth1\"}}}", -EINVAL,
	    "ports.eth0.name: unknown key");
	load_err("{\"ports\": {\"eth/0\": {}}}", -EINVAL, "ports.eth/0: "
	    "interface name 'eth/0' has a '/'");
	load_err("{\"ports\": 3}", -EINVAL,
	    "ports: expected an object or an array, got an integer");
	load_err("{\"ports\": [\"lag0\"]}", -EINVAL,
	    "port lag0: is the LAG's own interface");
	load_err("{\"foo\": 1}", -EINVAL, "foo: unknown key");
	load_err("{\"ports\": {\"eth0\": {\"foo\": 1}}}", -EINVAL,
	    "ports.eth0.foo: unknown key");
	load_err("[]", -EINVAL, "config: expected an object, got an array");
}

/* ---- structure: syntax, duplicates, the profile ---- */

static void
test_syntax_errors_give_line_and_column(void **state)
{
	load_err("{\n  \"device\": \"x\",\n  \"runner\": {\"name\": }\n}\n",
	    -EINVAL, "config: line 3, column 22:");
	load_err("{\"device\": \"x\",}", -EINVAL, "line 1, column");
	load_err("", -EINVAL, "line 1, column 0:");
	load_err("{} {}", -EINVAL, "end of file expected");
	load_err("{\"mtu\": 99999999999999999999}", -EINVAL, "too big");
}

static void
test_port_listed_twice(void **state)
{
	load_err("{\"ports\": [\"eth0\", \"eth1\", \"eth0\"]}", -EINVAL,
	    "ports[2]: eth0 is listed twice");
	load_err("{\"ports\": [\"eth0\", {\"name\": \"eth0\"}]}", -EINVAL,
	    "ports[1]: eth0 is listed twice");
	/* in teamd's object form the JSON parser catches it, with a place */
	load_err("{\"ports\": {\"eth0\": {},\n \"eth0\": {}}}", -EINVAL,
	    "line 2, column");
	load_err("{\"ports\": {\"eth0\": {}, \"eth0\": {}}}", -EINVAL,
	    "duplicate object key");
	load_err("{\"ports\": [\"a0\"], \"ports\": [\"a1\"]}", -EINVAL,
	    "duplicate object key");
}

static void
test_profile_limits(void **state)
{
	struct nic_caps caps = all_caps();
	char text[1024];
	size_t n;

	caps.max_ports_per_lag = 2;
	load_err_caps("{\"ports\": [\"a0\", \"a1\", \"a2\"]}", &caps, -ENOSPC,
	    "ports: 3 ports exceed the limit max_ports_per_lag=2");
	load_err_caps("{\"ports\": {\"a0\": {}, \"a1\": {}, \"a2\": {}}}",
	    &caps, -ENOSPC, "max_ports_per_lag=2");
	load_caps("{\"ports\": [\"a0\", \"a1\"]}", &caps);
	caps = all_caps();
	n = (size_t)snprintf(text, sizeof(text), "{\"ports\": [");
	for (unsigned i = 0; i <= NIC_PORTS_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s\"p%u\"",
		    i ? ", " : "", i);
	snprintf(text + n, sizeof(text) - n, "]}");
	load_err_caps(text, &caps, -ENOSPC, "17 ports exceed the limit "
	    "max_ports_per_lag=16");
	caps.hash_policies &= ~(1u << LAG_HASH_ENCAP23);
	load_err_caps("{\"xmit_hash_policy\": \"encap2+3\"}", &caps,
	    -EOPNOTSUPP, "xmit_hash_policy encap2+3: not supported by this "
	    "device's profile");
}

static void
test_file(void **state)
{
	char path[] = "/tmp/test_ctl_config_XXXXXX";
	struct nic_caps caps = all_caps();
	struct nic_config cfg;
	struct nic_err err = { 0 };
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("{\n  \"runner\": {\"name\": \"activebackup\"},\n"
	    "  \"ports\": {\"eth1\": {}}\n}\n", f);
	fclose(f);
	assert_int_equal(ctl_config_load_file(path, &caps, &cfg, &err), 0);
	assert_int_equal(cfg.lag.mode, LAG_MODE_ACTIVE_BACKUP);

	f = fopen(path, "w");
	fputs("{\n  \"runner\": {\"name\": \"activebackup\"},\n"
	    "  \"bond\": {\"miimon\": \"x\"}\n}\n", f);
	fclose(f);
	assert_int_equal(ctl_config_load_file(path, &caps, &cfg, &err),
	    -EINVAL);
	assert_true(strncmp(err.msg, path, strlen(path)) == 0);
	assert_non_null(strstr(err.msg, ": bond.miimon: 'x' out of range"));

	f = fopen(path, "w");
	fputs("{\n  \"runner\": {\"name\": \"activebackup\"\n}\n", f);
	fclose(f);
	assert_int_equal(ctl_config_load_file(path, &caps, &cfg, &err),
	    -EINVAL);
	assert_non_null(strstr(err.msg, ": line 4, column"));
	unlink(path);

	assert_int_equal(ctl_config_load_file(path, &caps, &cfg, &err),
	    -ENOENT);
	assert_non_null(strstr(err.msg, "No such file"));
}

/* ---- lagnic's "vfs" section ---- */

static void
test_vfs(void **state)
{
	struct nic_config cfg = load("{\"device\": \"lag0\", \"vfs\": ["
	    "{\"vf\": 0, \"mac\": \"02:00:00:00:0f:00\", \"vlan\": 10, "
	    "\"qos\": 2, \"spoofchk\": false, \"trust\": \"on\", "
	    "\"state\": \"enable\", \"max_tx_rate\": 100, "
	    "\"min_tx_rate\": 10}, {\"vf\": 3, \"name\": \"vm3\"}]}");

	assert_int_equal(cfg.nvfs, 2);
	assert_int_equal(cfg.vfs[0].vf, 0);
	assert_string_equal(cfg.vfs[0].ifname, "lagvf0");
	assert_memory_equal(cfg.vfs[0].esw.mac,
	    ((uint8_t[]){ 2, 0, 0, 0, 0xf, 0 }), 6);
	assert_int_equal(cfg.vfs[0].esw.vlan, 10);
	assert_int_equal(cfg.vfs[0].esw.qos, 2);
	assert_false(cfg.vfs[0].esw.spoofchk);
	assert_true(cfg.vfs[0].esw.trust);
	assert_int_equal(cfg.vfs[0].esw.link_state, ESW_LINK_ENABLE);
	assert_int_equal(cfg.vfs[0].max_tx_rate, 100);
	assert_int_equal(cfg.vfs[0].min_tx_rate, 10);
	/* defaults: ip link's */
	assert_int_equal(cfg.vfs[1].vf, 3);
	assert_string_equal(cfg.vfs[1].ifname, "vm3");
	assert_true(cfg.vfs[1].esw.spoofchk);
	assert_false(cfg.vfs[1].esw.trust);
	assert_int_equal(cfg.vfs[1].esw.link_state, ESW_LINK_AUTO);
	assert_round_trip(&cfg);
}

static void
test_vfs_errors(void **state)
{
	struct nic_caps caps = all_caps();

	load_err("{\"vfs\": {}}", -EINVAL, "vfs: an array of VFs");
	load_err("{\"vfs\": [{\"mac\": \"02:00:00:00:00:01\"}]}", -EINVAL,
	    "vfs[0]: a VF is an object with \"vf\"");
	load_err("{\"vfs\": [{\"vf\": 1, \"mac\": \"01:00:00:00:00:01\"}]}",
	    -EINVAL, "vf 1: mac '01:00:00:00:00:01': a group address");
	load_err("{\"vfs\": [{\"vf\": 1, \"vlan\": 4096}]}", -EINVAL,
	    "vf 1: vlan '4096'");
	load_err("{\"vfs\": [{\"vf\": 1, \"colour\": \"red\"}]}", -EINVAL,
	    "vf 1: unknown setting 'colour'");
	load_err("{\"vfs\": [{\"vf\": 1, \"trust\": [1]}]}", -EINVAL,
	    "vfs[0].trust: a string, a number or a boolean");
	load_err("{\"vfs\": [{\"vf\": 1}, {\"vf\": 1}]}", -EEXIST,
	    "vf 1: exists");
	load_err("{\"vfs\": [{\"vf\": 1, \"mac\": \"02:00:00:00:00:01\"}, "
	    "{\"vf\": 2, \"mac\": \"02:00:00:00:00:01\"}]}", -EEXIST,
	    "vf 2: mac is vf 1's already");
	load_err("{\"vfs\": [{\"vf\": 1, \"max_tx_rate\": 10, "
	    "\"min_tx_rate\": 20}]}", -EINVAL, "min_tx_rate 20 exceeds");
	caps.max_vfs = 2;
	load_err_caps("{\"vfs\": [{\"vf\": 2}]}", &caps, -ERANGE,
	    "vf 2: beyond the limit max_vfs=2");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_teamd_roundrobin),
		cmocka_unit_test(test_teamd_random),
		cmocka_unit_test(test_teamd_activebackup_prio_sticky),
		cmocka_unit_test(test_teamd_activebackup_hwaddr_and_ties),
		cmocka_unit_test(test_teamd_loadbalance_tx_hash),
		cmocka_unit_test(test_teamd_broadcast_and_notify),
		cmocka_unit_test(test_teamd_lacp_ports),
		cmocka_unit_test(test_teamd_lacp_runner),
		cmocka_unit_test(test_bonding_lacp),
		cmocka_unit_test(test_teamd_lacp_runner_mode),
		cmocka_unit_test(test_teamd_link_watchers),
		cmocka_unit_test(test_teamd_refused_keys),
		cmocka_unit_test(test_bonding_style),
		cmocka_unit_test(test_bonding_style_errors),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_lagnic_key_errors),
		cmocka_unit_test(test_syntax_errors_give_line_and_column),
		cmocka_unit_test(test_port_listed_twice),
		cmocka_unit_test(test_profile_limits),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_vfs),
		cmocka_unit_test(test_vfs_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
