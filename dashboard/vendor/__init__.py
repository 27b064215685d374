"""Third-party browser files the app serves itself (no CDN, no network at run time).

- `plotly-basic.min.js`: plotly.js's "basic" partial bundle (scatter, bar and pie traces), from
  the npm package `plotly.js-basic-dist-min` of the same version as the plotly.js that plotly.py
  ships (`plotly.offline.get_plotlyjs_version()`), MIT licensed (`plotly.js.LICENSE`).
  dashboard/plotly_bundle.py serves it in place of the full bundle; tests/test_plotly_bundle.py
  holds the versions equal. To update: `npm pack plotly.js-basic-dist-min@<version>` and copy
  its `plotly-basic.min.js` here, then set `__version__`.

A package, so that Dash serves its files from `/_dash-component-suites/dashboard.vendor/` with
the fingerprint (version and file time) that lets browsers keep them for a year.
"""

__version__ = "4.1.1"
