#include "CVisCodecs.h"
int vis_codecs_placeholder(void) { return 0; }
