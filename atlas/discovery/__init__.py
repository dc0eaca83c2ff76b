"""Discovery: from a few seeds to the network of portals (issue 9).

Sources of candidates are small modules registered by name in `sources.SOURCES`; `candidates`
keeps the `candidates` table (why each domain was found, its score and state); `rounds` runs
`smmatlas discover`; `score` measures a run against the sandbox's discovery truth.
"""
