"""One computing thread per numeric library in the Rasa server: its parallelism is across conversations.

The server already runs threads that compute: the event loop (tracker store, policies, action calls), the NLU
worker and one sentence encoder per core ahead of it (`nlu_thread`). TensorFlow, OpenBLAS and OpenMP (the e5
encoder) would each start a pool as large as the machine and spin while they wait for work. Measured on 2 cores,
two Rasa servers behind nginx, 10 conversations: with their default pools each server spent 244 ms of CPU per
message (31 ms with one conversation) and answered 4 messages/s in all; with one thread each, 37.6 messages/s.
Each setting is a default: a value in the environment wins. They must be set before the libraries load, so the
entry point sets them first.
"""

from __future__ import annotations

from collections.abc import MutableMapping

#: The variables each library reads when it starts its pool (the two TF_* ones through Rasa's own setup).
THREAD_SETTINGS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "TF_INTRA_OP_PARALLELISM_THREADS",
    "TF_INTER_OP_PARALLELISM_THREADS",
)


def compute_on_one_thread(environ: MutableMapping[str, str]) -> None:
    for name in THREAD_SETTINGS:
        environ.setdefault(name, "1")
