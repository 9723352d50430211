"""Sphinx configuration of shrinkage's documentation site (docs/).

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` with
the package installed (the API pages import it) and the `docs` extra.
Pages are Markdown (MyST); the tour and the design notes are included from
README.md and docs/design.md rather than copied; the figures are drawn at
build time by shrinkage.plot (matplotlib's plot directive).
"""

import shrinkage

project = "shrinkage"
author = "The shrinkage developers"
copyright = "The shrinkage developers"
release = shrinkage.__version__
version = release

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "matplotlib.sphinxext.plot_directive",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "design.md", "release.md", "generated/*.md"]
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_xref_param_type = False

plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
plot_pre_code = "import numpy as np\nimport matplotlib\nmatplotlib.use('Agg')"

html_theme = "alabaster"
html_title = f"shrinkage {release}"
