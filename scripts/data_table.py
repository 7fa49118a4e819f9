"""Print the model-vs-public-data table (markdown) for presets: the record in docs/data.md.

Usage: python scripts/data_table.py [--years 5] [--runs 4] PRESET ...
"""

from __future__ import annotations

import argparse
import time

from rainforest.data.compare import compare_model


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("presets", nargs="+")
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--runs", type=int, default=4)
    args = ap.parse_args()
    header = "| preset | region | quantity | public (year, scope, publisher) | model [90%] "
    print(header + "| model/public [90%] |")
    print("|---|---|---|---|---|---|")
    for preset in args.presets:
        t0 = time.time()
        df = compare_model(preset, years=args.years, runs=args.runs)
        for r in df.itertuples(index=False):
            year = "" if str(r.year) in ("<NA>", "nan", "None") else f"{r.year}, "
            print(
                f"| {preset} | {r.region} | {r.quantity} ({r.measure}, {r.unit}) "
                f"| {_num(r.public)} ({year}{r.scope}, {r.publisher}) "
                f"| {_num(r.model)} [{_num(r.model_lo)}–{_num(r.model_hi)}] "
                f"| {r.ratio:.3g} [{r.ratio_lo:.3g}–{r.ratio_hi:.3g}] |"
            )
        if df.empty:
            print(f"| {preset} | – | no public figure maps onto its districts | | | |")
        print(f"<!-- {preset}: {time.time() - t0:.0f} s -->")


if __name__ == "__main__":
    main()
