/*
 * Classic pcap files (not pcapng) for the RoCEv2 tests: read one whole
 * into memory and walk its records, bounds-checked; write one record by
 * record. Both byte orders and the nanosecond magic are read; files are
 * written little-endian, microseconds, link type Ethernet.
 */
#ifndef LAGNIC_TESTS_ROCE_PCAP_FILE_H
#define LAGNIC_TESTS_ROCE_PCAP_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCAP_LINKTYPE_ETHERNET	1

struct pcap_file {
	uint8_t *data;
	size_t size;
	size_t off;		/* next record */
	bool swapped;		/* written in the other byte order */
	uint32_t linktype;
	unsigned index;		/* records read so far */
};

/* 0, or -errno (-EINVAL: not a classic pcap). */
int pcap_file_open(struct pcap_file *pf, const char *path);
/* The next record: 1 with frame and len, 0 at the end, -EINVAL if cut. */
int pcap_file_next(struct pcap_file *pf, const uint8_t **frame,
    uint32_t *len);
void pcap_file_close(struct pcap_file *pf);

/* A writer: header on open, one record per frame. 0 or -errno. */
int pcap_writer_open(FILE **fp, const char *path);
int pcap_writer_add(FILE *fp, const void *frame, uint32_t len);
int pcap_writer_close(FILE *fp);

#endif
