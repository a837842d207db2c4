// libjpeg half of the shim. The error manager longjmps back into this file only; warnings
// (corrupt data, premature end of file) are promoted to errors so a damaged JPEG is refused
// instead of being patched with grey.
#include "CVisCodecs.h"
#include "codec_message.h"

#include <stdio.h>  // jpeglib.h needs FILE and size_t first.
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/// libjpeg's error manager extended with our jump target and the recorded outcome.
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    int status;
    char message[VIS_CODEC_MESSAGE_CAPACITY];
} jpeg_call_errors;

static void record_and_jump(j_common_ptr cinfo, int status) {
    jpeg_call_errors *errors = (jpeg_call_errors *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    errors->base.format_message(cinfo, text);
    vis_set_message(errors->message, sizeof errors->message, text);
    errors->status = status;
    longjmp(errors->jump, 1);
}

static int status_for_code(int code) {
    switch (code) {
    case JWRN_JPEG_EOF:       // libjpeg's source manager ran out of bytes and inserted a fake EOI.
    case JERR_INPUT_EOF:
    case JERR_INPUT_EMPTY:
        return VIS_CODEC_TRUNCATED;
    case JERR_OUT_OF_MEMORY:
        return VIS_CODEC_NO_MEMORY;
    default:
        return VIS_CODEC_CORRUPT;
    }
}

static void on_jpeg_error(j_common_ptr cinfo) {
    record_and_jump(cinfo, status_for_code(cinfo->err->msg_code));
}

/// msg_level -1 is a warning (libjpeg would carry on with made-up data): treat it as an error.
/// Levels 0 and above are trace messages and are ignored.
static void on_jpeg_message(j_common_ptr cinfo, int msg_level) {
    if (msg_level < 0) record_and_jump(cinfo, status_for_code(cinfo->err->msg_code));
}

static void install_errors(jpeg_call_errors *errors) {
    memset(errors, 0, sizeof *errors);
    jpeg_std_error(&errors->base);
    errors->base.error_exit = on_jpeg_error;
    errors->base.emit_message = on_jpeg_message;
}

static void fill_header(const struct jpeg_decompress_struct *cinfo, vis_jpeg_header *header) {
    header->width = cinfo->image_width;
    header->height = cinfo->image_height;
    header->num_components = cinfo->num_components;
    header->jpeg_color_space = cinfo->jpeg_color_space;
    header->output_components =
        (cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK) ? 4 : 3;
    header->saw_adobe_marker = cinfo->saw_Adobe_marker ? 1 : 0;
    header->progressive = cinfo->progressive_mode ? 1 : 0;
}

/// The guarded part of header reading; `cinfo` is created and destroyed by the caller.
static int read_header_guarded(struct jpeg_decompress_struct *cinfo, jpeg_call_errors *errors,
                               const uint8_t *data, size_t size, vis_jpeg_header *header) {
    if (setjmp(errors->jump)) return 1;
    jpeg_create_decompress(cinfo);
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    jpeg_read_header(cinfo, TRUE);
    fill_header(cinfo, header);
    return 0;
}

int vis_jpeg_read_header(const uint8_t *data, size_t size, vis_jpeg_header *header,
                         char *message, size_t message_capacity) {
    struct jpeg_decompress_struct cinfo;
    jpeg_call_errors errors;
    memset(&cinfo, 0, sizeof cinfo);
    memset(header, 0, sizeof *header);
    install_errors(&errors);
    cinfo.err = &errors.base;
    int failed = read_header_guarded(&cinfo, &errors, data, size, header);
    jpeg_destroy_decompress(&cinfo);
    if (failed) {
        vis_set_message(message, message_capacity, errors.message);
        return errors.status;
    }
    return VIS_CODEC_OK;
}

static int decode_guarded(struct jpeg_decompress_struct *cinfo, jpeg_call_errors *errors,
                          const uint8_t *data, size_t size, uint8_t *out, size_t out_size) {
    if (setjmp(errors->jump)) return 1;
    jpeg_create_decompress(cinfo);
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    jpeg_read_header(cinfo, TRUE);
    vis_jpeg_header header;
    fill_header(cinfo, &header);
    // Defaults are kept on purpose (JDCT_ISLOW, fancy upsampling): they are what Pillow uses.
    cinfo->out_color_space = header.output_components == 4 ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(cinfo);
    size_t row_bytes = (size_t)cinfo->output_width * (size_t)cinfo->output_components;
    if (cinfo->output_components != header.output_components || cinfo->output_height == 0 ||
        row_bytes > out_size / cinfo->output_height || row_bytes * cinfo->output_height != out_size) {
        errors->status = VIS_CODEC_INVALID_ARGUMENT;
        vis_set_message(errors->message, sizeof errors->message,
                        "output buffer size does not match the image");
        return 1;
    }
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW row = out + (size_t)cinfo->output_scanline * row_bytes;
        jpeg_read_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_decompress(cinfo);
    return 0;
}

int vis_jpeg_decode(const uint8_t *data, size_t size, uint8_t *out, size_t out_size,
                    char *message, size_t message_capacity) {
    struct jpeg_decompress_struct cinfo;
    jpeg_call_errors errors;
    memset(&cinfo, 0, sizeof cinfo);
    install_errors(&errors);
    cinfo.err = &errors.base;
    int failed = decode_guarded(&cinfo, &errors, data, size, out, out_size);
    jpeg_destroy_decompress(&cinfo);
    if (failed) {
        vis_set_message(message, message_capacity, errors.message);
        return errors.status;
    }
    return VIS_CODEC_OK;
}

/// `*buffer` and `*length` are written by libjpeg's memory destination; they live in the caller's
/// frame so they survive a longjmp out of this one.
static int encode_guarded(struct jpeg_compress_struct *cinfo, jpeg_call_errors *errors,
                          const uint8_t *pixels, uint32_t width, uint32_t height, int quality,
                          unsigned char **buffer, unsigned long *length) {
    if (setjmp(errors->jump)) return 1;
    jpeg_create_compress(cinfo);
    jpeg_mem_dest(cinfo, buffer, length);
    cinfo->image_width = width;
    cinfo->image_height = height;
    cinfo->input_components = 3;
    cinfo->in_color_space = JCS_RGB;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, quality, TRUE);
    jpeg_start_compress(cinfo, TRUE);
    size_t row_bytes = (size_t)width * 3;
    while (cinfo->next_scanline < cinfo->image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo->next_scanline * row_bytes);
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    return 0;
}

