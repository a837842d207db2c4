import Testing
import VisService

@Suite struct SettleCheckTests {
    typealias Observation = SettleCheck.Observation

    @Test func aFileIsTakenOnlyAfterStayingUnchangedForTheInterval() {
        var settled = false
        var check = SettleCheck(interval: 1)
        let a = Observation(size: 100, modificationTime: 5)
        settled = check.observe(a, at: 0); #expect(!settled)
        settled = check.observe(a, at: 0.5); #expect(!settled)
        settled = check.observe(a, at: 0.99); #expect(!settled)
        settled = check.observe(a, at: 1.0); #expect(settled)
    }

    @Test func growthOrATouchRestartsTheClock() {
        var settled = false
        var check = SettleCheck(interval: 1)
        settled = check.observe(Observation(size: 100, modificationTime: 5), at: 0); #expect(!settled)
        settled = check.observe(Observation(size: 200, modificationTime: 5), at: 0.9); #expect(!settled)
        settled = check.observe(Observation(size: 200, modificationTime: 5), at: 1.5); #expect(!settled)
        settled = check.observe(Observation(size: 200, modificationTime: 6), at: 1.95); #expect(!settled)
        settled = check.observe(Observation(size: 200, modificationTime: 6), at: 2.9); #expect(!settled)
        settled = check.observe(Observation(size: 200, modificationTime: 6), at: 2.95); #expect(settled)
    }

    @Test func resetForgetsTheHistory() {
        var settled = false
        var check = SettleCheck(interval: 0.2)
        let a = Observation(size: 1, modificationTime: 1)
        _ = check.observe(a, at: 0)
        settled = check.observe(a, at: 0.3); #expect(settled)
        check.reset()
        settled = check.observe(a, at: 0.4); #expect(!settled)
        settled = check.observe(a, at: 0.7); #expect(settled)
    }

    @Test func aZeroIntervalTakesAtOnce() {
        var settled = false
        var check = SettleCheck(interval: 0)
        settled = check.observe(Observation(size: 1, modificationTime: 1), at: 0); #expect(settled)
    }
}
