/* Writes a YCCK JPEG (Adobe APP14 marker, transform flag 2) from raw 8-bit CMYK samples.
 *
 * Pillow can read YCCK JPEGs but cannot write them, so generate_image_fixtures.py compiles this
 * with `cc write_ycck_jpeg.c -ljpeg` and runs it. Usage:
 *
 *     write_ycck_jpeg WIDTH HEIGHT QUALITY INPUT.cmyk OUTPUT.jpg
 *
 * INPUT.cmyk holds WIDTH * HEIGHT * 4 bytes, rows top to bottom, samples in the inverted (Adobe)
 * convention that Pillow's "CMYK;I" raw mode uses and Photoshop writes: 255 means no ink.
 * libjpeg converts CMYK to YCCK itself (in_color_space JCS_CMYK, jpeg_color_space JCS_YCCK) and
 * writes the Adobe marker with transform 2 because the JPEG colour space is YCCK.
 */
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s WIDTH HEIGHT QUALITY INPUT.cmyk OUTPUT.jpg\n", argv[0]);
        return 2;
    }
    int width = atoi(argv[1]), height = atoi(argv[2]), quality = atoi(argv[3]);
    if (width <= 0 || height <= 0 || quality < 1 || quality > 100) {
        fprintf(stderr, "bad size or quality\n");
        return 2;
    }
    size_t size = (size_t)width * (size_t)height * 4;
    unsigned char *samples = malloc(size);
    FILE *input = fopen(argv[4], "rb");
    if (!samples || !input || fread(samples, 1, size, input) != size) {
        fprintf(stderr, "cannot read %zu bytes from %s\n", size, argv[4]);
        return 1;
    }
    fclose(input);
    FILE *output = fopen(argv[5], "wb");
    if (!output) {
        fprintf(stderr, "cannot create %s\n", argv[5]);
        return 1;
    }

    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr errors;
    cinfo.err = jpeg_std_error(&errors);  // default handler: prints and exits on error
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, output);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 4;
    cinfo.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&cinfo);
    jpeg_set_colorspace(&cinfo, JCS_YCCK);  // also turns on write_Adobe_marker
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = samples + (size_t)cinfo.next_scanline * (size_t)width * 4;
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    fclose(output);
    free(samples);
    return 0;
}
