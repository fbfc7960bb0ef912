// CURL_STRICTER makes CURL* and CURLM* import as distinct opaque pointers.
#define CURL_STRICTER
#include <curl/curl.h>
