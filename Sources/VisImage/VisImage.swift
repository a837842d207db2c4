// Image I/O: decoding, encoding, resizing and drawing.
import VisTensor
