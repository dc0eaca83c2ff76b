"""The project's settings, for jobs Scrapyd runs: `config.settings` of the installed atlas.

Per job, pass the atlas and the proxy as settings of schedule.json, e.g.
`-d setting=SMMATLAS_DB=sqlite:////var/lib/smmatlas/atlas.db -d setting=SMMATLAS_PROXY=...`;
`SMMATLAS_DB`/`SMMATLAS_DATA` in Scrapyd's environment work too.
"""

from config.settings import *  # noqa: F403
