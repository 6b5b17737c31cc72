"""From observed data to scenario parameters (time studies, the ward's task-mapping workbook).

Empty for now: calibration arrives in a later issue. Its output will be a scenario
*variant* file that ``extends`` the mapped baseline, so a calibrated ward goes through the
same path as any other scenario.
"""
