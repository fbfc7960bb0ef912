#include "cmicrohttpd.h"

struct MHD_Daemon *tidings_http_start(unsigned int flags, const struct sockaddr *address,
                                      MHD_AccessHandlerCallback handler, void *context,
                                      unsigned int connection_limit, unsigned int connection_timeout_seconds,
                                      size_t connection_memory_limit, unsigned int threads) {
    return MHD_start_daemon(flags, 0, NULL, NULL, handler, context,
                            MHD_OPTION_SOCK_ADDR, address,
                            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
                            MHD_OPTION_THREAD_POOL_SIZE, threads,
                            MHD_OPTION_END);
}

uint16_t tidings_http_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

enum MHD_Result tidings_http_respond(struct MHD_Connection *connection, unsigned int status, const void *body,
                                     size_t length, const char *const *names, const char *const *values,
                                     size_t count) {
    struct MHD_Response *response =
        MHD_create_response_from_buffer(length, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (response == NULL) return MHD_NO;
    for (size_t i = 0; i < count; i++) MHD_add_response_header(response, names[i], values[i]);
    enum MHD_Result result = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return result;
}
