# Cython declarations augmenting modality.py in the compiled build (akhbar/compiled.py; see words.pxd).
# Its closure-free functions become cpdef: calls within the module are C calls, and a typed
# Sentence/Word argument is read as a C struct. The .py runs unchanged as Python without this file.

from tasks.events.words cimport Filler, Sentence, Word

cpdef _rumoured(Sentence sent, a, cue_idx, window)
cpdef _negated_denial(words, j)
cpdef _attributive_cue(words, j)
cpdef _after_bits(Sentence sent, i, n)
cpdef modality(Sentence sent, i, t, key, source, cue_idx)
cpdef _first(Sentence sent, name)
cpdef _governor(Sentence sent, i)
cpdef _any_before(flags, a, i, n, bit)
cpdef _cue_before(flags, words, lo, i, bit, stop, attributive)
cpdef _has_norm(words, norm)
