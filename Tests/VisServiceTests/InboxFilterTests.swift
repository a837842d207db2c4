import Testing
import VisService

@Suite struct InboxFilterTests {
    @Test func hiddenAndPartialFilesAreIgnored() {
        for name in [".hidden.png", ".img.png.1234.5678.tmp", "upload.tmp", "photo.JPG.part", "big.png.crdownload", "x.TMP", ""] {
            #expect(InboxFilter.isIgnored(name: name), "\(name)")
        }
    }

    @Test func imagesAreTaken() {
        for name in ["photo.png", "a.b.jpg", "tmp.png", "part", "report.tmp.png"] {
            #expect(!InboxFilter.isIgnored(name: name), "\(name)")
        }
    }

    @Test func anIgnoredFolderHidesItsFiles() {
        #expect(InboxFilter.isIgnored(relativePath: ".staging/photo.png"))
        #expect(InboxFilter.isIgnored(relativePath: "a/b.part/photo.png"))
        #expect(!InboxFilter.isIgnored(relativePath: "a/b/photo.png"))
    }
}
