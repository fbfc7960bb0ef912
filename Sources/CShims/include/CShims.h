// Non-variadic wrappers for the variadic C calls Swift cannot make, and small libxml2 helpers.
#ifndef TIDINGS_CSHIMS_H
#define TIDINGS_CSHIMS_H

#define CURL_STRICTER
#include <curl/curl.h>

// libcurl: one wrapper per argument type.
CURLcode tidings_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode tidings_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode tidings_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode tidings_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode tidings_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode tidings_easy_setopt_write_callback(CURL *handle, CURLoption option,
    size_t (*callback)(char *ptr, size_t size, size_t nmemb, void *userdata));
CURLcode tidings_easy_setopt_xferinfo_callback(CURL *handle,
    int (*callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow));

CURLcode tidings_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode tidings_easy_getinfo_string(CURL *handle, CURLINFO info, char **value);
CURLcode tidings_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);
CURLcode tidings_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode tidings_easy_getinfo_double(CURL *handle, CURLINFO info, double *value);

CURLMcode tidings_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

// libxml2: the xmlFree global is not concurrency-safe to reference from Swift 6.
// (libxml2's headers are not included here, so CLibXML2 stays the one module that declares its API.)
void tidings_xml_free(void *pointer);

// libxml2's one-time set-up, for every target that parses with it (Feeds, Articles): its globals initialised
// (xmlInitParser) before any thread makes a context, and an external-entity loader that refuses everything, so
// nothing outside the bytes given (no DTD, no external entity, no network) is ever read. Once per process
// (pthread_once); cheap to call before every parse.
void tidings_xml_initialize(void);

#endif
