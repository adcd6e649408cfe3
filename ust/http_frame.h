/* SPDX-License-Identifier: GPL-2.0-only */
/* Streaming HTTP/1.x framing of one server connection: requests read, responses written. */
#ifndef _CROSSLAT_HTTP_FRAME_H
#define _CROSSLAT_HTTP_FRAME_H

/*
 * Bytes are fed as the server reads and writes them, split anywhere; nothing is buffered
 * but a few fields of the message being parsed (768 bytes a connection). What is there of
 * a head is taken a line at a time: start lines in one go, field lines whose first byte
 * begins no name followed (Content-Length, Transfer-Encoding, traceparent) skipped to their
 * end by memchr; only a line split where it could not yet be told is read byte by byte.
 * Bodies are skipped by count, a chunked one a chunk at a time. Requests are
 * answered in order, so the connection keeps the requests read ahead of their responses
 * (pipelining) in a queue, and calls ops->begin for the oldest one when its head has been
 * read (or, for a pipelined one, when the response before it has been written) and
 * ops->end when its final response has been written completely: begin and end alternate.
 *
 * A response's end is where its body ends: after the head for HEAD requests, 1xx (but 101),
 * 204 and 304; after Content-Length bytes; after the chunked body's last chunk and
 * trailers; else at the close of the connection (http_conn_close). A connection that stops
 * being HTTP/1.x (see enum http_dead) is given up: the span open, if any, ends with
 * http_status 0 and the caller may forget the connection once http_conn_done().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "crosslat_span.h"

#define HTTP_HEAD_MAX		16384	/* longest head (start line and fields) followed */
#define HTTP_PIPELINE_MAX	8	/* requests read ahead of their responses */
#define HTTP_VALUE_MAX		64	/* bytes kept of a traceparent value */

/* A request whose head has been read. */
struct http_request {
	char name[CROSSLAT_SPAN_NAME_SIZE];	/* "METHOD /path": no query, truncated */
	uint8_t trace_id[CROSSLAT_TRACE_ID_SIZE];
	uint8_t parent_span_id[CROSSLAT_SPAN_ID_SIZE];
	bool has_parent;	/* it carried one valid traceparent field */
	bool head;		/* HEAD: the response has no body */
	bool connect;		/* CONNECT: a 2xx response makes the connection a tunnel */
};

/* Why a connection was given up. */
enum http_dead {
	HTTP_ALIVE,
	HTTP_DEAD_NOT_HTTP,	/* bytes that are no HTTP/1.x message, or a framing error */
	HTTP_DEAD_HEAD_TOO_LONG,	/* a head (or trailer) longer than HTTP_HEAD_MAX */
	HTTP_DEAD_PIPELINE,	/* more than HTTP_PIPELINE_MAX requests read ahead */
	HTTP_DEAD_UPGRADE,	/* 101 Switching Protocols, or a CONNECT tunnel */
	HTTP_DEAD_OPAQUE,	/* bytes sent unseen (sendfile) where a head was due */
	HTTP_DEAD_CLOSED,	/* the server closed the connection (or shut its side) */
	HTTP_DEAD_COUNT
};

/* "not_http", "head_too_long", ...: the enum's names, lowercase, without HTTP_DEAD_. */
const char *http_dead_name(unsigned int why);

/* One direction's parser state (private to http_frame.c). */
struct http_stream {
	uint8_t state;
	uint8_t part;		/* start line: which token */
	uint8_t field;		/* the known field being read, or none */
	uint8_t cand;		/* known field names still matching the name read so far */
	uint8_t dead;		/* enum http_dead */
	uint8_t tp_count;	/* traceparent fields in this head */
	uint8_t tp_len;		/* bytes kept in tp (the value may be longer: tp_long) */
	bool tp_long;
	bool has_cl, bad_cl, te, chunked, head, connect;
	uint8_t te_len;		/* bytes of te_tail in use */
	uint8_t name_len;
	uint16_t pos;		/* position in the token being read */
	uint16_t status;
	uint32_t head_len;	/* bytes of the head (or trailer) so far */
	uint64_t cl;		/* Content-Length being read */
	uint64_t left;		/* body: bytes left of the content or of the chunk */
	char te_tail[8];	/* the last bytes of a Transfer-Encoding value, lowercased */
	/* Last: kept up to their lengths, and not cleared from one message to the next. */
	char tp[HTTP_VALUE_MAX];
	char name[CROSSLAT_SPAN_NAME_SIZE];
};

struct http_conn {
	struct http_stream in;		/* requests, as the server reads them */
	struct http_stream out;		/* responses, as the server writes them */
	struct http_request queue[HTTP_PIPELINE_MAX];
	uint8_t first;			/* queue[first] is the request being answered */
	uint8_t count;			/* requests queued; queue[first] has begun */
	uint8_t dead;			/* enum http_dead: the first reason */
};

struct http_conn_ops {
	void (*begin)(void *ctx, const struct http_request *req);
	/* The request ops->begin announced is over: its final response's status, or 0. */
	void (*end)(void *ctx, int http_status);
};

void http_conn_init(struct http_conn *c);

/* The server read @len bytes of @buf from the connection. */
void http_conn_recv(struct http_conn *c, const void *buf, size_t len,
		    const struct http_conn_ops *ops, void *ctx);

/* The server wrote @len bytes of @buf to the connection. */
void http_conn_send(struct http_conn *c, const void *buf, size_t len,
		    const struct http_conn_ops *ops, void *ctx);

/* The server wrote @len bytes that cannot be seen (sendfile): body bytes, presumably. */
void http_conn_send_opaque(struct http_conn *c, size_t len, const struct http_conn_ops *ops,
			   void *ctx);

/* The server will write no more (shutdown, close): a body until close ends here. */
void http_conn_close(struct http_conn *c, const struct http_conn_ops *ops, void *ctx);

/* True once nothing more can happen on the connection: the caller may forget it. */
static inline bool http_conn_done(const struct http_conn *c)
{
	return c->dead && !c->count;
}

#endif /* _CROSSLAT_HTTP_FRAME_H */
