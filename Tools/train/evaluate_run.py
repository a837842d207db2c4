"""COCO bbox metrics of a `vispipe run` output folder, by pycocotools and by `vispipe eval detections`
side by side.

    python Tools/train/evaluate_run.py OUT_DIR --gt instances.json [--vispipe .build/release/vispipe] [--json FILE]

Prints the twelve COCOeval numbers from both and their largest difference; exit status 1 when they
differ by more than 1e-3 (the tolerance `vispipe eval detections` promises).
"""
import argparse
import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

NAMES = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]


def pycocotools_stats(gt_path, results):
    """pycocotools' twelve bbox numbers for a results list (as Fixtures/eval/generate_coco_eval_fixtures.py
    computes them: no results = a detection set without annotations, so areas without ground truth stay -1)."""
    with contextlib.redirect_stdout(io.StringIO()):
        ground_truth = COCO(str(gt_path))
        if results:
            detections = ground_truth.loadRes(results)
        else:  # loadRes refuses an empty list
            detections = COCO()
            detections.dataset = {"images": ground_truth.dataset["images"],
                                  "categories": ground_truth.dataset["categories"], "annotations": []}
            detections.createIndex()
        evaluation = COCOeval(ground_truth, detections, "bbox")
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    return dict(zip(NAMES, (float(value) for value in evaluation.stats)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--gt", type=Path, required=True)
    parser.add_argument("--vispipe", default=".build/release/vispipe")
    parser.add_argument("--json", type=Path, help="also write both sets of numbers here")
    args = parser.parse_args()
    results = args.out_dir / "coco_results.json"
    reference = pycocotools_stats(args.gt, json.loads(results.read_text()))
    printed = subprocess.run([args.vispipe, "eval", "detections", "--gt", str(args.gt), "--results", str(results), "--json"],
                             check=True, capture_output=True, text=True).stdout
    ours = json.loads(printed)
    difference = max(abs(ours[name] - reference[name]) for name in NAMES)
    print(f"{'metric':<6} {'pycocotools':>12} {'vispipe':>9}")
    for name in NAMES:
        print(f"{name:<6} {reference[name]:>12.4f} {ours[name]:>9.4f}")
    print(f"max |vispipe - pycocotools| = {difference:.2e}")
    if args.json:
        args.json.write_text(json.dumps({"pycocotools": reference, "vispipe": ours}, indent=1) + "\n")
    sys.exit(0 if difference <= 1e-3 else 1)


if __name__ == "__main__":
    main()
