"""`netui serve`: the explorer in web browsers, one app process per browser (textual-serve).

plan.py turns the command line into what to serve (pure, no web imports); gate.py caps
the sessions; page.py holds the pages; server.py is the aiohttp server, imported only by
`netui serve` (aiohttp and textual-serve are an optional extra, and slow to import).
"""
