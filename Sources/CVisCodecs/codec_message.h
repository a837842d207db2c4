// Internal helper shared by the PNG and JPEG halves of the shim.
#ifndef VIS_CODEC_MESSAGE_H
#define VIS_CODEC_MESSAGE_H

#include <stddef.h>

/// Copies `text` into the caller's message buffer, truncating and always NUL-terminating.
void vis_set_message(char *message, size_t capacity, const char *text);

#endif
