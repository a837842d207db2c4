import Foundation
import Synchronization
import Testing
@testable import VisPipeline

@Suite struct ModelCacheTests {
    struct LoadFailed: Error {}

    /// Counts calls from concurrent tasks.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    @Test func concurrentCallersForOneKeyShareOneLoad() async throws {
        let cache = ModelCache()
        let calls = Counter()
        let results = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (try? cache.shared("model") { () -> Int in
                        calls.value.add(1, ordering: .relaxed)
                        Thread.sleep(forTimeInterval: 0.05)  // long enough for the others to arrive
                        return 42
                    }) ?? -1
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: 42, count: 8))
        #expect(calls.value.load(ordering: .relaxed) == 1)
        #expect(cache.loadCount == 1)
        #expect(cache.loadedKeys == ["model"])
    }

    @Test func differentKeysLoadSeparately() throws {
        let cache = ModelCache()
        #expect(try cache.shared("a") { "first" } == "first")
        #expect(try cache.shared("b") { "second" } == "second")
        #expect(try cache.shared("a") { "again" } == "first")
        #expect(cache.loadCount == 2)
    }

    @Test func failuresAreNotCached() throws {
        let cache = ModelCache()
        #expect(throws: LoadFailed.self) { _ = try cache.shared("m") { () throws -> Int in throw LoadFailed() } }
        #expect(try cache.shared("m") { 7 } == 7)
        #expect(cache.loadCount == 2)
    }

    @Test func aKeyHoldsOneType() throws {
        let cache = ModelCache()
        _ = try cache.shared("k") { 1 }
        #expect(throws: ModelCacheError.typeMismatch(key: "k", cached: "Int", requested: "String")) {
            _ = try cache.shared("k") { "text" }
        }
    }
}
