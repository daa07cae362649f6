// Typed, non-variadic wrappers over libcurl's variadic calls, which Swift cannot import.
// One wrapper per argument type; nothing else belongs here.
#ifndef GATEWATCH_CCURL_SHIM_H
#define GATEWATCH_CCURL_SHIM_H
#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

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

/// CURLOPT_SSL_CTX_FUNCTION: hands the connection's SSL_CTX the shared, already-built store.
static CURLcode gw_ssl_ctx_use_store(CURL *curl, void *ssl_ctx, void *store) {
    (void)curl;
    SSL_CTX_set1_cert_store((SSL_CTX *)ssl_ctx, (X509_STORE *)store);
    return CURLE_OK;
}

/// Verifies this transfer against `store` (which must outlive it) instead of curl's CA options.
static inline CURLcode gw_curl_easy_use_trust_store(CURL *h, void *store) {
    CURLcode rc = curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, gw_ssl_ctx_use_store);
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, store);
    return rc;
}

#endif
