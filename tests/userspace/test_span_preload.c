// SPDX-License-Identifier: GPL-2.0-only
/*
 * libcrosslat-span-preload.so's libc wrappers, on a server of this program's own making
 * (loopback TCP, client and server in one thread): the calls keep libc's results and
 * errno, peeked bytes are not parsed twice, and every way of reading and writing
 * (read, readv, recv, recvmsg, writev, sendmsg, sendfile, shutdown, dup2) is followed.
 * Run it under LD_PRELOAD=.../libcrosslat-span-preload.so; the spans' ground truth is the
 * CROSSLAT_SPAN_LOG file it sets up. TAP-style lines on stdout (tests/userspace/run.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define TP	"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

static int failures;
static char log_path[] = "/tmp/test_span_preload.XXXXXX";

static void result(bool ok, const char *name)
{
	printf("%sok - preload_%s\n", ok ? "" : "not ", name);
	if (!ok)
		failures++;
}

/* A connected pair over loopback TCP: *server as accept4() returned it. */
static int tcp_pair(int *client, int *server)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t len = sizeof(sin);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) || listen(lfd, 4) ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len))
		return -1;
	*client = socket(AF_INET, SOCK_STREAM, 0);
	if (*client < 0 || connect(*client, (struct sockaddr *)&sin, sizeof(sin)))
		return -1;
	*server = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);	/* no address: getsockname */
	close(lfd);
	return *server < 0 ? -1 : 0;
}

static void put(int fd, const char *s)
{
	if (send(fd, s, strlen(s), 0) != (ssize_t)strlen(s))
		result(false, "client_send");
}

/* Reads what the client sent, @n bytes or less, by blocking recv. */
static ssize_t take(int fd, char *buf, size_t n)
{
	return recv(fd, buf, n, 0);
}

/* The log's lines, and whether one has all of @needles (NULL-terminated). */
static int log_has(const char *const *needles)
{
	char line[1024];
	int lines = 0, found = 0, i;
	FILE *f = fopen(log_path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		lines++;
		for (i = 0; needles && needles[i] && strstr(line, needles[i]); i++)
			;
		if (needles && !needles[i])
			found = 1;
	}
	fclose(f);
	return needles ? found : lines;
}

#define HAS(...)	(log_has((const char *const[]){ __VA_ARGS__, NULL }) == 1)

