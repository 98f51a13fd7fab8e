"""The reward-code sandbox: check, compile and run reward code for reinforcement-learning subtasks.

Reward code is written by people now and by an LLM later, so it is treated as untrusted: it may
only compute numbers from the state it is given. Three layers enforce that:

1. :func:`check_reward_code` parses the source with :mod:`ast` and accepts only the allow-listed
   constructs described below; anything else is rejected with :class:`RewardRejected`, naming the
   line, the construct and why.
2. :func:`compile_reward` compiles the checked tree with a ``__builtins__`` that holds only the
   safe builtins (plus an ``__import__`` that imports numpy modules only, for numpy's own C
   code; reward code cannot name it), and with ``np`` and ``math`` bound to wrapper namespaces
   (:data:`SAFE_NP`, :data:`SAFE_MATH`) whose members are plain functions of
   :mod:`gendexhand.sandbox.namespaces`; the real modules are never visible to reward code.
3. :class:`RewardWorker` runs the compiled code in a separate process with an address-space limit
   (``RLIMIT_AS``), a zero file-size limit (``RLIMIT_FSIZE``) and a per-call time budget; a call
   that does not answer in time, runs out of memory or raises kills the process, which is
   restarted on the next call. :func:`compile_reward` alone runs in the calling process
   *without* time or memory limits: run code you did not write through :class:`RewardWorker`
   (or :func:`preflight`).

Interface
---------
Reward code is one function and nothing else at the top level (a module docstring and comments
are allowed)::

    def reward(state):
        dist = np.linalg.norm(state.palm.pos - state.objects.bottle.pos)
        touch = state.contacts.bottle.thumb + state.contacts.bottle.index
        lift = state.objects.bottle.bottom - state.table_height
        return {"reach": -dist, "touch": np.tanh(touch), "lift": np.clip(lift, 0.0, 0.2)}

It returns a ``dict`` of term name (a non-empty ``str`` of at most 100 characters; at most
:data:`MAX_TERMS` terms) → finite real number (``int``, ``float``, ``bool``, a numpy scalar or a
0-d array; each becomes a ``float``). The weights of the terms live beside the code in the
plan; :func:`combine` applies them.

State
-----
``state`` is a :class:`StateView`, a read-only view of the snapshot dict the simulator side
builds. The snapshot format (extra keys are passed through the same way)::

    {"t": float,                                   # seconds since the start of the subtask
     "table_height": float,                        # world z of the table top (m)
     "palm": {"pos": (3,), "rot": (3, 3)},         # palm site position (m), rotation matrix
     "tips": {"thumb": (3,), "index": (3,), ...},  # fingertip site positions (m)
     "objects": {"bottle": {"pos": (3,), "quat": (4,),      # body origin (m), (w, x, y, z)
                            "linvel": (3,), "angvel": (3,), # m/s, rad/s (world frame)
                            "bottom": float,                # world z of its lowest point (m)
                            "joints": {"door_hinge": float, ...},     # joint positions
                            "fraction": {"door_hinge": float, ...}}}, # 0 at lower limit, 1 upper
     "contacts": {"bottle": {"thumb": float, "index": float, "palm": float, ...}},  # normal N
     "action": (k,),                               # the last action
     "goal": {"name": value, ...}}                 # numbers, strings or numeric arrays

Nested dicts become :class:`StateView` objects, read by attribute (``state.palm.pos``,
``state.objects.bottle.pos``, ``state.contacts.bottle.thumb``) or by item
(``state.objects["bottle"]``); keys that are not identifiers, start with ``_``, or are attribute
names the checker refuses (e.g. ``data``, ``base``) must be read by item. Views also offer
``get(name, default)``, ``keys()``, ``values()``, ``items()``, ``len()`` and ``in``; the method
names win over keys of the same name (use item access for those). Sequences and arrays become
**read-only float64 copies**; numbers become ``float`` (``bool`` stays ``bool``); strings stay
strings. Views cannot be changed (no item or attribute assignment).

In ``contacts`` missing keys mean 0: ``state.contacts.mug.thumb`` is ``0.0`` when the thumb does
not touch the mug, and ``state.contacts.mug`` is an all-zero view when nothing touches it;
``contacts`` itself is present (empty) when the snapshot has none. ``get(name, default)`` returns
``default`` for keys absent from the snapshot, and ``name in view`` tells whether a key is there.
Everywhere else a missing key raises an error that lists the keys there are.

Allowed code (the exact rules of :func:`check_reward_code`)
------------------------------------------------------------
* Top level: an optional docstring, then exactly one ``def reward(state):`` — one positional
  parameter named ``state``; no defaults, ``*args``, ``**kwargs``, keyword-only parameters,
  annotations or decorators.
* Statements inside functions: ``=`` (targets: names, tuples/lists of names, subscripts),
  augmented assignment (``+=`` …; target a name or subscript), ``if``/``elif``/``else``, ``for``
  (with optional ``else``), ``break``, ``continue``, ``pass``, ``return``, expression
  statements, and inner ``def`` helpers (positional parameters only; no defaults, annotations or
  decorators; they may call themselves — recursion is contained at run time).
* Expressions: constants (``int``, ``float``, ``bool``, ``str``, ``None``), names, attribute
  access, subscripts and slices, calls (positional, keyword and ``*`` arguments), ``and``/
  ``or``/``not``, the unary ``-``/``+``/``~``, comparisons (all of them, chained too), ``x if c
  else y``, list/tuple/dict/set displays (``*`` and ``**`` unpacking inside them too), and
  list/set/dict comprehensions and generator expressions; binary ``+ - * / // % ** @ & | ^``.
* Everything else is rejected: ``import``, ``while``, ``class``, ``lambda`` (use an inner
  ``def``), ``global``/``nonlocal``, ``try``/``raise``/``assert``, ``with``, ``del``,
  ``yield``/``await``/``async``, ``:=``, ``match``, annotated assignments, f-strings,
  ``bytes``/complex/``...`` constants, and ``**`` unpacking of keyword arguments in calls.
* Names: ``state``, names bound inside ``reward`` (assignments, loop and comprehension targets,
  parameters, inner functions), ``np``, ``math`` and the safe builtins :data:`SAFE_BUILTINS`
  (``abs all any bool dict enumerate float int len list max min range round sum tuple zip``).
  No name may start with ``_``; the names ``state``, ``np``, ``math``, ``reward`` and the safe
  builtins cannot be assigned. ``open``, ``eval``, ``getattr``, ``type``, ``isinstance``,
  ``iter``, ``next``, ``print`` etc. are simply not there (each gets its own message).
* Attributes: never one that starts with ``_``, and never assigned or deleted. On ``np``,
  ``np.linalg`` and ``math`` only their members (:data:`SAFE_NP`, :data:`SAFE_MATH`). On
  anything else every public attribute of the Python and numpy types reward code can reach
  (arrays, numpy scalars and dtypes, numbers, strings, containers, classes, generators, frames,
  code objects…) is refused unless it is in :data:`SAFE_ATTRIBUTES` (``get keys values items
  shape size T sum mean reshape tolist append`` …); other names (``pos``, ``bottle``,
  ``door_hinge``) are state keys and are resolved by :class:`StateView` at run time. So
  ``.format``/``.format_map`` (format strings read attributes), ``.mro``, ``.gi_frame``,
  ``.f_globals``, ``.tofile``, ``.dump``, ``.ctypes``, ``.setflags``, ``.flags``, ``.base``,
  ``.dtype`` … are all refused.
* Sizes and loops: ``**`` needs a numeric literal exponent with ``|e| <= 8`` (so ``9**9**9`` and
  ``2 ** 10 ** 10`` are refused; use ``math.pow``, which raises on overflow, for variable
  exponents); ``<<`` and ``>>`` are refused; ``*`` with a list/tuple/set/str literal or a
  comprehension on either side (``[0] * n``, ``'a' * n``) is refused; ``%`` with a string
  literal on the left (``'%s' % x``) is refused. ``range`` may only be called directly, with
  one to three arguments that are integer literals or ``len(...)``; a literal range has at most
  :data:`MAX_ITERATIONS` elements, and the literal ranges of nested ``for`` loops and
  comprehension clauses multiply to at most :data:`MAX_ITERATIONS`. ``np.zeros``/``ones``/``full``
  with a literal shape are size-checked already by the checker. Loops over containers and
  ``range(len(x))`` have no static bound: the worker's time budget bounds them.

Safe numpy and math
-------------------
``np`` offers only: ``array asarray zeros ones full dot cross clip exp log tanh sqrt abs sign
square cos sin tan arccos arcsin arctan2 isfinite minimum maximum sum mean min max where stack
concatenate pi e`` and ``np.linalg.norm``. ``dtype`` arguments may only be ``float``, ``int`` or
``bool``. Inputs and results of these functions hold at most :data:`MAX_ELEMENTS` elements (the
size of a result is checked before it is computed where it can exceed its inputs). Nothing reads
or writes files, maps memory or exposes raw memory (``np.save``, ``np.load``, ``np.memmap``,
``np.lib``, ``np.ctypeslib`` … do not exist there). Operators on arrays (``a + b``, ``a @ b``)
are plain numpy and are not size-checked; the worker's memory limit bounds them. ``math`` offers
pure float functions only (:data:`SAFE_MATH`); no ``factorial``, ``comb``, ``perm``, ``prod``.
Accessing anything else on ``np``/``math`` raises :class:`AttributeError` naming what exists.
Numpy floating-point warnings are silenced while reward code runs; non-finite terms are rejected.

Modules
-------
Everything public is importable from this package. Inside it: :mod:`~gendexhand.sandbox.limits`
(the size, time and memory limits), :mod:`~gendexhand.sandbox.errors`,
:mod:`~gendexhand.sandbox.view` (:class:`StateView`), :mod:`~gendexhand.sandbox.namespaces`
(:data:`SAFE_NP`, :data:`SAFE_MATH`), :mod:`~gendexhand.sandbox.names` (:data:`SAFE_BUILTINS`,
:data:`SAFE_ATTRIBUTES` and the refused names and attributes), the checker in
:mod:`~gendexhand.sandbox.checker` with its rules in :mod:`~gendexhand.sandbox.rules`,
:mod:`~gendexhand.sandbox.statements` and :mod:`~gendexhand.sandbox.expressions`,
:mod:`~gendexhand.sandbox.compiled` (:func:`compile_reward`, :func:`combine`) and
:mod:`~gendexhand.sandbox.worker` (:class:`RewardWorker`, :func:`preflight`).
"""

