# Cython declarations augmenting victims.py in the compiled build (akhbar/compiled.py; see words.pxd).
# Its closure-free functions become cpdef: calls within the module are C calls, and a typed
# Sentence/Word argument is read as a C struct. The .py runs unchanged as Python without this file.

from tasks.events.words cimport Filler, Sentence, Word

cpdef _result_victims_at(Sentence sent)
cpdef result_victims(Sentence sent, i)
cpdef partitive(Sentence sent, f, triggers)
