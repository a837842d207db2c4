"""Checks that a `vispipe run` output folder's coco_results.json is accepted by pycocotools.

Usage: python Tools/check/coco_results_loadres.py OUT_DIR [--gt instances.json]

Without --gt, a minimal ground-truth file is built from OUT_DIR/results.jsonl (each line's
`image_id`, size and file name; one category per label id seen), which is what `COCO.loadRes` needs
to check the results against.
Exit status 0 when `loadRes` accepts the file and every image id is known, 1 otherwise.
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

try:
    from pycocotools.coco import COCO
except ImportError:
    print("pycocotools is not installed (pip install pycocotools)", file=sys.stderr)
    sys.exit(2)


def ground_truth_from_results(out_dir: Path) -> dict:
    images, categories = [], set()
    results = out_dir / "results.jsonl"
    for line in results.read_text().splitlines():
        record = json.loads(line)
        images.append({"id": record["image_id"], "file_name": record["path"],
                       "width": record["width"], "height": record["height"]})
        for value in record.values():
            if isinstance(value, list):
                categories.update(d["label_id"] for d in value if isinstance(d, dict) and "label_id" in d)
    return {"images": images, "annotations": [],
            "categories": [{"id": c, "name": str(c)} for c in sorted(categories)]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--gt", type=Path, help="COCO instances file the run's image ids refer to")
    args = parser.parse_args()
    results_path = args.out_dir / "coco_results.json"
    if args.gt:
        gt_path = args.gt
    else:
        gt_path = Path(tempfile.mkdtemp()) / "instances.json"
        gt_path.write_text(json.dumps(ground_truth_from_results(args.out_dir)))
    coco = COCO(str(gt_path))
    detections = coco.loadRes(str(results_path))
    count = len(detections.getAnnIds())
    print(f"pycocotools loadRes accepted {results_path}: {count} detections on "
          f"{len(detections.getImgIds())} images")
    return 0


if __name__ == "__main__":
    sys.exit(main())
