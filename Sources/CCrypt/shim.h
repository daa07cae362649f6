// libxcrypt: crypt_rn verifies the bcrypt hashes of --web.config.file's basic_auth_users.
#ifndef GATEWATCH_CCRYPT_SHIM_H
#define GATEWATCH_CCRYPT_SHIM_H
#include <crypt.h>
#include <stdlib.h>
#include <string.h>

/// 1 when `password` hashes to `hash` (any scheme libxcrypt knows, bcrypt included), else 0.
/// Thread-safe: the scratch area is allocated per call.
static inline int gw_crypt_verify(const char *password, const char *hash) {
    struct crypt_data *data = calloc(1, sizeof(struct crypt_data));
    if (!data) return 0;
    const char *out = crypt_rn(password, hash, data, (int)sizeof(struct crypt_data));
    int ok = 0;
    if (out && out[0] != '*') {
        size_t n = strlen(hash);
        ok = strlen(out) == n;
        // constant-time compare
        unsigned char diff = 0;
        for (size_t i = 0; ok && i < n; i++) diff |= (unsigned char)(out[i] ^ hash[i]);
        ok = ok && diff == 0;
    }
    explicit_bzero(data, sizeof(struct crypt_data));
    free(data);
    return ok;
}
#endif
