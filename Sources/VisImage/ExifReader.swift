/// Finds the EXIF orientation in JPEG APP1 segments and PNG eXIf chunks.
///
/// Every read is bounds-checked: a malformed or truncated EXIF block means "no orientation"
/// (orientation 1), never a crash — the same outcome as Pillow, which ignores unreadable EXIF.
enum ExifReader {
    /// Orientation from a TIFF-structured EXIF block (optionally prefixed with `Exif\0\0`).
    /// Only IFD0's tag 0x0112 is consulted; values outside 1...8 are ignored.
    static func orientation(tiff block: ArraySlice<UInt8>) -> ExifOrientation? {
        var bytes = block
        let exifPrefix: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]  // "Exif\0\0"
        if bytes.starts(with: exifPrefix) { bytes = bytes.dropFirst(6) }
        let base = bytes.startIndex
        guard bytes.count >= 8 else { return nil }
        let bigEndian: Bool
        switch (bytes[base], bytes[base + 1]) {
        case (0x49, 0x49): bigEndian = false  // "II"
        case (0x4D, 0x4D): bigEndian = true   // "MM"
        default: return nil
        }
        func u16(_ offset: Int) -> Int? {
            guard offset >= 0, offset + 2 <= bytes.count else { return nil }
            let a = Int(bytes[base + offset]), b = Int(bytes[base + offset + 1])
            return bigEndian ? (a << 8 | b) : (b << 8 | a)
        }
        func u32(_ offset: Int) -> Int? {
            guard let first = u16(offset), let second = u16(offset + 2) else { return nil }
            return bigEndian ? (first << 16 | second) : (second << 16 | first)
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for index in 0..<count {
            let entry = ifd + 2 + 12 * index
            guard let tag = u16(entry), let type = u16(entry + 2), let valueCount = u32(entry + 4) else { return nil }
            guard tag == 0x0112, valueCount >= 1 else { continue }
            let value: Int?
            switch type {
            case 3: value = u16(entry + 8)                                 // SHORT (the standard type)
            case 4: value = u32(entry + 8)                                 // LONG
            case 1: value = entry + 8 < bytes.count ? Int(bytes[base + entry + 8]) : nil  // BYTE
            default: value = nil
            }
            return value.flatMap(ExifOrientation.init(rawValue:))
        }
        return nil
    }

    /// The first APP1 `Exif` segment before the first scan of a JPEG (Pillow also uses the first).
    static func orientation(jpeg bytes: [UInt8]) -> ExifOrientation? {
        var position = 2  // after SOI
        while position + 4 <= bytes.count {
            guard bytes[position] == 0xFF else { return nil }
            var markerAt = position + 1
            while markerAt < bytes.count, bytes[markerAt] == 0xFF { markerAt += 1 }  // fill bytes
            guard markerAt < bytes.count else { return nil }
            let marker = bytes[markerAt]
            if marker == 0xDA || marker == 0xD9 { return nil }  // start of scan / end of image
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { position = markerAt + 1; continue }  // no length
            guard markerAt + 3 <= bytes.count else { return nil }
            let length = Int(bytes[markerAt + 1]) << 8 | Int(bytes[markerAt + 2])
            let dataStart = markerAt + 3
            let dataEnd = markerAt + 1 + length
            guard length >= 2, dataEnd <= bytes.count else { return nil }
            if marker == 0xE1, bytes[dataStart..<dataEnd].starts(with: [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]) {
                return orientation(tiff: bytes[dataStart..<dataEnd])
            }
            position = dataEnd
        }
        return nil
    }

    /// The PNG `eXIf` chunk, wherever it is (Pillow also finds one after the image data).
    static func orientation(png bytes: [UInt8]) -> ExifOrientation? {
        var position = 8  // after the signature
        while position + 8 <= bytes.count {
            let length = Int(bytes[position]) << 24 | Int(bytes[position + 1]) << 16
                | Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            let type = bytes[(position + 4)..<(position + 8)]
            let dataStart = position + 8
            guard length <= bytes.count - dataStart else { return nil }
            if type.elementsEqual([0x65, 0x58, 0x49, 0x66]) {  // "eXIf"
                return orientation(tiff: bytes[dataStart..<(dataStart + length)])
            }
            if type.elementsEqual([0x49, 0x45, 0x4E, 0x44]) { return nil }  // "IEND"
            position = dataStart + length + 4  // data and CRC
        }
        return nil
    }
}
