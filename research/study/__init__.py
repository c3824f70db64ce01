"""The classification study (issue #6): stratified folds, threshold tuning and calibration on validation data only,
bootstrap confidence intervals, PR and reliability curves, config sweeps with shared tokens and topic features,
temporal drift, run comparison and public-benchmark runs. One concept per module; nothing here is imported by the
plain ``research run`` path unless the config asks for it.
"""
