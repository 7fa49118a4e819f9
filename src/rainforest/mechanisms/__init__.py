"""The model's mechanisms, one module each (M1-M10 of DESIGN.md), as Numba kernels.

Each module's docstring quotes the seed claim it models. Kernels take the struct-of-arrays
tables of :mod:`rainforest.engine.state` and the parameter tuples of
:mod:`rainforest.engine.params`; randomness comes from Numba's per-thread generator, seeded by
the engine from the run's ``numpy.random.Generator`` before every month.
"""
