// Typed, non-variadic wrappers over libcurl's variadic calls, which Swift cannot import.
// One wrapper per argument type; nothing else belongs here.
#ifndef GATEWATCH_CCURL_SHIM_H
#define GATEWATCH_CCURL_SHIM_H
#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <time.h>

typedef size_t (*gw_curl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode gw_curl_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode gw_curl_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode gw_curl_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode gw_curl_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode gw_curl_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode gw_curl_easy_setopt_datacb(CURL *h, CURLoption o, gw_curl_data_cb v) { return curl_easy_setopt(h, o, v); }

static inline CURLcode gw_curl_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode gw_curl_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode gw_curl_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode gw_curl_easy_getinfo_pointer(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode gw_curl_easy_getinfo_certinfo(CURL *h, struct curl_certinfo **v) { return curl_easy_getinfo(h, CURLINFO_CERTINFO, v); }

static inline CURLMcode gw_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

/// CURLMsg's payload is a union; Swift reads it through this accessor.
static inline CURLcode gw_curl_msg_result(const CURLMsg *msg) { return msg->data.result; }

/// A trust store from a PEM file plus, when `system_dir` is non-NULL, that hashed CA directory
/// (looked up lazily), with the verify flags curl sets on its own stores. NULL when the file
/// cannot be loaded. Free with gw_trust_store_free.
static inline void *gw_trust_store_new(const char *ca_file, const char *system_dir) {
    X509_STORE *store = X509_STORE_new();
    if (!store) return NULL;
    if (X509_STORE_load_locations(store, ca_file, system_dir) != 1) { X509_STORE_free(store); return NULL; }
    X509_STORE_set_flags(store, X509_V_FLAG_TRUSTED_FIRST | X509_V_FLAG_PARTIAL_CHAIN);
    return store;
}
static inline void gw_trust_store_free(void *store) { X509_STORE_free((X509_STORE *)store); }

/// Per-transfer TLS hooks, owned by the transfer: an optional shared trust store to verify
/// against, and the earliest notAfter (Unix seconds) of the certificates the server sent, read
/// during verification (`seen` is 1 once any was read).
typedef struct {
    void *store;
    long long earliest_not_after;
    int seen;
} gw_tls_hooks;

/// The SSL_CTX ex_data slot holding a connection's gw_tls_hooks (allocated once).
static inline int gw_tls_hooks_index(void) {
    static int index = -1;
    if (index < 0) index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    return index;
}

/// Verification callback: changes nothing (returns OpenSSL's verdict, as curl's NULL callback
/// would) and records the earliest notAfter of the served (untrusted) chain.
static int gw_verify_cb(int preverify_ok, X509_STORE_CTX *store_ctx) {
    SSL *ssl = X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx());
    if (!ssl) return preverify_ok;
    gw_tls_hooks *hooks = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), gw_tls_hooks_index());
    if (!hooks || hooks->seen) return preverify_ok;
    STACK_OF(X509) *served = X509_STORE_CTX_get0_untrusted(store_ctx);
    for (int i = 0; served && i < sk_X509_num(served); i++) {
        const ASN1_TIME *t = X509_get0_notAfter(sk_X509_value(served, i));
        struct tm tm;
        if (!t || ASN1_TIME_to_tm(t, &tm) != 1) continue;
        long long when = (long long)timegm(&tm);
        if (!hooks->seen || when < hooks->earliest_not_after) hooks->earliest_not_after = when;
        hooks->seen = 1;
    }
    return preverify_ok;
}

/// CURLOPT_SSL_CTX_FUNCTION (one fresh SSL_CTX per connection in curl 7.88): shares the store,
/// installs the recording callback with curl's verify mode, refuses renegotiation (so the
/// callback never runs after the transfer that owns `hooks` ended).
static CURLcode gw_ssl_ctx_setup(CURL *curl, void *ssl_ctx, void *parm) {
    (void)curl;
    SSL_CTX *ctx = (SSL_CTX *)ssl_ctx;
    gw_tls_hooks *hooks = (gw_tls_hooks *)parm;
    if (hooks->store) SSL_CTX_set1_cert_store(ctx, (X509_STORE *)hooks->store);
    SSL_CTX_set_ex_data(ctx, gw_tls_hooks_index(), hooks);
    SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx), gw_verify_cb);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
    return CURLE_OK;
}

/// Installs the TLS hooks on a transfer (`hooks` must outlive it).
static inline CURLcode gw_curl_easy_set_tls_hooks(CURL *h, gw_tls_hooks *hooks) {
    CURLcode rc = curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, gw_ssl_ctx_setup);
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, hooks);
    return rc;
}

#endif
