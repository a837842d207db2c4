/// Builds the JSON documents of a ShapesWorld dataset: the COCO `instances.json` and the
/// per-image sidecar. Values are `JSONValue`s written by `JSONWriter` (sorted keys), so equal
/// scenes give equal bytes.
public enum ShapesWorldAnnotations {
    /// The COCO categories: one per shape kind, supercategory "shape".
    public static var categories: JSONValue {
        .array(ShapeKind.allCases.map { kind in
            .object(["id": .number(Double(kind.categoryID)), "name": .string(kind.rawValue),
                     "supercategory": .string("shape")])
        })
    }

    /// COCO `segmentation` for a mask: uncompressed RLE with `size` [height, width].
    static func rle(_ object: SceneObject, width: Int, height: Int) -> JSONValue {
        .object(["counts": .array(BinaryMaskRLE.encode(object.mask, width: width, height: height).map { .number(Double($0)) }),
                 "size": .array([.number(Double(height)), .number(Double(width))])])
    }

    static func bbox(_ object: SceneObject) -> JSONValue {
        .array([object.bbox.x, object.bbox.y, object.bbox.width, object.bbox.height].map { .number(Double($0)) })
    }

    /// The COCO `images` entry of one scene.
    public static func cocoImage(scene: ShapesScene, fileName: String, imageID: Int) -> JSONValue {
        .object(["id": .number(Double(imageID)), "file_name": .string(fileName),
                 "width": .number(Double(scene.width)), "height": .number(Double(scene.height))])
    }

    /// The COCO annotations of one scene, with ids counting up from `firstID`.
    public static func cocoAnnotations(scene: ShapesScene, imageID: Int, firstID: Int) -> [JSONValue] {
        scene.objects.enumerated().map { offset, object in
            .object([
                "id": .number(Double(firstID + offset)),
                "image_id": .number(Double(imageID)),
                "category_id": .number(Double(object.shape.kind.categoryID)),
                "bbox": bbox(object),
                "area": .number(Double(object.area)),
                "segmentation": rle(object, width: scene.width, height: scene.height),
                "iscrowd": .number(0),
                "attributes": .object(["colour": .string(object.colour.rawValue), "z_order": .number(Double(object.zOrder))]),
            ])
        }
    }

    /// The COCO document from per-scene `images` and `annotations` entries (image ids are
    /// 1-based scene indices; annotation ids count up over the whole dataset).
    public static func coco(images: [JSONValue], annotations: [JSONValue], seed: UInt64) -> JSONValue {
        .object([
            "info": .object(["description": .string("ShapesWorld synthetic scenes (vispipe synth shapes)"),
                             "seed": .string(String(seed))]),
            "images": .array(images), "annotations": .array(annotations), "categories": categories,
        ])
    }

    /// The sidecar for one scene. `tasks` is an empty object reserved for later stages
    /// (grounding questions, visual-search targets, captions); see Docs/shapesworld.md.
    public static func sidecar(scene: ShapesScene, fileName: String, imageID: Int) -> JSONValue {
        .object([
            "image_id": .number(Double(imageID)),
            "file_name": .string(fileName),
            "width": .number(Double(scene.width)), "height": .number(Double(scene.height)),
            "background": .string(scene.background.rawValue),
            "lighting": .object(["brightness": .number(Double(scene.brightness)),
                                 "contrast_percent": .number(Double(scene.contrastPercent))]),
            "objects": .array(scene.objects.map { object in
                .object([
                    "shape": .string(object.shape.kind.rawValue),
                    "colour": .string(object.colour.rawValue),
                    "z_order": .number(Double(object.zOrder)),
                    "bbox": bbox(object),
                    "area": .number(Double(object.area)),
                    "mask_rle": rle(object, width: scene.width, height: scene.height),
                    "center": .array([.number(Double(object.shape.centerX)), .number(Double(object.shape.centerY))]),
                    "radius": .number(Double(object.shape.radius)),
                    "rotation_degrees": .number(Double(object.shape.rotationDegrees)),
                ])
            }),
            "tasks": .object([:]),
        ])
    }
}
