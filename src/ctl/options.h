/*
 * The options of a NIC by name, as Linux bonding names them (mode, miimon,
 * xmit_hash_policy, lacp_rate, ...) plus lagnic's own (backend, xdp_mode,
 * mtu). One table, ctl_options[], is the only place that knows how a name
 * maps to a field of struct nic_config, which values it takes and how it
 * reads back: the config file, `lagnicctl option set` and the state
 * rendering all go through it.
 *
 * Values are strings, as in bonding's sysfs files: a name ("802.3ad"),
 * bonding's number for it where bonding has one ("4"), an integer, an
 * interface name, a MAC address, or a list of IP addresses separated by
 * commas (arp_ip_target, ns_ip6_target; "" for none) where, as in
 * bonding's sysfs files, "+ADDR" adds one and "-ADDR" removes one. An option bonding has that lagnic does
 * not implement yet is refused with -EOPNOTSUPP ("not supported"), never
 * accepted and ignored; a value out of range is refused with -EINVAL and a
 * message that lists what is allowed.
 */
#ifndef LAGNIC_CTL_OPTIONS_H
#define LAGNIC_CTL_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/nic.h"

enum ctl_opt_type {
	CTL_OPT_ENUM,		/* a name from a table (or its number) */
	CTL_OPT_U32,		/* uint32_t in [min, max] */
	CTL_OPT_U16,		/* uint16_t in [min, max] */
	CTL_OPT_BOOL,		/* off/on, 0/1 */
	CTL_OPT_IFNAME,		/* an interface name, "" for none */
	CTL_OPT_BACKEND,	/* a member port backend */
	CTL_OPT_MAC,		/* xx:xx:xx:xx:xx:xx */
	CTL_OPT_IPV4_LIST,	/* a,b,... (struct lag_ipv4_targets) */
	CTL_OPT_IPV6_LIST,	/* a,b,... (struct lag_ipv6_targets) */
	CTL_OPT_TYPE_COUNT
};
extern const char *const ctl_opt_type_names[];

struct ctl_option {
	const char *name;		/* bonding's name */
	enum ctl_opt_type type;
	size_t off;			/* the field in struct nic_config */
	size_t size;			/* its size, checked against the type */
	uint32_t min, max;		/* U32, U16 */
	const char *const *names;	/* ENUM: names by value */
	unsigned nnames;		/* ENUM: values 0..nnames-1 implemented */
	/* ENUM with numeric: values below it go by number too (0: nnames);
	 * lagnic's values past bonding's go by name only */
	unsigned nnumeric;
	/* ENUM: bonding's further values, numbered from nnumeric (or
	 * nnames) on, that lagnic does not implement yet (-EOPNOTSUPP). */
	const char *const *unsupported;
	bool numeric;			/* ENUM: bonding's numbers accepted */
	bool lagnic;			/* lagnic's own, not bonding's */
	const char *unit;		/* "ms", or NULL */
	const char *desc;
};

#define CTL_OPTIONS_MAX	48
/* room for an option's value as text (16 IPv6 addresses, commas) */
#define CTL_OPTION_LIST_LEN	(16 * 46 + 1)

extern const struct ctl_option ctl_options[];
extern const unsigned ctl_options_count;

/* Bonding options lagnic does not implement yet, and why. */
struct ctl_unsupported {
	const char *name;
	const char *why;
};
extern const struct ctl_unsupported ctl_unsupported_options[];
extern const unsigned ctl_unsupported_count;

/* NULL if name is not an option (supported or not). */
const struct ctl_option *ctl_option_find(const char *name);
const struct ctl_unsupported *ctl_option_unsupported(const char *name);

/*
 * Set option `name` of cfg to `value`. 0, or: -ENOENT for an unknown name,
 * -EOPNOTSUPP for an option or value not implemented, -EINVAL for a bad
 * value. cfg is only changed on success. Messages start with the name.
 */
int ctl_option_set(struct nic_config *cfg, const char *name,
    const char *value, struct nic_err *err);

/* The same with one row; messages start with `label` (a key path). */
int ctl_option_parse(const struct ctl_option *opt, struct nic_config *cfg,
    const char *value, const char *label, struct nic_err *err);

/*
 * The value as a string that ctl_option_set takes back. 0, -ENOENT for an
 * unknown name, -ENOSPC if buf is too small.
 */
int ctl_option_get(const struct nic_config *cfg, const char *name,
    char *buf, size_t len);
int ctl_option_format(const struct ctl_option *opt,
    const struct nic_config *cfg, char *buf, size_t len);

/* For typed output (JSON): an integer option's value, a bool option's. */
uint64_t ctl_option_uint(const struct ctl_option *opt,
    const struct nic_config *cfg);
bool ctl_option_bool(const struct ctl_option *opt,
    const struct nic_config *cfg);

/* "a, b or c" of an ENUM's names, for messages and help. */
void ctl_option_values(const struct ctl_option *opt, char *buf, size_t len);

/* Backends a member port may use (not "tap", which is a function's). */
bool ctl_backend_valid(const char *name);
int ctl_ifname_check(const char *name, const char *label,
    struct nic_err *err);

#endif
