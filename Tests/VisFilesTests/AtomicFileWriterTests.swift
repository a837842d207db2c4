import Foundation
import Testing
import VisFiles

@Suite struct AtomicFileWriterTests {
    private func scratchDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "vispipe-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func contents(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test func writesAndReplacesWholeFiles() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/data.bin"
        try AtomicFileWriter.write(Data([1, 2, 3]), to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([1, 2, 3]))
        try AtomicFileWriter.write([UInt8](repeating: 7, count: 100_000), to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(repeating: 7, count: 100_000))
        #expect(try contents(directory) == ["data.bin"])
    }

    @Test func streamedWriteConcatenatesChunks() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/chunks.bin"
        try AtomicFileWriter.write(to: path) { sink throws(AtomicFileWriter.Failure) in
            try sink.write([UInt8]([1, 2]))
            try sink.write(Data([3]))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([1, 2, 3]))
    }

    @Test func failedBodyLeavesOldFileAndNoTemporary() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/keep.bin"
        try AtomicFileWriter.write(Data([9]), to: path)
        let failure = AtomicFileWriter.Failure(path: path, operation: "encoding", reason: "simulated")
        #expect(throws: failure) {
            try AtomicFileWriter.write(to: path) { sink throws(AtomicFileWriter.Failure) in
                try sink.write(Data([1, 2, 3]))
                throw failure
            }
        }
        #expect(try contents(directory) == ["keep.bin"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([9]))
    }

    @Test func missingDirectoryIsAClearError() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: AtomicFileWriter.Failure.self) {
            try AtomicFileWriter.write(Data([1]), to: directory + "/no/such/file")
        }
        #expect(error?.description.contains("/no/such/file") == true)
        #expect(error?.description.contains("No such file or directory") == true)
        #expect(try contents(directory).isEmpty)
    }
}