int vis_jpeg_encode_rgb8(const uint8_t *pixels, uint32_t width, uint32_t height, int quality,
                         uint8_t **out, size_t *out_size, char *message, size_t message_capacity) {
    *out = NULL;
    *out_size = 0;
    if (width == 0 || height == 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION) {
        vis_set_message(message, message_capacity, "JPEG images must be between 1x1 and 65500x65500");
        return VIS_CODEC_INVALID_ARGUMENT;
    }
    if (quality < 1 || quality > 100) {
        vis_set_message(message, message_capacity, "JPEG quality must be between 1 and 100");
        return VIS_CODEC_INVALID_ARGUMENT;
    }
    struct jpeg_compress_struct cinfo;
    jpeg_call_errors errors;
    memset(&cinfo, 0, sizeof cinfo);
    install_errors(&errors);
    cinfo.err = &errors.base;
    unsigned char *buffer = NULL;
    unsigned long length = 0;
    int failed = encode_guarded(&cinfo, &errors, pixels, width, height, quality, &buffer, &length);
    jpeg_destroy_compress(&cinfo);
    if (failed) {
        free(buffer);
        vis_set_message(message, message_capacity, errors.message);
        return errors.status == VIS_CODEC_NO_MEMORY ? VIS_CODEC_NO_MEMORY : VIS_CODEC_INVALID_ARGUMENT;
    }
    *out = buffer;
    *out_size = (size_t)length;
    return VIS_CODEC_OK;
}
