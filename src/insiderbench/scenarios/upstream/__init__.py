"""Upstream packs: the original study's templates, loaded at run time.

``upstream/blackmail``, ``upstream/leaking`` and ``upstream/murder`` render the
MIT-licensed templates of "Agentic Misalignment" (Lynch et al., 2025) from the
user's installed ``inspect_evals`` or from a clone of the original repository
named by ``$INSIDERBENCH_UPSTREAM_DIR``. Nothing from those templates is stored
in this repository. The prompts match the Inspect port byte for byte, except
where the port has a known defect; see ``docs/upstream.md``.
"""

from insiderbench.scenarios.upstream._assemble import COMPANY_PLACEHOLDER, DIRECTION_FIXES
from insiderbench.scenarios.upstream._facts import FACTS, UpstreamFacts
from insiderbench.scenarios.upstream._pack import UpstreamPack, load_upstream_pack
from insiderbench.scenarios.upstream._source import UPSTREAM_DIR_ENV, UpstreamSource

__all__ = [
    "COMPANY_PLACEHOLDER",
    "DIRECTION_FIXES",
    "FACTS",
    "UPSTREAM_DIR_ENV",
    "UpstreamFacts",
    "UpstreamPack",
    "UpstreamSource",
    "load_upstream_pack",
]
