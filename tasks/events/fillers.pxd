# Cython declarations augmenting fillers.py in the compiled build (akhbar/compiled.py; see words.pxd).
# Its closure-free functions become cpdef: calls within the module are C calls, and a typed
# Sentence/Word argument is read as a C struct. The .py runs unchanged as Python without this file.

from tasks.events.words cimport Filler, Sentence, Word

cpdef mention_filler(Sentence sent, first)
cpdef _adjective_head(Sentence sent, first)
cpdef _approximate(Sentence sent, i, triggers)
cpdef chunk(Sentence sent, first, max_words=*, stop_at_trigger=*, place=*)
cpdef filler_at(Sentence sent, i, heads=*, triggers=*)
cpdef np_at(Sentence sent, j, triggers)
cpdef preps_before(Sentence sent, f)
cpdef _preps_before(Sentence sent, f)
cpdef place_fillers(Sentence sent, lo, hi, triggers)
cpdef _place_fillers(Sentence sent, triggers)
cpdef _purpose_noun(Sentence sent, j)
cpdef coordinated(Sentence sent, f)
cpdef _coordinated_before(Sentence sent, f)
cpdef _is_place(Sentence sent, f)
cpdef _agent_slots(Sentence sent)
cpdef _has_pronoun(norm, key)
cpdef _is_state(Sentence sent, f)
