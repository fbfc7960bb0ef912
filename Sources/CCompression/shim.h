// Content-Encoding decoders: gzip and deflate (libdeflate, whole-buffer, ~3.5x zlib's inflate here), br, zstd.
#include <libdeflate.h>
#include <brotli/decode.h>
#include <zstd.h>
