"""Rule group 6: nationality, sect and ethnic adjectives and nouns (NORP)."""

from __future__ import annotations



class NationalityRules:
    """NORP pass of ArticleRules."""

    def norp_pass(self) -> None:
        for i, _, _ in self.having("NORP", "NORP_FORM"):
            if self.taken[i] is None:
                cls = self.cls[i]
                slug = cls.get("NORP") or cls.get("NORP_FORM")
                self.add(i, i + 1, "NORP", f"norp_{slug}", self.lex.norp_names.get(slug, slug), 0.85,
                         "norp_lexicon", start=self.token_start(i, self.lexkey[i]))
