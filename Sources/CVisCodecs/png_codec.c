// libpng half of the shim. Each public function creates its own png struct, installs error
// callbacks that record the message and longjmp back into *this file*, and returns a status.
#include "CVisCodecs.h"
#include "codec_message.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/// Per-call state reached from libpng callbacks through png_get_error_ptr / png_get_io_ptr.
typedef struct {
    const uint8_t *data;
    size_t size;
    size_t position;
    /// Set when the reader ran out of bytes, so the error is reported as truncation.
    int truncated;
    /// Set when a malloc failed inside our own callbacks.
    int out_of_memory;
    /// Set when the caller's output buffer does not fit the image.
    int invalid_argument;
    char message[VIS_CODEC_MESSAGE_CAPACITY];
} png_call_state;

static void on_png_error(png_structp png, png_const_charp text) {
    png_call_state *state = (png_call_state *)png_get_error_ptr(png);
    vis_set_message(state->message, sizeof state->message, text);
    png_longjmp(png, 1);
}

/// Warnings (e.g. a bad CRC in an ancillary chunk, which libpng then discards) do not stop decoding
/// and must not print to stderr.
static void on_png_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void read_from_memory(png_structp png, png_bytep destination, size_t length) {
    png_call_state *state = (png_call_state *)png_get_io_ptr(png);
    if (length > state->size - state->position) {
        state->truncated = 1;
        png_error(png, "unexpected end of data");
    }
    memcpy(destination, state->data + state->position, length);
    state->position += length;
}

static int status_for(const png_call_state *state) {
    if (state->out_of_memory) return VIS_CODEC_NO_MEMORY;
    if (state->invalid_argument) return VIS_CODEC_INVALID_ARGUMENT;
    return state->truncated ? VIS_CODEC_TRUNCATED : VIS_CODEC_CORRUPT;
}

/// Creates the read struct wired to `state`; NULL on allocation failure.
static png_structp create_reader(png_call_state *state, uint32_t max_dimension, png_infop *info) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, state, on_png_error, on_png_warning);
    if (png == NULL) return NULL;
    *info = png_create_info_struct(png);
    if (*info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        return NULL;
    }
    png_set_read_fn(png, state, read_from_memory);
    if (max_dimension > 0) png_set_user_limits(png, max_dimension, max_dimension);
    return png;
}

/// Everything that can longjmp lives here; the caller owns and frees the png structs, so no
/// local of this frame is modified between setjmp and a longjmp.
static int read_header_guarded(png_structp png, png_infop info, vis_png_header *header) {
    if (setjmp(png_jmpbuf(png))) return 1;
    png_read_info(png, info);
    header->width = png_get_image_width(png, info);
    header->height = png_get_image_height(png, info);
    header->bit_depth = png_get_bit_depth(png, info);
    header->color_type = png_get_color_type(png, info);
    header->interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    header->has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    return 0;
}

int vis_png_read_header(const uint8_t *data, size_t size, uint32_t max_dimension,
                        vis_png_header *header, char *message, size_t message_capacity) {
    png_call_state state = { .data = data, .size = size };
    png_infop info = NULL;
    png_structp png = create_reader(&state, max_dimension, &info);
    if (png == NULL) {
        vis_set_message(message, message_capacity, "out of memory creating the PNG reader");
        return VIS_CODEC_NO_MEMORY;
    }
    memset(header, 0, sizeof *header);
    int failed = read_header_guarded(png, info, header);
    png_destroy_read_struct(&png, &info, NULL);
    if (failed) {
        vis_set_message(message, message_capacity, state.message);
        return status_for(&state);
    }
    return VIS_CODEC_OK;
}

/// Transformations to RGB(A) and the row loop; see vis_png_decode for the output layout.
static int decode_guarded(png_structp png, png_infop info, int with_alpha, uint8_t *out,
                          size_t out_size, png_call_state *state) {
    if (setjmp(png_jmpbuf(png))) return 1;
    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    int color_type = png_get_color_type(png, info);
    int has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;

    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (with_alpha) {
        if (has_trns) {
            png_set_tRNS_to_alpha(png);
        } else if ((color_type & PNG_COLOR_MASK_ALPHA) == 0) {
            png_set_add_alpha(png, 0xffff, PNG_FILLER_AFTER);
        }
    } else if ((color_type & PNG_COLOR_MASK_ALPHA) != 0 || has_trns) {
        // palette_to_rgb also expands tRNS; stripping removes that channel again.
        png_set_strip_alpha(png);
    }
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    if (bit_depth == 16) {
        const uint16_t probe = 1;
        if (*(const uint8_t *)&probe == 1) png_set_swap(png);  // PNG stores 16-bit big-endian.
    }
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t channels = with_alpha ? 4 : 3;
    size_t bytes_per_sample = bit_depth == 16 ? 2 : 1;
    size_t row_bytes = (size_t)width * channels * bytes_per_sample;
    if (png_get_rowbytes(png, info) != row_bytes) {
        png_error(png, "internal error: unexpected row size after transformations");
    }
    if (height == 0 || row_bytes > out_size / height || row_bytes * height != out_size) {
        state->invalid_argument = 1;
        png_error(png, "output buffer size does not match the image");
    }
    // With interlace handling every pass is read into the same rows; libpng fills in each pass's
    // pixels, so after the last pass the buffer holds the complete image.
    for (int pass = 0; pass < passes; pass++) {
        for (png_uint_32 y = 0; y < height; y++) {
            png_read_row(png, out + (size_t)y * row_bytes, NULL);
        }
    }
    // Reading to IEND verifies the CRCs of the remaining chunks and catches truncation after the
    // image data.
    png_read_end(png, NULL);
    return 0;
}

