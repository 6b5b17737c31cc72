"""The task-mapping workbook: a ward's own Excel table in and out of wardsim.

``read_workbook`` turns a workbook into today's ward and, when it has Forslag cells, the
proposal; ``write_workbook`` writes a scenario (and a proposal) as one, or an empty
template. The sheets and columns are described in the README ("The task-mapping
workbook") and on the workbook's own instruction sheet.
"""

from sim.io.workbook.reader import WorkbookScenarios, read_workbook
from sim.io.workbook.writer import write_workbook

__all__ = ["WorkbookScenarios", "read_workbook", "write_workbook"]
