// Typed, non-variadic wrappers over libcurl's variadic calls, which Swift cannot import.
// One wrapper per argument type; nothing else belongs here.
#ifndef GATEWATCH_CCURL_SHIM_H
#define GATEWATCH_CCURL_SHIM_H
#include <curl/curl.h>

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

#endif
