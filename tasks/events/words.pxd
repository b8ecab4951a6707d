# Cython declarations augmenting words.py in the compiled build (akhbar/compiled.py); the .py runs
# unchanged as Python without them. Word, Filler and Sentence become extension types: typed code
# reads their attributes as C struct fields, and building one costs no interpreted __init__.
# The attributes stay Python objects (`object`): the same values and integer semantics as the .py.
# Closure-free functions are cpdef (C calls within the module). A typed argument that is None raises
# AttributeError on its first attribute read, as in the .py (`nonecheck`, akhbar/compiled.py).

cimport cython


cdef class Word:
    cdef public object start, end, norm, keys, stems, flags, punct


cdef class Filler:
    cdef public object start, end, text, entity_id, first, last


cdef class Sentence:
    cdef public object text, words, mention_at, mention_end, covered, owner, memo, cflags, triggers, bits
    cdef public object time_words, cfg

    cpdef phrase_len(self, j, name)


@cython.locals(src=str, a=Py_ssize_t, pos=Py_ssize_t, w=Word)
cpdef words_of(text, s_start, s_end, tokens=*)
@cython.locals(k=Py_ssize_t, b=long, f=long)
cpdef list positions(flags, bit)
@cython.locals(k=Py_ssize_t, acc=long, f=long)
cpdef or_all(flags)
cpdef punct_between(words, lo, hi)
cpdef _may_have_events(tokens)
cpdef _learn_event_forms(tokens)
cpdef forget_token_memos()
cpdef _learn_token(tok)
cpdef _place_mentions(Sentence sent, mentions)
cpdef _word_at(starts, words, offset)
cpdef _shape_bits(norm)
cpdef is_(Word word, name)
cpdef has(Word word, values)
cpdef has_stem(Word word, values)
cpdef _mention_type(Sentence sent, j)
cpdef _definite(Word w)
cpdef _tanween(Word w)
cpdef _accusative(Word w)
cpdef _construct(Word w)
