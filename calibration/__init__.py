"""From observations to parameters: a time study's times and events into a scenario variant.

- :mod:`calibration.timestudy` reads and checks the observation, event and census files;
- :mod:`calibration.likelihood` holds the censored likelihoods and a vectorised MLE;
- :mod:`calibration.durations` fits lognormal, gamma, Weibull and exponential durations
  (censored maximum likelihood, AIC, goodness of fit, bootstrap CIs);
- :mod:`calibration.arrivals` gives rates per interval and day type with exact Poisson CIs
  and a dispersion check;
- :mod:`calibration.export` writes ``calibrated.yaml`` (a variant that ``extends`` the
  scenario with only the fitted values), ``calibration.csv`` and the sweep ranges;
- :mod:`calibration.report` draws ``calibration.html``.

``wardsim calibrate durations|arrivals`` (:mod:`sim.cli.calibrate`) runs them.
"""
