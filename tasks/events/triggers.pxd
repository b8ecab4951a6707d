# Cython declarations augmenting triggers.py in the compiled build (akhbar/compiled.py; see words.pxd).
# Its closure-free functions become cpdef: calls within the module are C calls, and a typed
# Sentence/Word argument is read as a C struct. The .py runs unchanged as Python without this file.

from tasks.events.words cimport Filler, Sentence, Word

cpdef _nominal(norm)
cpdef _participant_first(words, j, i)
cpdef _drop_mentions_opening_with(Sentence sent, triggers)
cpdef _trigger_span(text, Word w, key)
cpdef _civilian_movers(Sentence sent, i)
cpdef context_ok(t, Sentence sent, i)
cpdef _any_stem(words, values)
cpdef find_triggers(Sentence sent)
