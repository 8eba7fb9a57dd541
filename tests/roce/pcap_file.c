/* Classic pcap, read and written (tests only). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_file.h"

#define PCAP_MAGIC_USEC		0xa1b2c3d4u
#define PCAP_MAGIC_NSEC		0xa1b23c4du
#define PCAP_HDR_LEN		24
#define PCAP_REC_HDR_LEN	16
#define PCAP_SNAPLEN		65535
#define PCAP_MAX_FILE		(64u << 20)

static uint32_t
get32(const struct pcap_file *pf, size_t off)
{
	const uint8_t *p = pf->data + off;

	if (pf->swapped)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

static int
read_all(const char *path, uint8_t **data, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	long n;
	int err = 0;

	if (!fp)
		return -errno;
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    (unsigned long)n > PCAP_MAX_FILE || fseek(fp, 0, SEEK_SET) != 0) {
		fclose(fp);
		return -EINVAL;
	}
	*data = malloc(n ? (size_t)n : 1);
	if (!*data)
		err = -ENOMEM;
	else if (fread(*data, 1, (size_t)n, fp) != (size_t)n)
		err = -EIO;
	fclose(fp);
	if (err) {
		free(*data);
		return err;
	}
	*size = (size_t)n;
	return 0;
}

static int
parse_header(struct pcap_file *pf)
{
	uint32_t magic;

	if (pf->size < PCAP_HDR_LEN)
		return -EINVAL;
	pf->swapped = false;
	magic = get32(pf, 0);
	if (magic != PCAP_MAGIC_USEC && magic != PCAP_MAGIC_NSEC) {
		pf->swapped = true;
		magic = get32(pf, 0);
		if (magic != PCAP_MAGIC_USEC && magic != PCAP_MAGIC_NSEC)
			return -EINVAL;
	}
	pf->linktype = get32(pf, 20);
	pf->off = PCAP_HDR_LEN;
	pf->index = 0;
	return 0;
}

int
pcap_file_open(struct pcap_file *pf, const char *path)
{
	int err;

	memset(pf, 0, sizeof(*pf));
	err = read_all(path, &pf->data, &pf->size);
	if (err)
		return err;
	err = parse_header(pf);
	if (err) {
		free(pf->data);
		pf->data = NULL;
	}
	return err;
}

int
pcap_file_next(struct pcap_file *pf, const uint8_t **frame, uint32_t *len)
{
	uint32_t incl;

	if (pf->off == pf->size)
		return 0;
	if (pf->size - pf->off < PCAP_REC_HDR_LEN)
		return -EINVAL;
	incl = get32(pf, pf->off + 8);
	if (incl > pf->size - pf->off - PCAP_REC_HDR_LEN)
		return -EINVAL;
	*frame = pf->data + pf->off + PCAP_REC_HDR_LEN;
	*len = incl;
	pf->off += PCAP_REC_HDR_LEN + (size_t)incl;
	pf->index++;
	return 1;
}

void
pcap_file_close(struct pcap_file *pf)
{
	free(pf->data);
	memset(pf, 0, sizeof(*pf));
}

static void
put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

int
pcap_writer_open(FILE **fp, const char *path)
{
	uint8_t h[PCAP_HDR_LEN] = { 0 };

	*fp = fopen(path, "wb");
	if (!*fp)
		return -errno;
	put32le(h, PCAP_MAGIC_USEC);
	h[4] = 2;			/* version 2.4 */
	h[6] = 4;
	put32le(h + 16, PCAP_SNAPLEN);
	put32le(h + 20, PCAP_LINKTYPE_ETHERNET);
	if (fwrite(h, sizeof(h), 1, *fp) != 1) {
		fclose(*fp);
		return -EIO;
	}
	return 0;
}

int
pcap_writer_add(FILE *fp, const void *frame, uint32_t len)
{
	static uint32_t sec = 1700000000;
	uint8_t h[PCAP_REC_HDR_LEN];

	put32le(h, sec++);
	put32le(h + 4, 0);
	put32le(h + 8, len);
	put32le(h + 12, len);
	if (fwrite(h, sizeof(h), 1, fp) != 1 ||
	    (len && fwrite(frame, len, 1, fp) != 1))
		return -EIO;
	return 0;
}

int
pcap_writer_close(FILE *fp)
{
	return fclose(fp) == 0 ? 0 : -errno;
}
