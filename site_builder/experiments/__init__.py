"""Experiments: figure declarations from front matter, and the runs that make figures."""
