"""Count how `rainforest run` handles the hostile-scenario corpus and keep docs/reliability.md
current.

Each case of ``tests/hostile_corpus.py`` is written to a file and run as
``rainforest run FILE --years 1 [ARGS]`` in its own process, with a wall-clock limit and an
address-space limit (so a runaway case cannot take the machine). Outcomes:

- **clear**: non-zero exit, no traceback, the field named at the top of the error (its first
  lines: a usage error's box starts with the usage line), a short error (at most 25 lines),
  within the limit;
- **vague**: non-zero exit and no traceback, but the field is not named at the top, or
  the error is a flood of lines;
- **crash**: a traceback, or killed by a signal (e.g. out of memory);
- **hang**: still running at the time limit;
- **nonsense**: exit 0 (a bad input that ran).

Usage::

    .venv/bin/python scripts/reliability.py [--timeout S] [--jobs N] [--quick] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile_corpus import CASES, Case  # noqa: E402

DOC = ROOT / "docs" / "reliability.md"
BEGIN, END = "<!-- reliability:begin -->", "<!-- reliability:end -->"
OUTCOMES = ("clear", "vague", "crash", "hang", "nonsense")
MEMORY_LIMIT = 4 * 2**30  # bytes of address space per case


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def classify(rc: int | None, out: str, err: str, expect: str) -> str:
    """The outcome of one case from its exit code (None: timed out) and output."""
    if rc is None:
        return "hang"
    if "Traceback (most recent call last)" in out + err or rc < 0:
        return "crash"
    if rc == 0:
        return "nonsense"
    lines = [ln for ln in err.splitlines() if ln.strip()]
    head = "\n".join(lines[:6]).lower()  # a usage error's box puts its one line a little lower
    if expect.lower() in head and len(lines) <= 25:
        return "clear"
    return "vague"


def run_case(case: Case, folder: Path, timeout: float, src: str | None = None) -> dict:
    """Run one case; returns its name, outcome, seconds and first error line."""
    path = case.write(folder)
    cmd = [str(ROOT / ".venv" / "bin" / "rainforest"), "run", str(path), "--years", "1"]
    t0 = time.perf_counter()
    try:
        p = subprocess.run(
            [*cmd, *case.args],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            preexec_fn=_limit_memory,
            env={**os.environ, "COLUMNS": "400", **({"PYTHONPATH": src} if src else {})},
            cwd=folder,
        )
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as exc:
        rc, out, err = None, str(exc.stdout or ""), str(exc.stderr or "")
    secs = time.perf_counter() - t0
    path.unlink(missing_ok=True)
    lines = [ln for ln in (err or out).splitlines() if ln.strip()]
    first = lines[0] if lines else ""
    if rc is not None and "Traceback" in out + err:
        first = next((ln for ln in reversed(lines) if ln.strip()), first)
    first = first.replace(f"{folder}/", "")  # the file's name, not the temporary folder
    return {
        "case": case.name,
        "outcome": classify(rc, out, err, case.expect),
        "seconds": secs,
        "message": first[:160],
    }


def table(results: list[dict]) -> str:
    """The Markdown summary and per-case table."""
    counts = {o: sum(r["outcome"] == o for r in results) for o in OUTCOMES}
    head = "| tried | " + " | ".join(OUTCOMES) + " |\n|" + "---|" * (len(OUTCOMES) + 1) + "\n"
    summary = head + f"| {len(results)} | " + " | ".join(str(counts[o]) for o in OUTCOMES) + " |"
    rows = ["| case | outcome | seconds | first line of the error |", "|---|---|---|---|"]
    for r in results:
        msg = r["message"].replace("|", "\\|").replace("`", "'")
        rows.append(f"| {r['case']} | {r['outcome']} | {r['seconds']:.1f} | {msg} |")
    return summary + "\n\n" + "\n".join(rows)


def write_doc(text: str) -> None:
    """Replace the generated block of docs/reliability.md."""
    doc = DOC.read_text(encoding="utf-8")
    start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    DOC.write_text(doc[:start] + "\n" + text + "\n" + doc[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> list[dict]:
    """Run the corpus, print the table and (unless --no-write) update docs/reliability.md."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per case")
    ap.add_argument("--jobs", type=int, default=2, help="cases run at once")
    ap.add_argument("--quick", action="store_true", help="skip the large-file cases")
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--src", help="run another source tree (e.g. an old checkout's src)")
    ap.add_argument("cases", nargs="*", help="case names (default: all)")
    args = ap.parse_args(argv)
    cases = [c for c in CASES if not (args.quick and c.slow)]
    if args.cases:
        cases = [c for c in cases if c.name in args.cases]
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda c: run_case(c, Path(tmp), args.timeout, args.src), cases))
    text = table(results)
    print(text)
    if not args.no_write and not args.cases:
        write_doc(text)
    return results


if __name__ == "__main__":
    main()
