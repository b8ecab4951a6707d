# Cython declarations augmenting stage.py in the compiled build (akhbar/compiled.py; see words.pxd).
# Its closure-free functions become cpdef: calls within the module are C calls, and a typed
# Sentence/Word argument is read as a C struct. The .py runs unchanged as Python without this file.

from tasks.events.words cimport Filler, Sentence, Word

cpdef _sentence_events(article_id, text, s_idx, s_start, s_end, mentions, run_id, published, carry, cfg=*, presorted=*)
cpdef _in_domain(Sentence sent, found)
cpdef _on_topic(rows, carry)
cpdef _elided_actor(Sentence sent, i, t, key, args, carry)
cpdef _event_quantities(Sentence sent, i, t, quantities)
cpdef _confidence(cfg, t, args, src)
cpdef _same_clause(Sentence sent, i, e, triggers)
cpdef article_events(aid, text, published, sentence_rows, mentions, run_id, cfg=*)
cpdef forget_memos()
cpdef _event_row(where, Sentence sent, i, t, key, times, quantities, published, carry)
cpdef _quantity_with_text(Sentence sent, quantities, text)
cpdef _event_time(Sentence sent, i, times, cue_idx)
cpdef _statement_date(Sentence sent, e, i, cue_idx)
