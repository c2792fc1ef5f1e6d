/* Formatting JSON values the way Neutron's messages print Python values: clients see
 * "'5' is not a valid string", "{'start': '10.0.0.9', 'end': '10.0.0.2'}" and
 * "['bogus'] is invalid attribute for filtering", and tools match on those texts. */
#ifndef NEUTRINO_API_PYFMT_H
#define NEUTRINO_API_PYFMT_H

#include <jansson.h>

#include "buf.h"

/* Appends Python's repr() of 'v' ('x', 5, True, None, [..], {..}). */
void py_repr(struct buf *out, const json_t *v);
/* Appends Python's str() of 'v': like repr() but strings are bare. */
void py_str(struct buf *out, const json_t *v);
/* Appends a Python list repr of C strings: ['a', 'b']. */
void py_repr_strings(struct buf *out, char *const *items, size_t n);

#endif
