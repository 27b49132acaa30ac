"""The city's resident survey of liveability (issue #16, section 3): import and publication."""
