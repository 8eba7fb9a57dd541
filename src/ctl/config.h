/*
 * The configuration file: JSON, loaded into a struct nic_config as a whole
 * or not at all. Three vocabularies are accepted, alone or mixed:
 *
 *  - teamd's (teamd.conf(5)) for the LAG part: "device", "runner",
 *    "link_watch", "notify_peers", "ports" with their per-port keys;
 *  - bonding's option names (the ctl_options table), in a "bond" object or
 *    at the top level;
 *  - lagnic's own keys: "backend", "xdp_mode", "mtu", "pf" and a port's
 *    "backend".
 *
 * A setting given twice (say runner.name and bond.mode) is an error that
 * names both places. Errors name the key path ("runner.tx_hash[2]: unknown
 * value 'foo'"); syntax errors give line and column. The whole result is
 * checked against the capability profile (nic_config_check).
 *
 * How teamd's keys map onto bonding's, and where the mapping is only
 * approximate, is in config.c and docs/config.md.
 */
#ifndef LAGNIC_CTL_CONFIG_H
#define LAGNIC_CTL_CONFIG_H

#include <jansson.h>

#include "daemon/nic.h"

/*
 * Load a file. 0, or -errno with err set: -ENOENT/-EACCES... for a file
 * that cannot be read, -EINVAL for bad JSON or a bad value, -EOPNOTSUPP
 * for what lagnic does not implement, -ENOSPC for a profile limit. *out is
 * only written on success. Messages start with the file's name.
 */
int ctl_config_load_file(const char *path, const struct nic_caps *caps,
    struct nic_config *out, struct nic_err *err);

/* The same from a string; messages start with `label` if not NULL. */
int ctl_config_load_string(const char *text, const char *label,
    const struct nic_caps *caps, struct nic_config *out,
    struct nic_err *err);

/* The same from a parsed document. */
int ctl_config_from_json(const json_t *root, const struct nic_caps *caps,
    struct nic_config *out, struct nic_err *err);

/*
 * The effective configuration in lagnic's own form (device, pf, lagnic's
 * options, "bond" with every bonding option, "ports"); loading it back
 * gives the same struct nic_config. NULL if out of memory.
 */
json_t *ctl_config_to_json(const struct nic_config *cfg);

/* A port's config with the defaults (lacp_prio 255, the NIC's backend). */
void ctl_port_config_init(struct nic_port_config *pc, const char *ifname);

/* An option's value as JSON: integers as numbers, the rest as strings. */
struct ctl_option;
json_t *ctl_option_json(const struct ctl_option *opt,
    const struct nic_config *cfg);

#endif
