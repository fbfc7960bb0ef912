// OpenSSL's libcrypto (already linked through libcurl4-openssl): SHA-256 and HMAC for alert ids, fact keys and
// webhook signatures, from a maintained library instead of our own code.
#include <openssl/evp.h>
#include <openssl/hmac.h>
