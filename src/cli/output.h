/*
 * lagnicctl's output: text for people, JSON (-j) for programs, one ops
 * table each (as bgpctl picks its output), so every command prints
 * through the same few entry points.
 */
#ifndef LAGNIC_CLI_OUTPUT_H
#define LAGNIC_CLI_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

struct out_ops {
	const char *name;
	void (*show)(FILE *f, const json_t *result);
	void (*counters)(FILE *f, const json_t *result);
	void (*config)(FILE *f, const json_t *result);
	void (*caps)(FILE *f, const json_t *result);
	void (*rdma)(FILE *f, const json_t *result);
	/* One monitor event, on one line. */
	void (*event)(FILE *f, const json_t *ev);
};

extern const struct out_ops out_text;
extern const struct out_ops out_json;

#endif