from __future__ import annotations

from gendexhand.sandbox.checker import check_reward_code
from gendexhand.sandbox.compiled import RewardFn, combine, compile_reward
from gendexhand.sandbox.errors import RewardRejected, RewardWorkerError, UnweightedTermWarning
from gendexhand.sandbox.limits import (
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_TIME_BUDGET,
    MAX_ELEMENTS,
    MAX_EXPONENT,
    MAX_ITERATIONS,
    MAX_SOURCE_CHARS,
    MAX_TERMS,
)
from gendexhand.sandbox.names import SAFE_ATTRIBUTES, SAFE_BUILTINS
from gendexhand.sandbox.namespaces import SAFE_MATH, SAFE_NP, SafeNamespace
from gendexhand.sandbox.view import StateView
from gendexhand.sandbox.worker import RewardWorker, preflight

__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_TIME_BUDGET",
    "MAX_ELEMENTS",
    "MAX_EXPONENT",
    "MAX_ITERATIONS",
    "MAX_SOURCE_CHARS",
    "MAX_TERMS",
    "SAFE_ATTRIBUTES",
    "SAFE_BUILTINS",
    "SAFE_MATH",
    "SAFE_NP",
    "RewardFn",
    "RewardRejected",
    "RewardWorker",
    "RewardWorkerError",
    "SafeNamespace",
    "StateView",
    "UnweightedTermWarning",
    "check_reward_code",
    "combine",
    "compile_reward",
    "preflight",
]
