"""Writes small COCO ground-truth/result pairs and pycocotools' COCOeval (bbox) stats for them.

Run with the reference venv: python Fixtures/eval/generate_coco_eval_fixtures.py
Outputs (next to this script): case_<name>_gt.json, case_<name>_results.json, expected.json.
"""
import contextlib
import io
import json
import os

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

HERE = os.path.dirname(os.path.abspath(__file__))


def random_case(rng, images, categories, objects_per_image, crowd_fraction, duplicate_fraction):
    """Ground truth with boxes of all three area ranges, plus noisy detections around them."""
    gt_images = [{"id": i, "width": 640, "height": 480} for i in images]
    annotations, results = [], []
    next_id = 1
    # The last image has no ground truth (false alarms only); the one before it gets no detections.
    for image in images[:-1]:
        for _ in range(rng.integers(1, objects_per_image + 1)):
            side = float(rng.choice([rng.uniform(8, 30), rng.uniform(34, 90), rng.uniform(100, 200)]))
            w, h = side * rng.uniform(0.7, 1.3), side * rng.uniform(0.7, 1.3)
            x, y = rng.uniform(0, 640 - w), rng.uniform(0, 480 - h)
            category = int(rng.choice(categories[:-1]))  # the last category never has ground truth
            crowd = int(rng.random() < crowd_fraction)
            area = w * h * rng.uniform(0.6, 1.0)  # like a segmentation's area: smaller than the box
            annotations.append({"id": next_id, "image_id": image, "category_id": category,
                                "bbox": [round(x, 2), round(y, 2), round(w, 2), round(h, 2)],
                                "area": round(area, 2), "iscrowd": crowd})
            next_id += 1
            if image == images[-2]:
                continue
            copies = 1 + int(rng.random() < duplicate_fraction) + int(rng.random() < 0.3 * crowd + 0.1)
            for _ in range(copies):
                if rng.random() < 0.15:
                    continue  # a miss
                noise = rng.normal(0, 0.12 * side, 4)
                det_category = category if rng.random() > 0.1 else int(rng.choice(categories))
                results.append({"image_id": image, "category_id": det_category,
                                "bbox": [round(x + noise[0], 2), round(y + noise[1], 2),
                                         round(max(1.0, w + noise[2]), 2), round(max(1.0, h + noise[3]), 2)],
                                "score": round(float(rng.uniform(0.05, 1.0)), 3)})
    # False alarms anywhere, including the image without ground truth; some share scores (ties).
    for _ in range(len(images) * 2):
        w, h = rng.uniform(5, 150), rng.uniform(5, 150)
        results.append({"image_id": int(rng.choice(images)), "category_id": int(rng.choice(categories)),
                        "bbox": [round(rng.uniform(0, 500), 2), round(rng.uniform(0, 350), 2), round(w, 2), round(h, 2)],
                        "score": float(rng.choice([0.5, 0.25, round(float(rng.uniform(0, 1)), 3)]))})
    gt = {"images": gt_images, "categories": [{"id": c, "name": f"class{c}"} for c in categories],
          "annotations": annotations}
    return gt, results


def coco_stats(gt, results):
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO()
        coco_gt.dataset = json.loads(json.dumps(gt))
        coco_gt.createIndex()
        if results:
            coco_dt = coco_gt.loadRes(json.loads(json.dumps(results)))
        else:  # loadRes rejects an empty list; an empty result set is a dataset without annotations
            coco_dt = COCO()
            coco_dt.dataset = {"images": gt["images"], "categories": gt["categories"], "annotations": []}
            coco_dt.createIndex()
        evaluation = COCOeval(coco_gt, coco_dt, "bbox")
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    return [float(s) for s in evaluation.stats]


def main():
    rng = np.random.default_rng(20261129)
    cases = {
        "mixed": random_case(rng, [1, 2, 3, 5, 8, 13], [1, 2, 3, 7], 6, 0.1, 0.2),
        "crowded": random_case(rng, [10, 11, 12, 14], [3, 4, 9], 9, 0.3, 0.4),
        "many": random_case(rng, list(range(100, 118)), [1, 2, 5, 6, 11], 8, 0.05, 0.15),
    }
    cases["empty_results"] = (cases["mixed"][0], [])
    # Only large objects: pycocotools reports -1 for the small and medium statistics.
    large_gt = dict(cases["many"][0])
    large_gt["annotations"] = [a for a in large_gt["annotations"] if a["area"] > 96 ** 2]
    cases["large_only"] = (large_gt, cases["many"][1])
    expected = {}
    for name, (gt, results) in cases.items():
        with open(os.path.join(HERE, f"case_{name}_gt.json"), "w") as f:
            json.dump(gt, f)
        with open(os.path.join(HERE, f"case_{name}_results.json"), "w") as f:
            json.dump(results, f)
        expected[name] = coco_stats(gt, results)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
