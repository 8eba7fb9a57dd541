/*
 * VF settings with the names and meaning of `ip link set DEV vf N ...`
 * (mac, vlan, qos, spoofchk, trust, state, max_tx_rate, min_tx_rate) and
 * lagnic's "name" (the VF's TAP interface). Values are strings as a user
 * types them: "on"/"off", "auto"/"enable"/"disable", Mbit/s, ...
 */
#ifndef LAGNIC_CTL_VF_H
#define LAGNIC_CTL_VF_H

#include <jansson.h>
#include <stdbool.h>

#include "daemon/nic.h"

struct ctl_vf_key {
	const char *name;
	int (*parse)(struct nic_vf_config *vc, const char *value,
	    struct nic_err *err);
	json_t *(*format)(const struct nic_vf_config *vc);
	bool numeric;			/* a number in JSON (config file) */
	const char *desc;
};

extern const struct ctl_vf_key ctl_vf_keys[];
extern const unsigned ctl_vf_nkeys;
/* The keys' names, NULL-terminated (a command's optional fields). */
extern const char *const ctl_vf_key_names[];

const struct ctl_vf_key *ctl_vf_key_find(const char *name);

/* "N" -> *vf; -EINVAL with a message. */
int ctl_vf_number(const char *s, uint32_t *vf, struct nic_err *err);

/* One setting into vc: -EINVAL for an unknown key or a bad value. */
int ctl_vf_parse(struct nic_vf_config *vc, const char *key,
    const char *value, struct nic_err *err);

/* {"vf": N, "name": ..., "mac": ..., ...}; NULL if out of memory. */
json_t *ctl_vf_config_json(const struct nic_vf_config *vc);

/* The config file's "vfs" array at path into cfg->vfs; -EINVAL, -ERANGE. */
int ctl_vf_config_load(const json_t *v, const char *path,
    struct nic_config *cfg, struct nic_err *err);
/* cfg's VFs as that array; NULL if out of memory. */
json_t *ctl_vf_configs_json(const struct nic_config *cfg);

#endif
