#ifndef TIDINGS_CMICROHTTPD_H
#define TIDINGS_CMICROHTTPD_H
// libmicrohttpd (Debian's libmicrohttpd-dev) for the read-only web server. MHD_start_daemon is variadic, which
// Swift cannot call: tidings_http_start passes the options as one fixed list.
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <microhttpd.h>

struct MHD_Daemon *tidings_http_start(unsigned int flags, const struct sockaddr *address,
                                      MHD_AccessHandlerCallback handler, void *context,
                                      unsigned int connection_limit, unsigned int connection_timeout_seconds,
                                      size_t connection_memory_limit, unsigned int threads);

/// The port the daemon is bound to (for port 0), or 0.
uint16_t tidings_http_port(struct MHD_Daemon *daemon);

/// Queues a copy of `body` with the given status and headers (`names`/`values`, `count` of them).
enum MHD_Result tidings_http_respond(struct MHD_Connection *connection, unsigned int status, const void *body,
                                     size_t length, const char *const *names, const char *const *values,
                                     size_t count);

/// The request header `name`, or NULL.
static inline const char *tidings_http_header(struct MHD_Connection *connection, const char *name) {
    return MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
}

/// The (decoded) query-string argument `name`, or NULL.
static inline const char *tidings_http_argument(struct MHD_Connection *connection, const char *name) {
    return MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, name);
}

static inline enum MHD_Result tidings_http_refuse(void) { return MHD_NO; }
#endif
