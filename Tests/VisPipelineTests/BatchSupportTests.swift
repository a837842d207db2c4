import Foundation
import Testing
@testable import VisPipeline

@Suite struct BatchSupportTests {
    @Test func exitStatusMapping() {
        func summary(_ status: RunSummary.Status, total: Int, ok: Int, failed: Int) -> RunSummary {
            RunSummary(outputDirectory: "/o", status: status, total: total, succeeded: ok, failed: failed, skipped: 0)
        }
        #expect(summary(.complete, total: 3, ok: 3, failed: 0).exitStatus == 0)
        #expect(summary(.complete, total: 3, ok: 2, failed: 1).exitStatus == 3)
        #expect(summary(.stoppedAfterFailure, total: 3, ok: 0, failed: 1).exitStatus == 3)
        #expect(summary(.complete, total: 0, ok: 0, failed: 0).exitStatus == 2)
        #expect(summary(.interrupted, total: 3, ok: 1, failed: 0).exitStatus == 1)
        #expect(BatchRunError.invalidArguments("x").exitStatus == 2)
        #expect(BatchRunError.setup("x").exitStatus == 1 && BatchRunError.io("x").exitStatus == 1)
    }

    @Test func recordsRoundTripAndIncompleteOnesAreRejected() {
        let record = RunRecord(header: .init(path: "a/b.png", ok: true, times: ["decode": 1.5], coco: [[1, 0, 0, 2, 3, 0.5]]),
                               line: #"{"path":"a/b.png"}"#)
        let data = record.encoded()
        #expect(RunRecord.decode(data, expectedPath: "a/b.png") == record)
        #expect(RunRecord.decode(data, expectedPath: "other.png") == nil)
        #expect(RunRecord.decode(data.prefix(data.count - 1), expectedPath: "a/b.png") == nil)
        #expect(RunRecord.decode(data.prefix(10), expectedPath: "a/b.png") == nil)
        #expect(RecordKey.forRelativePath("a/b.png").count == 32)
        #expect(RecordKey.forRelativePath("a/b.png") != RecordKey.forRelativePath("a/c.png"))
    }

    @Test func histogramQuantilesAreWithinOnePercent() {
        var histogram = DurationHistogram()
        for value in 1...1000 { histogram.add(milliseconds: Double(value)) }
        #expect(abs(histogram.quantile(0.5)! - 500) / 500 < 0.01)
        #expect(abs(histogram.quantile(0.95)! - 950) / 950 < 0.01)
        #expect(DurationHistogram().quantile(0.5) == nil)
        histogram.add(milliseconds: 0)
        #expect(histogram.count == 1001)
    }

    @Test func jsonTextEscapesAndFormats() {
        var json = JSONText()
        json.beginObject()
        json.key("s"); json.string("a\"b\\c\n\u{1}é")
        json.key("n"); json.beginArray(); json.number(2.0); json.number(0.25); json.number(Double.nan); json.number(Float(0.1)); json.endArray()
        json.endObject()
        #expect(json.text == #"{"s":"a\"b\\c\n\u0001é","n":[2,0.25,null,0.1]}"#)
    }

    @Test func atomicTemporaryNamesAreRecognised() {
        #expect(OutputLayout.isAtomicTemporary(".results.jsonl.123.987654321.tmp"))
        #expect(!OutputLayout.isAtomicTemporary("results.jsonl"))
        #expect(!OutputLayout.isAtomicTemporary(".notes.tmp"))
    }

    @Test func progressLines() {
        let snapshot = ProgressSnapshot(done: 100, failed: 3, skipped: 20, total: 2000, elapsed: .seconds(25))
        #expect(snapshot.rate == 4)
        #expect(ProgressReporter.barLine(snapshot, width: 10) == "[----------] 120/2000  4.0 img/s  ETA 7m50s  3 failed")
        #expect(ProgressReporter.statusText(snapshot) == "120/2000 done, 3 failed, 20 skipped, 4.0 img/s, ETA 7m50s")
        let counting = ProgressSnapshot(done: 5, failed: 0, skipped: 0, total: nil, elapsed: .seconds(1))
        #expect(ProgressReporter.barLine(counting) == "5 done (counting…)  5.0 img/s")
        #expect(ProgressReporter.clock(42) == "42s" && ProgressReporter.clock(3725) == "1h02m")
    }

    @Test func defaultOutputFolderNamesThePipelineAndTime() {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(BatchRunner.defaultOutputDirectory(pipelineName: "detr-coco", at: date) == "Outputs/detr-coco-20231114-221320")
    }
}
