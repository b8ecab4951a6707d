"""The rule backend: typed mentions of one article from its token stream.

Passes, in order (each only claims tokens no earlier pass took), one module per rule group:
  0. outlets         cue-only outlet names in quotes / after a media head / a speech verb (homographs.py)
  1. gazetteer       longest match of known names, one pass over the tokens   (gazetteer.py)
                     (homograph names checked for a noun reading; then capitals that are words
                     in a place context: homographs.py)
  2. org heads       'وزارة الدفاع', 'تنظيم «داعش»', 'قوات الرد السريع'       (organisations.py)
  3. place cues      'مدينة X', 'قريتي X وY', 'ناحية البغدادي'                 (places.py)
  4. dates/times, quantities                                                   (numbers.py)
  5. persons         title + name, name + ', role', speech verb + name         (people.py)
  6. NORP            nationality / sect / ethnic adjectives and nouns          (nationalities.py)
The token stream and span bookkeeping are in core.py, per-token facts in tokens.py. Article-level
linking (surnames, anaphora, capitals standing for their government, geocoding) is in
tasks/entities/link.py.
"""

from __future__ import annotations

from akhbar.compiled import use_compiled

use_compiled(__name__, __path__[0])                  # before the submodules are imported

from tasks.entities.rules.core import RuleCore  # noqa: E402
from tasks.entities.rules.gazetteer import GazetteerRules
from tasks.entities.rules.homographs import HomographRules
from tasks.entities.rules.nationalities import NationalityRules
from tasks.entities.rules.numbers import NumberRules
from tasks.entities.rules.organisations import OrganisationRules
from tasks.entities.rules.people import PersonRules
from tasks.entities.rules.places import PlaceRules
from tasks.entities.rules.tokens import Mention, TokenFacts, norm_token, original_offset, token_facts, word_offset

__all__ = ["ArticleRules", "Mention", "TokenFacts", "norm_token", "original_offset", "token_facts", "word_offset"]


class ArticleRules(HomographRules, GazetteerRules, OrganisationRules, PlaceRules, NumberRules, PersonRules, NationalityRules,
                   RuleCore):
    """Token stream of one article (RuleCore) plus the rule groups that find its mentions."""

    def run(self, geo_names) -> list[Mention]:
        self.outlet_pass()
        self.gazetteer_pass()
        self.capital_pass()
        self.org_pass()
        self.acronym_pass()
        self.loc_pass(geo_names)
        self.admin_body_pass()
        self.reporter_pass()
        self.date_pass()
        self.quantity_pass()
        self.person_pass()
        self.norp_pass()
        return [m for m in self.mentions if not m.dead]
