"""Leaf modules every layer may import and that import none of them: settings, the Rasa client, the metrics.

``handlers/``, ``bot/``, ``console/`` and ``storage/`` get these (or narrower arguments built from them) from
``hotline/``, which wires the application; nothing here imports the application's packages.
"""
