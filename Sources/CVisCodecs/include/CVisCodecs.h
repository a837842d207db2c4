// CVisCodecs: a small C layer over libpng and libjpeg that keeps every setjmp/longjmp inside C.
//
// libpng and libjpeg report errors by longjmp-ing out of the failing call. Unwinding Swift frames
// that way is undefined behaviour, so each function here sets its own jump target, calls the
// library, and turns any error into a status code plus a message. Swift only ever sees plain
// returns.
//
// Decoding is two-step and stateless: read the header (cheap, no pixel allocation), let the caller
// check its pixel limit and allocate, then decode into the caller's buffer (the data is parsed again).
#ifndef CVISCODECS_H
#define CVISCODECS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Result of every shim call. On failure `message` holds a NUL-terminated human-readable reason.
typedef enum {
    VIS_CODEC_OK = 0,
    /// The data violates the format (bad CRC, bad marker, invalid header field, …).
    VIS_CODEC_CORRUPT = 1,
    /// The data ends before the image is complete.
    VIS_CODEC_TRUNCATED = 2,
    /// A memory allocation failed.
    VIS_CODEC_NO_MEMORY = 3,
    /// The caller passed inconsistent arguments (buffer too small, bad quality, …).
    VIS_CODEC_INVALID_ARGUMENT = 4,
} vis_codec_status;

/// Size of the message buffers the functions below write into.
#define VIS_CODEC_MESSAGE_CAPACITY 256

/// What a PNG's IHDR (and tRNS) says, before any pixel is decoded.
typedef struct {
    uint32_t width;
    uint32_t height;
    /// 1, 2, 4, 8 or 16.
    int bit_depth;
    /// PNG colour type: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA.
    int color_type;
    /// 1 when Adam7-interlaced.
    int interlaced;
    /// 1 when a tRNS chunk gives (simple) transparency.
    int has_trns;
} vis_png_header;

/// Reads the PNG signature, IHDR and the chunks before the first IDAT.
/// `max_dimension` caps width and height inside libpng (png_set_user_limits); 0 keeps libpng's default.
int vis_png_read_header(const uint8_t *data, size_t size, uint32_t max_dimension,
                        vis_png_header *header, char *message, size_t message_capacity);

/// Decodes a whole PNG into `out`: rows top to bottom, each pixel R, G, B (and A when `with_alpha`).
/// Palettes and low bit depths are expanded to 8 bits; gray is replicated to RGB. With `with_alpha`,
/// tRNS becomes an alpha channel and opaque images get alpha = max; without it alpha is dropped.
/// 16-bit images keep 16-bit samples (native-endian uint16, 2 bytes each) so the caller chooses the
/// reduction to 8 bits; other depths give 1 byte per sample.
/// `out_size` must equal width * height * channels * bytes_per_sample.
int vis_png_decode(const uint8_t *data, size_t size, uint32_t max_dimension, int with_alpha,
                   uint8_t *out, size_t out_size, char *message, size_t message_capacity);

/// What a JPEG's frame header says, before any pixel is decoded.
typedef struct {
    uint32_t width;
    uint32_t height;
    /// Components in the file (1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK).
    int num_components;
    /// libjpeg's J_COLOR_SPACE of the file.
    int jpeg_color_space;
    /// Samples per pixel that `vis_jpeg_decode` writes: 3 (RGB) or 4 (CMYK, as stored).
    int output_components;
    /// 1 when an Adobe APP14 marker was present (Adobe CMYK files store inverted ink values).
    int saw_adobe_marker;
    /// 1 for progressive JPEGs.
    int progressive;
} vis_jpeg_header;

/// Reads the JPEG markers up to the first scan. Every libjpeg warning is treated as an error.
int vis_jpeg_read_header(const uint8_t *data, size_t size, vis_jpeg_header *header,
                         char *message, size_t message_capacity);

/// Decodes a whole JPEG into `out`: rows top to bottom, `output_components` bytes per pixel
/// (R, G, B for gray/YCbCr/RGB files; C, M, Y, K exactly as stored for CMYK/YCCK files).
/// Uses libjpeg's defaults (ISLOW DCT, fancy upsampling). Every warning — corrupt data, premature
/// end of file — is an error, so a damaged file never yields a silently patched image.
int vis_jpeg_decode(const uint8_t *data, size_t size, uint8_t *out, size_t out_size,
                    char *message, size_t message_capacity);

/// Encodes interleaved RGB8 pixels as an 8-bit RGB PNG. On success `*out` is a malloc'd buffer of
/// `*out_size` bytes that the caller releases with `vis_codec_free`.
int vis_png_encode_rgb8(const uint8_t *pixels, uint32_t width, uint32_t height,
                        uint8_t **out, size_t *out_size, char *message, size_t message_capacity);

/// Encodes interleaved RGB8 pixels as a baseline JPEG (4:2:0, quality 1-100). On success `*out` is
/// a malloc'd buffer of `*out_size` bytes that the caller releases with `vis_codec_free`.
int vis_jpeg_encode_rgb8(const uint8_t *pixels, uint32_t width, uint32_t height, int quality,
                         uint8_t **out, size_t *out_size, char *message, size_t message_capacity);

/// Releases a buffer returned by an encoder.
void vis_codec_free(void *buffer);

#ifdef __cplusplus
}
#endif

#endif
