"""Files in and out: the scenario format and its checks, and the result files."""
