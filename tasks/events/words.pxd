# Cython declarations augmenting words.py in the compiled build (akhbar/compiled.py); the .py runs
# unchanged as Python without them. Word, Filler and Sentence become extension types: typed code
# reads their attributes as C struct fields, and building one costs no interpreted __init__.
# The attributes stay Python objects (`object`): the same values and integer semantics as the .py.

cdef class Word:
    cdef public object start, end, norm, keys, stems, flags, punct


cdef class Filler:
    cdef public object start, end, text, entity_id, first, last


cdef class Sentence:
    cdef public object text, words, mention_at, mention_end, covered, owner, memo, cflags, triggers, bits
    cdef public object time_words, cfg
