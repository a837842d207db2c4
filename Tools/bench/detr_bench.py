"""DETR-R50 end-to-end benchmark (`make bench`): vispipe beside PyTorch eager and ONNX Runtime.

All sides run the same full-size random DETR-R50 (Tools/common/detr_reference.py, cached in --work)
on the same fixed 800x1066 input, with the same thread count, each in its own process so that its
peak RSS (ru_maxrss from os.wait4) is its own. The anchors' outputs are checked against PyTorch's
(max relative error <= 1e-4), and so are vispipe's when its side ran.

This script imports neither torch nor onnxruntime itself: a missing anchor is reported and skipped.
Exit status: 0 when every check that ran passed, 1 when an output check failed.
"""
import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import detr_reference as ref  # noqa: E402

ANCHORS = Path(__file__).resolve().with_name("detr_anchors.py")
TOLERANCE = 1e-4
DEFAULT_VISPIPE_CMD = (".build/release/vispipe forward detr --model {model} --inputs {inputs} "
                       "--repeat {repeats} --threads {threads} --timing-json "
                       "--out {work}/vispipe_outputs.safetensors")


class SideResult:
    """What one side reported, plus the peak RSS its process reached."""

    def __init__(self, name):
        self.name = name
        self.report = None        # the JSON object the side printed
        self.peak_rss_mb = None   # ru_maxrss of its process
        self.skip_reason = None
        self.errors = {}          # output name -> max relative error vs torch

    @property
    def median_s(self):
        return None if self.report is None else self.report.get("median_s")


def run_measured(command, env=None):
    """Runs `command`; returns (exit code, stdout text, stderr text, peak RSS in MiB of that process).

    os.wait4 reaps the child itself, so its rusage (ru_maxrss, KiB on Linux) is the child's own peak,
    not the sum over everything this script ever started.
    """
    with tempfile.TemporaryFile() as err_file:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err_file, env=env)
        out = process.stdout.read()
        process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        err_file.seek(0)
        err = err_file.read()
    return process.returncode, out.decode(errors="replace"), err.decode(errors="replace"), usage.ru_maxrss / 1024.0


def last_json_object(text):
    """The last stdout line that parses as a JSON object (sides may print progress before it)."""
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def tail(text, lines=15):
    return "\n".join(text.strip().splitlines()[-lines:])


def run_anchor(role, args, python):
    result = SideResult({"torch": "PyTorch eager", "ort": "ONNX Runtime", "export": "ONNX export",
                         "prepare": "reference model"}[role])
    command = [python, str(ANCHORS), role, "--work", args.work, "--threads", str(args.threads),
               "--repeats", str(args.repeats)]
    code, out, err, peak = run_measured(command)
    report = last_json_object(out)
    if code != 0 or report is None:
        result.skip_reason = f"{role} failed (exit {code}):\n{tail(err)}"
    elif "skipped" in report:
        result.skip_reason = report["skipped"]
    else:
        result.report, result.peak_rss_mb = report, peak
    return result


def run_vispipe(args):
    result = SideResult("vispipe")
    fields = {"model": args.work, "inputs": str(Path(args.work) / "inputs.safetensors"),
              "repeats": args.repeats, "threads": args.threads, "work": args.work}
    command = [token.format(**fields) for token in shlex.split(args.vispipe_cmd)]
    if shutil.which(command[0]) is None:
        result.skip_reason = f"vispipe side skipped: build with make bench ({command[0]} not found)"
        return result
    code, out, err, peak = run_measured(command)
    report = last_json_object(out)
    if code != 0 or report is None:
        result.skip_reason = f"vispipe side failed (exit {code}): {' '.join(command)}\n{tail(err or out)}"
    else:
        result.report, result.peak_rss_mb = report, peak
    return result


def compare_outputs(side, reference_path):
    """Fills side.errors with the max relative error of logits and pred_boxes against PyTorch's."""
    try:
        from safetensors.numpy import load_file
    except ImportError as error:
        side.errors["(comparison)"] = f"skipped: {error}"
        return
    outputs_path = side.report.get("outputs")
    if not outputs_path or not Path(outputs_path).exists():
        side.errors["(comparison)"] = f"skipped: no outputs file ({outputs_path})"
        return
    try:
        expected = load_file(reference_path)
        actual = load_file(outputs_path)
    except Exception as error:  # a truncated or foreign file must be reported, not crash the report
        side.errors["(comparison)"] = f"missing: cannot read outputs ({error})"
        return
    for name in ("logits", "pred_boxes"):
        side.errors[name] = ref.max_relative_error(actual[name], expected[name]) if name in actual else f"missing '{name}'"


def check_failed(side):
    """True when an output is missing or exceeds the tolerance (NaN counts as exceeding)."""
    for error in side.errors.values():
        if isinstance(error, str) and error.startswith("missing"):
            return True
        if isinstance(error, float) and not error <= TOLERANCE:
            return True
    return False


