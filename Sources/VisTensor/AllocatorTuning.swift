#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator settings for inference executables.
///
/// A ResNet at 800×1066 allocates feature maps of 14–55 MB for every layer. glibc serves blocks
/// above 32 MB (and, by default, above a few MB) with fresh `mmap`s and unmaps them on free, so
/// every layer pays ~13,000 page faults and the kernel's zeroing of its output: measured on
/// vispipe-bench's ResNet-50 trunk, layer1 ran 35 % faster once freed buffers were reused.
/// This is a choice for the whole process (memory freed stays with the process instead of going
/// back to the system), so libraries do not make it: executables call it once at start-up.
public enum AllocatorTuning {
    /// Serves every allocation from the heap and keeps freed memory there for reuse (glibc:
    /// `M_MMAP_MAX = 0`, `M_TRIM_THRESHOLD` = 2 GiB). A no-op on other C libraries.
    public static func reuseLargeBuffers() {
        #if canImport(Glibc)
        // <malloc.h> is not part of Swift's Glibc module: look `mallopt` up by name, and use its
        // parameter numbers (macros): M_TRIM_THRESHOLD = -1, M_MMAP_MAX = -4.
        typealias MalloptFunction = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MalloptFunction.self)
        let trimThreshold: Int32 = -1, mmapMax: Int32 = -4
        _ = mallopt(mmapMax, 0)
        _ = mallopt(trimThreshold, Int32.max)
        #endif
    }
}
