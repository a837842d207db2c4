import Foundation
import Testing
@testable import VisPipeline

@Suite struct InputSetTests {
    private func tree() -> ScratchFolder {
        let folder = ScratchFolder()
        for name in ["b.png", "a.JPG", "c.jpeg", "notes.txt", "sub/z.png", "sub/deeper/y.Png", "sub2/x.jpg", ".hidden.png", ".cache/k.png", "a-b/q.png"] {
            folder.write("in/" + name, Data([1]))
        }
        return folder
    }

    @Test func foldersAreWalkedRecursivelyInSortedOrderWithImageExtensionsOnly() throws {
        let folder = tree(); defer { folder.remove() }
        let items = Array(try InputSet(arguments: ["in"], workingDirectory: folder.path))
        #expect(items.map(\.relativePath) == ["a-b/q.png", "a.JPG", "b.png", "c.jpeg", "sub/deeper/y.Png", "sub/z.png", "sub2/x.jpg"])
        #expect(items[0].absolutePath == folder.path + "/in/a-b/q.png")
    }

    @Test func globsMatchBelowTheirBaseFolder() throws {
        let folder = tree(); defer { folder.remove() }
        let top = Array(try InputSet(arguments: ["in/*.png"], workingDirectory: folder.path)).map(\.relativePath)
        #expect(top == ["b.png"])
        let deep = Array(try InputSet(arguments: ["in/**/*.png"], workingDirectory: folder.path)).map(\.relativePath)
        #expect(deep == ["a-b/q.png", "b.png", "sub/z.png"])  // y.Png: the pattern's case counts; .cache is hidden
        let question = Array(try InputSet(arguments: ["in/sub?/*"], workingDirectory: folder.path)).map(\.relativePath)
        #expect(question == ["sub2/x.jpg"])
    }

    @Test func severalInputsAreRelativeToTheirCommonFolderAndYieldEachFileOnce() throws {
        let folder = tree(); defer { folder.remove() }
        let inputs = try InputSet(arguments: ["in/sub", "in/sub2", "in/sub/z.png", "in/**/z.png", "in/notes.txt"],
                                  workingDirectory: folder.path)
        #expect(inputs.commonBase == folder.path + "/in")
        // Named files are taken as given (notes.txt), duplicates reached again are dropped.
        #expect(Array(inputs).map(\.relativePath) == ["sub/deeper/y.Png", "sub/z.png", "sub2/x.jpg", "notes.txt"])
    }

    @Test func excludedFoldersAreSkipped() throws {
        let folder = tree(); defer { folder.remove() }
        let items = Array(try InputSet(arguments: ["in"], workingDirectory: folder.path, excluding: ["in/sub"]))
        #expect(!items.map(\.relativePath).contains { $0.hasPrefix("sub/") })
        #expect(items.map(\.relativePath).contains("sub2/x.jpg"))
    }

    @Test func missingInputsAreArgumentErrors() {
        let folder = ScratchFolder(); defer { folder.remove() }
        #expect(throws: BatchRunError.invalidArguments("input 'nope' does not exist")) {
            try InputSet(arguments: ["nope"], workingDirectory: folder.path)
        }
        #expect(throws: BatchRunError.invalidArguments("input pattern 'missing/*.png': folder 'missing' does not exist")) {
            try InputSet(arguments: ["missing/*.png"], workingDirectory: folder.path)
        }
        #expect(throws: BatchRunError.self) { try InputSet(arguments: [], workingDirectory: folder.path) }
    }

    @Test func enumerationIsLazy() throws {
        let folder = ScratchFolder(); defer { folder.remove() }
        for i in 0..<30 { folder.write("in/d\(i)/x.png", Data([1])) }
        var iterator = try InputSet(arguments: ["in"], workingDirectory: folder.path).makeIterator()
        #expect(iterator.next()?.relativePath == "d0/x.png")
        // Only the root and the first sub-folder have been listed; removing a later folder now is noticed.
        try FileManager.default.removeItem(atPath: folder.path + "/in/d9")
        var rest: [String] = []
        while let item = iterator.next() { rest.append(item.relativePath) }
        #expect(rest.count == 28)
        #expect(!rest.contains("d9/x.png"))
    }
}
