# Cython declarations augmenting domain.py in the compiled build (akhbar/compiled.py; see words.pxd).
# Its closure-free functions become cpdef: calls within the module are C calls, and a typed
# Sentence/Word argument is read as a C struct. The .py runs unchanged as Python without this file.

from tasks.events.words cimport Filler, Sentence, Word

cpdef conflict_types()
cpdef _figurative(Word w, domains)
cpdef figurative_move(Sentence sent, i, etype)
cpdef sense_blocked(Sentence sent, i, verb=*)
