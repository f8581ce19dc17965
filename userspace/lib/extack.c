// SPDX-License-Identifier: GPL-2.0
/* Reading NLMSG_ERROR and its extended ack (see extack.h). */
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>

#include "extack.h"

char v6fix_extack[256];

int v6fix_nlerr_parse(const struct nlmsghdr *nlh, size_t len, const char **msg)
{
	const struct nlmsgerr *err;
	const unsigned char *p, *end;
	size_t off;

	*msg = NULL;
	if (len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len ||
	    nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*err)))
		return -EBADMSG;
	err = (const struct nlmsgerr *)NLMSG_DATA(nlh);
	if (err->error > 0 || err->error < -4095)
		return -EBADMSG;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return err->error;

	/*
	 * The TLVs follow the quoted request: its header only when the kernel
	 * capped the quote, the whole request otherwise.
	 */
	off = NLMSG_HDRLEN + sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < NLMSG_HDRLEN)
			return -EBADMSG;
		off += NLMSG_ALIGN(err->msg.nlmsg_len) - NLMSG_HDRLEN;
	}
	if (off > nlh->nlmsg_len)
		return -EBADMSG;

	p = (const unsigned char *)nlh + off;
	end = (const unsigned char *)nlh + nlh->nlmsg_len;
	while (end - p >= (ptrdiff_t)sizeof(struct nlattr)) {
		const struct nlattr *a = (const struct nlattr *)p;
		size_t alen = a->nla_len;

		if (alen < sizeof(*a) || alen > (size_t)(end - p))
			return -EBADMSG;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			const char *s = (const char *)(a + 1);
			size_t slen = alen - sizeof(*a);

			/* The text must be NUL-terminated inside the attribute. */
			if (slen > 0 && memchr(s, '\0', slen))
				*msg = s;
		}
		p += NLA_ALIGN(alen);
	}
	return err->error;
}
