"""The council's quarterly report (issue #16, section 2): figures from the index, as a PDF."""
