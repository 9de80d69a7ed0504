#!/usr/bin/env python3
"""Sums the individual test cases in meson's JUnit logs and prints 'N passed, N failed'.

Meson runs each GoogleTest binary with protocol 'gtest' and folds the cases into its JUnit log,
so the line counts cases, not binaries. Exits 1 if any case failed or nothing ran."""
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or passed == 0 else 0)
