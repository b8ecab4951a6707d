# Cython declarations augmenting salience.py in the compiled build (akhbar/compiled.py; see words.pxd).
# Its closure-free functions become cpdef: calls within the module are C calls, and a typed
# Sentence/Word argument is read as a C struct. The .py runs unchanged as Python without this file.

from tasks.events.words cimport Filler, Sentence, Word

cpdef word_lists(norm)
cpdef _in(Word w, name)
cpdef _word_bits(Sentence sent)
cpdef _clause_span(Sentence sent, i, before, after)
cpdef _question(Sentence sent)
cpdef _is_question(Sentence sent)
cpdef _is(Word w, name)
cpdef attempt_head(Sentence sent, i, t)
cpdef _masdar(Sentence sent, i)
cpdef _relative_clause(Sentence sent, i, reach=*)
cpdef _acting(Sentence sent, i, people=*)
cpdef _casualty_verb(Sentence sent, k)
cpdef _far_subject(Sentence sent, i)
cpdef earlier_than_news(date, published)
cpdef salience(Sentence sent, i, t, key)
cpdef _anchored(Sentence sent, i, protest=*)
cpdef _reference_before(Sentence sent, sb, ref, at)
cpdef _span_has(Sentence sent, sb, bit, i, before, after)