def format_seconds(value):
    return "—" if value is None else f"{value:.3f} s"


def format_error(side):
    if not side.errors:
        return "reference" if side.name == "PyTorch eager" else "—"
    parts = []
    for name, error in side.errors.items():
        parts.append(f"{name} {error:.1e}" if isinstance(error, float) else f"{name}: {error}")
    return ", ".join(parts)


def print_report(sides, vispipe, torch_side, args):
    print(f"\n## DETR-R50 forward, 1x3x800x1066, {args.threads} threads, median of {args.repeats} runs\n")
    print("| side | median | best | ratio to vispipe | peak RSS | max rel. error vs PyTorch |")
    print("|---|---:|---:|---:|---:|---|")
    for side in sides:
        if side.report is None:
            continue
        ratio = "—"
        if vispipe.median_s:
            ratio = f"{side.median_s / vispipe.median_s:.2f}x"
        rss = "—" if side.peak_rss_mb is None else f"{side.peak_rss_mb:.0f} MiB"
        times = side.report.get("times_s")
        best = format_seconds(min(times)) if times else "—"
        print(f"| {side.name} | {format_seconds(side.median_s)} | {best} | {ratio} | {rss} | {format_error(side)} |")
    print("\nratio = side's median / vispipe's median (above 1: vispipe is faster); best = fastest timed run."
          " Peak RSS is the whole process (interpreter/runtime, weights, activations), from ru_maxrss.")
    if vispipe.report and vispipe.report.get("peak_rss_mb") is not None:
        print(f"vispipe's own report: peak RSS {vispipe.report['peak_rss_mb']:.0f} MiB.")

    profiles = {s.name: s.report.get("profile") for s in (vispipe, torch_side) if s.report and s.report.get("profile")}
    if profiles:
        print("\n### Profile (median seconds per stage)\n")
        names = list(profiles)
        stages = []
        for profile in profiles.values():
            stages += [stage for stage in profile if stage not in stages]
        print("| stage | " + " | ".join(names) + " |")
        print("|---|" + "---:|" * len(names))
        for stage in stages:
            cells = [format_seconds(profiles[n].get(stage)) for n in names]
            print(f"| {stage} | " + " | ".join(cells) + " |")
        print("\nPyTorch stages come from forward hooks on model.backbone/encoder/decoder; 'other' is the rest"
              " (input projection, position embedding, heads).")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", default=ref.DEFAULT_WORK_DIR, help="cache folder for the model, input, ONNX file")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per side after one warm-up")
    parser.add_argument("--vispipe-cmd", default=DEFAULT_VISPIPE_CMD,
                        help="vispipe's side; {model} {inputs} {repeats} {threads} {work} are filled in")
    parser.add_argument("--python", default=sys.executable, help="interpreter with the reference packages")
    args = parser.parse_args()
    args.work = str(Path(args.work))

    load_before = os.getloadavg()
    prepared = run_anchor("prepare", args, args.python)
    if prepared.report is None:
        print(f"DETR benchmark: cannot prepare the reference model: {prepared.skip_reason}")
        print("Install the packages in Fixtures/requirements.txt to run the DETR benchmark.")
        return 0
    if prepared.report.get("built"):
        print(f"built the reference model in {args.work}")

    torch_side = run_anchor("torch", args, args.python)
    ort_side = SideResult("ONNX Runtime")
    export = run_anchor("export", args, args.python)
    if export.report is None:
        ort_side.skip_reason = f"no ONNX model: {export.skip_reason}"
    else:
        if not export.report.get("cached"):
            print(f"exported {export.report['onnx']} in {export.report['export_s']:.1f} s")
        ort_side = run_anchor("ort", args, args.python)
    vispipe = run_vispipe(args)

    for side in (torch_side, ort_side, vispipe):
        if side.skip_reason:
            print(f"{side.name}: {side.skip_reason}" if side is not vispipe else side.skip_reason)
    if torch_side.report:
        for side in (ort_side, vispipe):
            if side.report:
                compare_outputs(side, torch_side.report["outputs"])
    else:
        print("outputs not checked: the PyTorch side did not run")
    sides = [vispipe, torch_side, ort_side]
    print_report(sides, vispipe, torch_side, args)
    load_after = os.getloadavg()
    print(f"\nload average (1 min) before/after: {load_before[0]:.2f} / {load_after[0]:.2f} "
          f"on {os.cpu_count()} CPUs; a busy machine inflates every side.")

    failed = [s.name for s in (ort_side, vispipe) if check_failed(s)]
    if failed:
        print(f"\nFAILED: outputs of {', '.join(failed)} differ from PyTorch's by more than {TOLERANCE:g} (relative)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
