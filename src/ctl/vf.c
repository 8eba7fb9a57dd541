/*
 * VF settings by the names of `ip link set DEV vf N ...`: one table of
 * {key, parser, formatter}, shared by the control commands (vf-add,
 * vf-set), the config file's "vfs" section and the JSON of show/config.
 */
#include "ctl/vf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/options.h"
#include "txs/txs.h"

static int
parse_uint(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int
ctl_vf_number(const char *s, uint32_t *vf, struct nic_err *err)
{
	if (parse_uint(s, UINT32_MAX - 1, vf))
		return nic_err_set(err, -EINVAL, "vf: '%s' is not a VF number",
		    s ? s : "");
	return 0;
}

static int
bad(struct nic_err *err, const struct nic_vf_config *vc, const char *key,
    const char *value, const char *want)
{
	return nic_err_set(err, -EINVAL, "vf %u: %s '%s': %s", vc->vf, key,
	    value, want);
}

static int
p_mac(struct nic_vf_config *vc, const char *v, struct nic_err *err)
{
	uint8_t m[ETH_ALEN];
	char tail;

	if (sscanf(v, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%c", &m[0], &m[1],
	    &m[2], &m[3], &m[4], &m[5], &tail) != 6 || strlen(v) != 17)
		return bad(err, vc, "mac", v, "xx:xx:xx:xx:xx:xx");
	if (m[0] & 1)
		return bad(err, vc, "mac", v, "a group address");
	/* zero: none given (a new VF takes its TAP's; set keeps it) */
	memcpy(vc->esw.mac, m, ETH_ALEN);
	return 0;
}

static int
p_vlan(struct nic_vf_config *vc, const char *v, struct nic_err *err)
{
	uint32_t x;

	if (parse_uint(v, NET_VLAN_VID_MAX, &x))
		return bad(err, vc, "vlan", v, "0..4095 (0: none)");
	vc->esw.vlan = (uint16_t)x;
	return 0;
}

static int
p_qos(struct nic_vf_config *vc, const char *v, struct nic_err *err)
{
	uint32_t x;

	if (parse_uint(v, 7, &x))
		return bad(err, vc, "qos", v, "0..7");
	vc->esw.qos = (uint8_t)x;
	return 0;
}

static int
on_off(const char *v, bool *out)
{
	if (strcmp(v, "on") == 0 || strcmp(v, "1") == 0)
		*out = true;
	else if (strcmp(v, "off") == 0 || strcmp(v, "0") == 0)
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static int
p_spoofchk(struct nic_vf_config *vc, const char *v, struct nic_err *err)
{
	return on_off(v, &vc->esw.spoofchk) ?
	    bad(err, vc, "spoofchk", v, "on or off") : 0;
}

static int
p_trust(struct nic_vf_config *vc, const char *v, struct nic_err *err)
{
	return on_off(v, &vc->esw.trust) ?
	    bad(err, vc, "trust", v, "on or off") : 0;
}

static int
p_state(struct nic_vf_config *vc, const char *v, struct nic_err *err)
{
	for (unsigned i = 0; i < ESW_LINK_COUNT; i++)
		if (strcmp(v, esw_link_state_names[i]) == 0) {
			vc->esw.link_state = i;
			return 0;
		}
	return bad(err, vc, "state", v, "auto, enable or disable");
}

static int
p_rate(const char *key, uint32_t *f, struct nic_vf_config *vc, const char *v,
    struct nic_err *err)
{
	uint32_t x;

	if (parse_uint(v, TXS_RATE_MAX, &x))
		return bad(err, vc, key, v, "Mbit/s, 0..1000000 (0: none)");
	*f = x;
	return 0;
}

static int
p_max_tx_rate(struct nic_vf_config *vc, const char *v, struct nic_err *err)
{
	return p_rate("max_tx_rate", &vc->max_tx_rate, vc, v, err);
}

static int
p_min_tx_rate(struct nic_vf_config *vc, const char *v, struct nic_err *err)
{
	return p_rate("min_tx_rate", &vc->min_tx_rate, vc, v, err);
}

static int
p_name(struct nic_vf_config *vc, const char *v, struct nic_err *err)
{
	int e = ctl_ifname_check(v, "name", err);

	if (!e)
		snprintf(vc->ifname, sizeof(vc->ifname), "%s", v);
	return e;
}

static json_t *
f_mac(const struct nic_vf_config *vc)
{
	const uint8_t *m = vc->esw.mac;
	char buf[18];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
	    m[2], m[3], m[4], m[5]);
	return json_string(buf);
}

static json_t *
f_vlan(const struct nic_vf_config *vc)
{
	return json_integer(vc->esw.vlan);
}

static json_t *
f_qos(const struct nic_vf_config *vc)
{
	return json_integer(vc->esw.qos);
}

static json_t *
f_spoofchk(const struct nic_vf_config *vc)
{
	return json_string(vc->esw.spoofchk ? "on" : "off");
}

static json_t *
f_trust(const struct nic_vf_config *vc)
{
	return json_string(vc->esw.trust ? "on" : "off");
}

static json_t *
f_state(const struct nic_vf_config *vc)
{
	return json_string(esw_link_state_names[vc->esw.link_state]);
}

static json_t *
f_max_tx_rate(const struct nic_vf_config *vc)
{
	return json_integer(vc->max_tx_rate);
}

static json_t *
f_min_tx_rate(const struct nic_vf_config *vc)
{
	return json_integer(vc->min_tx_rate);
}

static json_t *
f_name(const struct nic_vf_config *vc)
{
	return json_string(vc->ifname);
}

/* In the order of show and config. */
const struct ctl_vf_key ctl_vf_keys[] = {
	{ "name", p_name, f_name, false, "its TAP interface (lagvfN)" },
	{ "mac", p_mac, f_mac, false, "its MAC (zero, default: the TAP's)" },
	{ "vlan", p_vlan, f_vlan, true, "port VLAN, 0: none" },
	{ "qos", p_qos, f_qos, true, "802.1p priority of the port VLAN" },
	{ "spoofchk", p_spoofchk, f_spoofchk, false, "source check, on" },
	{ "trust", p_trust, f_trust, false, "trusted, off" },
	{ "state", p_state, f_state, false, "link: auto, enable, disable" },
	{ "max_tx_rate", p_max_tx_rate, f_max_tx_rate, true, "Mbit/s, 0" },
	{ "min_tx_rate", p_min_tx_rate, f_min_tx_rate, true, "Mbit/s, 0" },
};
const unsigned ctl_vf_nkeys = ARRAY_SIZE(ctl_vf_keys);

const char *const ctl_vf_key_names[] = {
	"name", "mac", "vlan", "qos", "spoofchk", "trust", "state",
	"max_tx_rate", "min_tx_rate", NULL,
};
static_assert(ARRAY_SIZE(ctl_vf_key_names) == ARRAY_SIZE(ctl_vf_keys) + 1,
    "vf key names");

const struct ctl_vf_key *
ctl_vf_key_find(const char *name)
{
	for (unsigned i = 0; i < ctl_vf_nkeys; i++)
		if (strcmp(ctl_vf_keys[i].name, name) == 0)
			return &ctl_vf_keys[i];
	return NULL;
}

int
ctl_vf_parse(struct nic_vf_config *vc, const char *key, const char *value,
    struct nic_err *err)
{
	const struct ctl_vf_key *k = ctl_vf_key_find(key);

	if (!k)
		return nic_err_set(err, -EINVAL, "vf %u: unknown setting '%s'",
		    vc->vf, key);
	return k->parse(vc, value ? value : "", err);
}

json_t *
ctl_vf_config_json(const struct nic_vf_config *vc)
{
	json_t *j = json_pack("{s:i}", "vf", (int)vc->vf);

	for (unsigned i = 0; j && i < ctl_vf_nkeys; i++)
		if (json_object_set_new(j, ctl_vf_keys[i].name,
		    ctl_vf_keys[i].format(vc))) {
			json_decref(j);
			return NULL;
		}
	return j;
}

/* ---- the config file's "vfs": [{"vf": N, "mac": ..., ...}, ...] ---- */

/* A value as a user would type it: numbers in decimal, true/false as
 * on/off. */
static int
value_text(const json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v) && json_integer_value(v) >= 0)
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "on" : "off");
	else
		return -EINVAL;
	return 0;
}

