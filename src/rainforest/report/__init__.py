"""Show: self-contained HTML reports of results, ensembles, comparisons, diagnoses and
explanations (plotly, no network needed).

One module per chart family: :mod:`~rainforest.report.timeseries`,
:mod:`~rainforest.report.survival`, :mod:`~rainforest.report.sizes`,
:mod:`~rainforest.report.network`, :mod:`~rainforest.report.flows`,
:mod:`~rainforest.report.attribution`, :mod:`~rainforest.report.typology` and
:mod:`~rainforest.report.tables`; :mod:`~rainforest.report.template` is the page.
"""

from rainforest.report.core import build_sections, kind_of, report, report_html

__all__ = ["build_sections", "kind_of", "report", "report_html"]
