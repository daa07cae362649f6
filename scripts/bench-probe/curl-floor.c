/* A reference libcurl prober: a plain C loop doing per probe what a straightforward libcurl
 * prober does (new easy handle, new connection, full TLS handshake, CAINFO file, CERTINFO for the
 * expiry, status), RATE times a second for SECONDS, on one multi handle. Prints its own CPU
 * seconds (getrusage).
 * Usage: curl-floor URL CAFILE RATE SECONDS */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static size_t sink(char *p, size_t s, size_t n, void *u) { (void)p; (void)u; return s * n; }
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: curl-floor URL CAFILE RATE SECONDS\n"); return 2; }
    double rate = atof(argv[3]), seconds = atof(argv[4]);
    int total = (int)(rate * seconds), started = 0, done = 0, failed = 0;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *multi = curl_multi_init();
    struct rusage a, b;
    getrusage(RUSAGE_SELF, &a);
    double start = now();
    while (done < total) {
        while (started < total && now() >= start + started / rate) {
            CURL *e = curl_easy_init();
            curl_easy_setopt(e, CURLOPT_URL, argv[1]);
            curl_easy_setopt(e, CURLOPT_CAINFO, argv[2]);
            curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
            curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
            curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
            curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
            curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
            curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, sink);
            curl_multi_add_handle(multi, e);
            started++;
        }
        int running, queued;
        curl_multi_perform(multi, &running);
        CURLMsg *m;
        while ((m = curl_multi_info_read(multi, &queued))) {
            if (m->msg != CURLMSG_DONE) continue;
            long status = 0;
            curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            if (m->data.result != CURLE_OK || status != 200) failed++;
            curl_multi_remove_handle(multi, m->easy_handle);
            curl_easy_cleanup(m->easy_handle);
            done++;
        }
        double next = start + started / rate - now();
        int ms = started < total ? (int)(next * 1000) : 1000;
        curl_multi_poll(multi, NULL, 0, ms < 0 ? 0 : (ms > 1000 ? 1000 : ms), NULL);
    }
    getrusage(RUSAGE_SELF, &b);
    double cpu = (b.ru_utime.tv_sec - a.ru_utime.tv_sec) + (b.ru_utime.tv_usec - a.ru_utime.tv_usec) / 1e6
               + (b.ru_stime.tv_sec - a.ru_stime.tv_sec) + (b.ru_stime.tv_usec - a.ru_stime.tv_usec) / 1e6;
    printf("floor_runs=%d floor_failed=%d floor_cpu_seconds=%.3f\n", done, failed, cpu);
    return 0;
}
