// Tests only: brotli-encoded bodies to decode (the product links the decoder alone).
#include <brotli/encode.h>
