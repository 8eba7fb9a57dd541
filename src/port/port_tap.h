/*
 * The "tap" port backend: a TAP interface that a function (the PF, later
 * the VFs) presents to the host or to a VM. lagnicd creates it (or attaches
 * to an existing persistent one) and sets its carrier; the host owns its
 * addresses and admin state.
 *
 * Frames go through io_uring in batches (one system call a burst); where
 * io_uring cannot be used (seccomp, kernel.io_uring_disabled, an older
 * kernel), or with LAGNIC_TAP_NO_URING set in the environment (tests of
 * that path), one read()/write() a frame, as the log says at open.
 */
#ifndef LAGNIC_PORT_PORT_TAP_H
#define LAGNIC_PORT_PORT_TAP_H

#include <stdbool.h>

#include "port/port.h"

/* TUNSETCARRIER: what the host sees as the interface's carrier. */
int port_tap_set_carrier(struct port *port, bool up);

/* SIOCSIFHWADDR on the TAP's own fd: works wherever the interface is,
 * also after a user moved it to another network namespace. */
int port_tap_set_mac(struct port *port, const uint8_t mac[ETH_ALEN_]);

#endif
