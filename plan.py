#!/usr/bin/env python3
"""Route and schedule planner for mobile ID-card enrolment teams.

Run ``python plan.py --help`` for the commands.
"""

from planner.cli import main

if __name__ == "__main__":
    main()
