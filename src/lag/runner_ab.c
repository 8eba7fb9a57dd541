/*
 * active-backup: one member (the active one) collects and distributes;
 * the others wait. Selection follows bonding:
 *  - no active member: the primary if its link is up, else the first
 *    member (in the order added) whose link is up;
 *  - the active member is up and the primary comes (back) up:
 *    primary_reselect=always switches to it, better switches only if the
 *    primary is faster (port speeds are not known yet: equal, so it stays),
 *    failure stays until the active member fails.
 *  - when the primary is added to the LAG it is made active at once,
 *    whatever primary_reselect says.
 * fail_over_mac: none gives every member the LAG's MAC; active makes the
 * LAG's MAC the active member's; follow gives the LAG's MAC to the active
 * member only, the others keep their own.
 */
#include <string.h>

#include "lag/runner.h"
#include "lib/log.h"

struct ab_member {
	bool just_added;	/* link not seen up since lag_member_add */
};

static struct lag_member *
ab_primary(struct lag *lag)
{
	if (!lag->opt.primary[0])
		return NULL;
	return lag_member_find(lag, lag->opt.primary);
}

static struct lag_member *
ab_first_up(struct lag *lag)
{
	for (unsigned i = 0; i < lag->nmembers; i++)
		if (lag_member_link_up(lag->members[i]))
			return lag->members[i];
	return NULL;
}

static struct lag_member *
ab_select(struct lag *lag)
{
	struct lag_member *cur = lag->active;
	struct lag_member *primary = ab_primary(lag);
	bool primary_up = primary && lag_member_link_up(primary);

	if (!cur || !lag_member_link_up(cur))
		return primary_up ? primary : ab_first_up(lag);
	if (!primary_up || primary == cur)
		return cur;
	if (lag->opt.primary_reselect == LAG_RESELECT_ALWAYS ||
	    ((struct ab_member *)primary->runner_priv)->just_added)
		return primary;
	return cur;
}

static void
ab_mac_set(struct port *port, const uint8_t *mac)
{
	int err = port_mac_set(port, mac);

	if (err)
		log_warn("%s: cannot set MAC: %s", port->name, strerror(-err));
}

static void
ab_fail_over_mac(struct lag *lag, struct lag_member *old,
    struct lag_member *new)
{
	switch (lag->opt.fail_over_mac) {
	case LAG_FOM_ACTIVE:
		if (new)
			memcpy(lag->mac, new->port->mac, ETH_ALEN_);
		break;
	case LAG_FOM_FOLLOW:
		if (old)
			ab_mac_set(old->port, old->port->perm_mac);
		if (new)
			ab_mac_set(new->port, lag->mac);
		break;
	case LAG_FOM_NONE:
	case LAG_FOM_COUNT:
		break;
	}
}

static void
ab_reselect(struct lag *lag)
{
	struct lag_member *old = lag->active;
	struct lag_member *new = ab_select(lag);

	if (new == old && (!old || old->distributing))
		return;
	if (old)
		old->collecting = old->distributing = false;
	if (new)
		new->collecting = new->distributing = true;
	if (new != old)
		ab_fail_over_mac(lag, old, new);
	lag_lanes_update(lag);
	lag_set_active(lag, new);
}

static int
ab_member_add(struct lag *lag, struct lag_member *m)
{
	((struct ab_member *)m->runner_priv)->just_added = true;
	if (lag->opt.fail_over_mac == LAG_FOM_NONE)
		return port_mac_set(m->port, lag->mac);
	return 0;
}

static void
ab_member_del(struct lag *lag, struct lag_member *m)
{
	if (lag->opt.fail_over_mac != LAG_FOM_ACTIVE)
		ab_mac_set(m->port, m->port->perm_mac);
	if (lag->active == m) {
		m->collecting = m->distributing = false;
		lag->active = NULL;
		ab_reselect(lag);
	}
}

static void
ab_link_changed(struct lag *lag, struct lag_member *m)
{
	ab_reselect(lag);
	if (lag_member_link_up(m))
		((struct ab_member *)m->runner_priv)->just_added = false;
}

/* primary or primary_reselect may have changed */
static void
ab_options_changed(struct lag *lag)
{
	ab_reselect(lag);
}

const struct lag_runner lag_runner_activebackup = {
	.name = "active-backup",
	.mode = LAG_MODE_ACTIVE_BACKUP,
	.member_priv_size = sizeof(struct ab_member),
	.member_add = ab_member_add,
	.member_del = ab_member_del,
	.link_changed = ab_link_changed,
	.options_changed = ab_options_changed,
};