static int
vf_item(const json_t *item, const char *path, struct nic_vf_config *vc,
    struct nic_err *err)
{
	const json_t *n = json_object_get(item, "vf");
	const char *key;
	char buf[64];
	json_t *v;
	int e;

	if (!json_is_object(item) || !json_is_integer(n) ||
	    json_integer_value(n) < 0 || json_integer_value(n) > UINT32_MAX)
		return nic_err_set(err, -EINVAL, "%s: a VF is an object with "
		    "\"vf\": its number", path);
	nic_vf_config_default(vc, (uint32_t)json_integer_value(n));
	json_object_foreach((json_t *)item, key, v) {
		if (strcmp(key, "vf") == 0)
			continue;
		if (value_text(v, buf, sizeof(buf)))
			return nic_err_set(err, -EINVAL, "%s.%s: a string, a "
			    "number or a boolean", path, key);
		e = ctl_vf_parse(vc, key, buf, err);
		if (e)
			return e;
	}
	return 0;
}

int
ctl_vf_config_load(const json_t *v, const char *path, struct nic_config *cfg,
    struct nic_err *err)
{
	char sub[96];
	json_t *item;
	size_t i;
	int e;

	if (!json_is_array(v))
		return nic_err_set(err, -EINVAL, "%s: an array of VFs", path);
	if (json_array_size(v) > NIC_VFS_MAX)
		return nic_err_set(err, -ERANGE, "%s: %zu VFs exceed the "
		    "limit of %u", path, json_array_size(v), NIC_VFS_MAX);
	cfg->nvfs = 0;
	json_array_foreach(v, i, item) {
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		e = vf_item(item, sub, &cfg->vfs[cfg->nvfs], err);
		if (e)
			return e;
		cfg->nvfs++;
	}
	return 0;
}

json_t *
ctl_vf_configs_json(const struct nic_config *cfg)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < cfg->nvfs; i++)
		if (json_array_append_new(a, ctl_vf_config_json(&cfg->vfs[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}
