"""Stage-2 benchmark: every seeded fault of tests/refine/test_refine.py through the verifier and
the offline refiner.

Run: ``.venv/bin/python benchmarks/bench_refine.py [--out runs/bench_refine]``. For each fault
type: detected by the verifier (the expected check among its errors), fixed by the rules
refiner (accepted within 5 rounds), the rounds it took and the wall time. Prints Markdown for
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from gendexhand.sim.gl import select_gl_backend

select_gl_backend()
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.refine.test_refine import FAULTS, PROPOSAL, _config, _run  # noqa: E402

from gendexhand.propose.schema import TaskProposal  # noqa: E402
from gendexhand.refine.verify import verify  # noqa: E402
from gendexhand.stages.refine import refine_run  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path, default=Path("runs/bench_refine"))
    a = p.parse_args()
    print("| fault | expected check | detected | fixed | rounds | s |\n|---|---|---|---|---|---|")
    for name, (fault, check) in FAULTS.items():
        t0 = time.perf_counter()
        report, _ = verify(_config(fault), TaskProposal.model_validate(PROPOSAL))
        found = check in {f.check.value for f in report.errors}
        out_dir = a.out / name
        shutil.rmtree(out_dir, ignore_errors=True)
        [out] = refine_run(_run(out_dir, fault), rounds=5)
        fixed = out.status == "accepted"
        took = time.perf_counter() - t0
        note = "" if fixed else f" ({out.reason})"
        print(f"| {name} | {check} | {'yes' if found else 'no'} | {'yes' if fixed else 'no'}"
              f"{note} | {out.rounds} | {took:.0f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
