// Typed, non-variadic wrappers over libmicrohttpd's variadic calls, which Swift cannot import.
#ifndef GATEWATCH_CMHD_SHIM_H
#define GATEWATCH_CMHD_SHIM_H
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <gnutls/gnutls.h>

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

/// Connection notification used when client certificates are required: as soon as MHD has
/// created a connection's GnuTLS session, ask for a client certificate, fail the handshake
/// when none is sent, and verify it against the trust list (MHD_OPTION_HTTPS_MEM_TRUST).
static inline void gw_mhd_notify_require_client_cert(void *cls, struct MHD_Connection *c,
                                                     void **socket_context,
                                                     enum MHD_ConnectionNotificationCode toe) {
    (void)cls; (void)socket_context;
    if (toe != MHD_CONNECTION_NOTIFY_STARTED) return;
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (info == NULL || info->tls_session == NULL) return;
    gnutls_session_t session = (gnutls_session_t)info->tls_session;
    gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE);
    gnutls_session_set_verify_cert(session, NULL, 0);
}

/// Starts a daemon on an already bound, listening socket. `cert_pem`/`key_pem` NULL: plain
/// HTTP; otherwise HTTPS. `trust_pem` non-NULL: client certificates are required and must
/// chain to it. The PEM strings are read during this call only.
static inline struct MHD_Daemon *gw_mhd_start_ex(unsigned int flags,
                                                 int listen_fd,
                                                 MHD_AccessHandlerCallback handler, void *cls,
                                                 MHD_RequestCompletedCallback completed, void *completed_cls,
                                                 unsigned int thread_pool_size,
                                                 unsigned int connection_limit,
                                                 unsigned int connection_timeout_seconds,
                                                 size_t memory_limit,
                                                 const char *cert_pem, const char *key_pem,
                                                 const char *trust_pem) {
    if (cert_pem == NULL || key_pem == NULL) {
        return gw_mhd_start(flags, listen_fd, handler, cls, completed, completed_cls,
                            thread_pool_size, connection_limit, connection_timeout_seconds, memory_limit);
    }
    if (trust_pem == NULL) {
        return gw_mhd_start_tls(flags, listen_fd, handler, cls, completed, completed_cls,
                                thread_pool_size, connection_limit, connection_timeout_seconds,
                                memory_limit, cert_pem, key_pem);
    }
    return MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, handler, cls,
                            MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                            MHD_OPTION_NOTIFY_CONNECTION, gw_mhd_notify_require_client_cert, NULL,
                            MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
                            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
                            MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
                            MHD_OPTION_HTTPS_MEM_KEY, key_pem,
                            MHD_OPTION_HTTPS_MEM_TRUST, trust_pem,
                            MHD_OPTION_END);
}

/// 1 when the connection is TLS and its peer presented a certificate that verified against
/// the daemon's trust list; 0 otherwise (checked again per request, in case the handshake
/// hook above could not run).
static inline int gw_mhd_client_cert_verified(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (info == NULL || info->tls_session == NULL) return 0;
    gnutls_session_t session = (gnutls_session_t)info->tls_session;
    unsigned int list_size = 0;
    if (gnutls_certificate_get_peers(session, &list_size) == NULL || list_size == 0) return 0;
    unsigned int status = 0;
    if (gnutls_certificate_verify_peers2(session, &status) != GNUTLS_E_SUCCESS) return 0;
    return status == 0 ? 1 : 0;
}

#endif
