// Typed, non-variadic wrappers over libmicrohttpd's variadic calls, which Swift cannot import.
#ifndef GATEWATCH_CMHD_SHIM_H
#define GATEWATCH_CMHD_SHIM_H
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// Starts a daemon listening on an already bound, listening socket, with the limits gatewatch uses.
/// `flags` are MHD_FLAG bits; the handler and completion callbacks receive `cls`.
static inline struct MHD_Daemon *gw_mhd_start(unsigned int flags,
                                              int listen_fd,
                                              MHD_AccessHandlerCallback handler, void *cls,
                                              MHD_RequestCompletedCallback completed, void *completed_cls,
                                              unsigned int thread_pool_size,
                                              unsigned int connection_limit,
                                              unsigned int connection_timeout_seconds,
                                              size_t memory_limit) {
    return MHD_start_daemon(flags, 0, NULL, NULL, handler, cls,
                            MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                            MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
                            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
                            MHD_OPTION_END);
}

/// As gw_mhd_start, serving HTTPS with the PEM certificate and key held in memory.
static inline struct MHD_Daemon *gw_mhd_start_tls(unsigned int flags,
                                                  int listen_fd,
                                                  MHD_AccessHandlerCallback handler, void *cls,
                                                  MHD_RequestCompletedCallback completed, void *completed_cls,
                                                  unsigned int thread_pool_size,
                                                  unsigned int connection_limit,
                                                  unsigned int connection_timeout_seconds,
                                                  size_t memory_limit,
                                                  const char *cert_pem, const char *key_pem) {
    return MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, handler, cls,
                            MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                            MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
                            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
                            MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
                            MHD_OPTION_HTTPS_MEM_KEY, key_pem,
                            MHD_OPTION_END);
}

/// The number of currently open connections of a daemon.
static inline unsigned int gw_mhd_current_connections(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info ? info->num_connections : 0;
}

/// The peer address of a connection, or NULL.
static inline const struct sockaddr *gw_mhd_client_addr(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info ? info->client_addr : NULL;
}

/// The raw socket of a connection (-1 when unknown), used to drop a connection on purpose.
static inline int gw_mhd_connection_fd(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info ? (int)info->connect_fd : -1;
}

/// Overrides the idle timeout of one connection (seconds).
static inline enum MHD_Result gw_mhd_set_connection_timeout(struct MHD_Connection *c, unsigned int seconds) {
    return MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, seconds);
}

#endif
