"""Starting the bot's processes on this machine: the single embedded bot and the scale-out cluster.

Used by `make scale`, the end-to-end and scale-out tests, and the benchmarks, so all of them run the same thing.
"""
