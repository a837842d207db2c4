int vis_codecs_placeholder(void);
