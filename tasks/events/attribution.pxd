# Cython declarations augmenting attribution.py in the compiled build (akhbar/compiled.py; see words.pxd).
# Its closure-free functions become cpdef: calls within the module are C calls, and a typed
# Sentence/Word argument is read as a C struct. The .py runs unchanged as Python without this file.

cimport cython
from tasks.events.words cimport Filler, Sentence, Word

cpdef _source(Sentence sent, f, via)
cpdef _speaker_after(Sentence sent, j)
cpdef _name_before_content(Sentence sent, k)
cpdef speaker_chunk(Sentence sent, k)
cpdef _speaker_before(Sentence sent, j)
cpdef _via_after(Sentence sent, f)
cpdef speech_source(Sentence sent, j)
cpdef attribution(Sentence sent, i, carry)
cpdef _last_speaker(Sentence sent, j, carry)
@cython.locals(src=str)
cpdef _count_quotes(text, carry, start=*, end=*)
cpdef _update_carry(Sentence sent, carry)
cpdef _in_quote(Sentence sent, i)