int main(void)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n";
	char buf[4096], body_path[] = "/tmp/test_span_preload.body.XXXXXX";
	struct iovec iov[2];
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 1 };
	int client, srv, file, null_fd, c2, s2;
	const char *preload = getenv("LD_PRELOAD");
	ssize_t n, peeked;

	if (!preload || !strstr(preload, "libcrosslat-span-preload.so")) {
		result(false, "run_under_ld_preload");
		return 1;
	}
	file = mkstemp(log_path);
	if (file < 0)
		return 1;
	close(file);
	setenv("CROSSLAT_SPAN_LOG", log_path, 1);
	if (tcp_pair(&client, &srv)) {
		result(false, "tcp_pair");
		return 1;
	}

	/* libc's results and errno, untouched. */
	fcntl(srv, F_SETFL, O_NONBLOCK);
	errno = 0;
	n = recv(srv, buf, sizeof(buf), 0);
	result(n == -1 && errno == EAGAIN, "nonblocking_recv_eagain");
	fcntl(srv, F_SETFL, 0);
	errno = 0;
	result(read(-1, buf, 1) == -1 && errno == EBADF, "read_ebadf");
	errno = 0;
	result(close(-1) == -1 && errno == EBADF, "close_ebadf");

	/* 1: a head in two parts, peeked first; a response by writev, its body by sendfile. */
	put(client, "GET /peek?x=1 HTTP/1.1\r\ntraceparent: " TP "\r\n");
	peeked = recv(srv, buf, sizeof(buf), MSG_PEEK);
	n = take(srv, buf, sizeof(buf));
	put(client, "\r\n");
	n += take(srv, buf, sizeof(buf));
	result(peeked > 0 && n == peeked + 2, "peek_then_read");
	iov[0] = (struct iovec){ .iov_base = (void *)head, .iov_len = strlen(head) };
	iov[1] = (struct iovec){ .iov_base = "\r\n01234", .iov_len = 7 };
	result(writev(srv, iov, 2) == (ssize_t)strlen(head) + 7 && log_has(NULL) <= 0,
	       "writev_head_body_part_no_span_end_yet");
	file = mkstemp(body_path);
	result(file >= 0 && write(file, "56789", 5) == 5 && !lseek(file, 0, SEEK_SET) &&
	       sendfile(srv, file, NULL, 5) == 5, "sendfile_body_rest");
	close(file);
	unlink(body_path);
	result(HAS("\"name\":\"GET /peek\"", "\"parent_span_id\":\"00f067aa0ba902b7\"",
		   "\"status\":0,") && log_has(NULL) == 1, "span_peek_once_ended_by_sendfile");
	take(client, buf, sizeof(buf));

	/* 2: recvmsg, sendmsg, a 503. */
	put(client, "GET /err HTTP/1.1\r\n\r\n");
	iov[0] = (struct iovec){ .iov_base = buf, .iov_len = sizeof(buf) };
	result(recvmsg(srv, &msg, 0) == 21, "recvmsg");
	iov[0] = (struct iovec){ .iov_base = "HTTP/1.1 503 Unavailable\r\nContent-Length: 0\r\n\r\n",
				 .iov_len = 47 };
	result(sendmsg(srv, &msg, 0) == 47, "sendmsg");
	result(HAS("\"name\":\"GET /err\"", "\"parent_span_id\":\"\"", "\"status\":2,"),
	       "span_503_is_error");
	take(client, buf, sizeof(buf));

	/* 3: readv; dup2() over the connection ends its span. */
	put(client, "GET /dup HTTP/1.1\r\n\r\n");
	iov[0] = (struct iovec){ .iov_base = buf, .iov_len = 5 };
	iov[1] = (struct iovec){ .iov_base = buf + 5, .iov_len = sizeof(buf) - 5 };
	result(readv(srv, iov, 2) == 21, "readv");
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	result(dup2(null_fd, srv) == srv && HAS("\"name\":\"GET /dup\"", "\"status\":0,"),
	       "dup2_ends_span");
	result(write(srv, "HTTP/1.1 200 OK\r\n", 17) == -1 && errno == EBADF,
	       "write_after_dup2_is_libc_s");
	close(srv);
	close(null_fd);
	close(client);

	/* 4: not HTTP, then HTTP on the same connection: given up, no span. */
	if (tcp_pair(&c2, &s2))
		return 1;
	put(c2, "\x16\x03\x01\x02\x05hello");
	n = take(s2, buf, sizeof(buf));
	put(c2, "GET /late HTTP/1.1\r\n\r\n");
	n += take(s2, buf, sizeof(buf));
	result(n == 10 + 22 && !HAS("GET /late"), "not_http_given_up");
	close(s2);
	close(c2);

	/* 5: a response without length, ended by shutdown(SHUT_WR). */
	if (tcp_pair(&c2, &s2))
		return 1;
	put(c2, "GET /old HTTP/1.0\r\n\r\n");
	take(s2, buf, sizeof(buf));
	put(s2, "HTTP/1.0 200 OK\r\n\r\nuntil the end");
	result(!HAS("GET /old"), "until_close_open");
	result(!shutdown(s2, SHUT_WR) && HAS("\"name\":\"GET /old\"", "\"status\":0,"),
	       "shutdown_ends_until_close");
	close(s2);
	close(c2);

	result(log_has(NULL) == 4, "four_spans");
	unlink(log_path);
	return failures ? 1 : 0;
}
