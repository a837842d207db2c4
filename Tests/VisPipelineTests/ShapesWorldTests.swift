import Foundation
import Testing
@testable import VisPipeline

/// ShapesWorld: determinism, annotation correctness and taxonomy coverage, on small scenes.
struct ShapesWorldTests {
    private func files(in directory: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            result[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        }
        return result
    }

    @Test func sameSeedGivesIdenticalBytesAndOtherSeedDiffers() throws {
        let first = ScratchFolder(), second = ScratchFolder(), third = ScratchFolder()
        defer { first.remove(); second.remove(); third.remove() }
        let options = ShapesWorldWriter.Options(count: 3, seed: 42, minSize: 48, maxSize: 80)
        let written = try ShapesWorldWriter.write(options, to: first.path)
        try ShapesWorldWriter.write(options, to: second.path)
        var other = options
        other.seed = 43
        try ShapesWorldWriter.write(other, to: third.path)
        let a = try files(in: first.path), b = try files(in: second.path), c = try files(in: third.path)
        #expect(Set(a.keys) == Set(written))
        #expect(a.keys.contains("shapes_000000.png") && a.keys.contains("shapes_000001.jpg"))
        #expect(a == b)
        #expect(a["instances.json"] != c["instances.json"])
        #expect(a["shapes_000000.png"] != c["shapes_000000.png"])
    }

    @Test func masksMatchBoxesAreasRLEAndAreDisjoint() throws {
        var objectCount = 0
        for index in 0..<6 {
            let scene = ShapesSceneGenerator.scene(seed: 7, index: index, minSize: 48, maxSize: 96)
            var union = [Bool](repeating: false, count: scene.width * scene.height)
            for object in scene.objects {
                objectCount += 1
                var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1, count = 0
                for y in 0..<scene.height {
                    for x in 0..<scene.width where object.mask[y * scene.width + x] {
                        count += 1
                        minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
                        #expect(!union[y * scene.width + x], "masks overlap at \(x),\(y)")
                        union[y * scene.width + x] = true
                    }
                }
                #expect(count == object.area)
                #expect(count >= 40)
                #expect(object.bbox == (minX, minY, maxX - minX + 1, maxY - minY + 1))
                let counts = BinaryMaskRLE.encode(object.mask, width: scene.width, height: scene.height)
                #expect(BinaryMaskRLE.decode(counts, width: scene.width, height: scene.height) == object.mask)
            }
        }
        #expect(objectCount > 6)
    }

    @Test func rleIsColumnMajorStartingWithBackground() {
        // 2 wide, 2 high; only (x: 0, y: 1) set: column-major order is (0,0) (0,1) (1,0) (1,1).
        let mask = [false, false, true, false]
        #expect(BinaryMaskRLE.encode(mask, width: 2, height: 2) == [1, 1, 2])
        #expect(BinaryMaskRLE.encode([true, true, true, true], width: 2, height: 2) == [0, 4])
        #expect(BinaryMaskRLE.decode([1, 1], width: 2, height: 2) == nil)
    }

    @Test func cocoDocumentMatchesSidecars() throws {
        let folder = ScratchFolder()
        defer { folder.remove() }
        try ShapesWorldWriter.write(ShapesWorldWriter.Options(count: 2, seed: 3, minSize: 48, maxSize: 64, format: .png),
                                    to: folder.path)
        let coco = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.url.appendingPathComponent("instances.json"))) as! [String: Any]
        let annotations = coco["annotations"] as! [[String: Any]]
        let categories = coco["categories"] as! [[String: Any]]
        #expect(categories.count == ShapeKind.allCases.count)
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.url.appendingPathComponent("shapes_000000.json"))) as! [String: Any]
        let objects = sidecar["objects"] as! [[String: Any]]
        let firstImage = annotations.filter { ($0["image_id"] as! Int) == 1 }
        #expect(objects.count == firstImage.count)
        for (object, annotation) in zip(objects, firstImage) {
            #expect(object["bbox"] as! [Int] == annotation["bbox"] as! [Int])
            #expect(object["area"] as! Int == annotation["area"] as! Int)
            #expect(annotation["iscrowd"] as! Int == 0)
        }
        #expect((sidecar["tasks"] as! [String: Any]).isEmpty)
    }

    @Test func twentyScenesCoverFiveKindsAndSixColours() {
        var kinds = Set<ShapeKind>(), colours = Set<ShapeColour>()
        for index in 0..<20 {
            let scene = ShapesSceneGenerator.scene(seed: 11, index: index, minSize: 32, maxSize: 48, minVisibleArea: 10)
            for object in scene.objects {
                kinds.insert(object.shape.kind)
                colours.insert(object.colour)
            }
        }
        #expect(kinds.count >= 5)
        #expect(colours.count >= 6)
    }
}
