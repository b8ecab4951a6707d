# Cython declarations augmenting killings.py in the compiled build (akhbar/compiled.py; see words.pxd).
# Its closure-free functions become cpdef: calls within the module are C calls, and a typed
# Sentence/Word argument is read as a C struct. The .py runs unchanged as Python without this file.

from tasks.events.words cimport Filler, Sentence, Word

cpdef agent_killing(Sentence sent, i, t)
cpdef _agent(Sentence sent, j)
cpdef _breaks(Sentence sent, j)
cpdef _marked_agent(Sentence sent, i)
cpdef _subject_before(Sentence sent, i)
cpdef _object_at(Sentence sent, j)