int vis_png_decode(const uint8_t *data, size_t size, uint32_t max_dimension, int with_alpha,
                   uint8_t *out, size_t out_size, char *message, size_t message_capacity) {
    png_call_state state = { .data = data, .size = size };
    png_infop info = NULL;
    png_structp png = create_reader(&state, max_dimension, &info);
    if (png == NULL) {
        vis_set_message(message, message_capacity, "out of memory creating the PNG reader");
        return VIS_CODEC_NO_MEMORY;
    }
    int failed = decode_guarded(png, info, with_alpha, out, out_size, &state);
    png_destroy_read_struct(&png, &info, NULL);
    if (failed) {
        vis_set_message(message, message_capacity, state.message);
        return status_for(&state);
    }
    return VIS_CODEC_OK;
}

/// A growable malloc'd buffer the PNG writer appends to.
typedef struct {
    uint8_t *bytes;
    size_t size;
    size_t capacity;
    int out_of_memory;
    char message[VIS_CODEC_MESSAGE_CAPACITY];
} png_write_state;

static void on_png_write_error(png_structp png, png_const_charp text) {
    png_write_state *state = (png_write_state *)png_get_error_ptr(png);
    vis_set_message(state->message, sizeof state->message, text);
    png_longjmp(png, 1);
}

static void write_to_memory(png_structp png, png_bytep source, size_t length) {
    png_write_state *state = (png_write_state *)png_get_io_ptr(png);
    if (length > state->capacity - state->size) {
        size_t capacity = state->capacity ? state->capacity : 4096;
        while (length > capacity - state->size) {
            if (capacity > SIZE_MAX / 2) {
                state->out_of_memory = 1;
                png_error(png, "PNG output too large");
            }
            capacity *= 2;
        }
        uint8_t *grown = realloc(state->bytes, capacity);
        if (grown == NULL) {
            state->out_of_memory = 1;
            png_error(png, "out of memory growing the PNG output buffer");
        }
        state->bytes = grown;
        state->capacity = capacity;
    }
    memcpy(state->bytes + state->size, source, length);
    state->size += length;
}

static void flush_nothing(png_structp png) { (void)png; }

static int encode_guarded(png_structp png, png_infop info, const uint8_t *pixels, uint32_t width,
                          uint32_t height) {
    if (setjmp(png_jmpbuf(png))) return 1;
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    size_t row_bytes = (size_t)width * 3;
    for (uint32_t y = 0; y < height; y++) {
        png_write_row(png, pixels + (size_t)y * row_bytes);
    }
    png_write_end(png, NULL);
    return 0;
}

int vis_png_encode_rgb8(const uint8_t *pixels, uint32_t width, uint32_t height,
                        uint8_t **out, size_t *out_size, char *message, size_t message_capacity) {
    *out = NULL;
    *out_size = 0;
    if (width == 0 || height == 0) {
        vis_set_message(message, message_capacity, "PNG images must be at least 1x1");
        return VIS_CODEC_INVALID_ARGUMENT;
    }
    png_write_state state = { 0 };
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, on_png_write_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (info == NULL) {
        if (png) png_destroy_write_struct(&png, NULL);
        vis_set_message(message, message_capacity, "out of memory creating the PNG writer");
        return VIS_CODEC_NO_MEMORY;
    }
    png_set_write_fn(png, &state, write_to_memory, flush_nothing);
    int failed = encode_guarded(png, info, pixels, width, height);
    png_destroy_write_struct(&png, &info);
    if (failed) {
        free(state.bytes);
        vis_set_message(message, message_capacity, state.message);
        return state.out_of_memory ? VIS_CODEC_NO_MEMORY : VIS_CODEC_INVALID_ARGUMENT;
    }
    *out = state.bytes;
    *out_size = state.size;
    return VIS_CODEC_OK;
}

void vis_codec_free(void *buffer) { free(buffer); }
