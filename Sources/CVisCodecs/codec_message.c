#include "codec_message.h"
#include <string.h>

void vis_set_message(char *message, size_t capacity, const char *text) {
    if (message == NULL || capacity == 0) return;
    size_t length = strlen(text);
    if (length >= capacity) length = capacity - 1;
    memcpy(message, text, length);
    message[length] = '\0';
}
