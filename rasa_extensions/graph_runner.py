"""The server's model graphs run node after node in Python, without dask's scheduler.

Rasa runs its prediction graphs through `dask.get`: for every message, the NLU graph once, and the dialogue graph
once per action it predicts. Each time, dask orders the graph anew, queues every node as a task and collects the
results through callbacks. In a Rasa server under load (bench/load.py with py-spy) that bookkeeping was a tenth of the
time the event loop holds the GIL, for graphs of a dozen nodes that always run in the same order, one node at a time
(`dask.get` is dask's synchronous scheduler).

`SequentialGraphRunner` is a DaskGraphRunner whose `run` computes the same thing directly: the nodes the targets need
(Rasa's own `minimal_graph_schema`), in an order computed once per set of targets, each node called with the
outputs of the nodes it needs, as dask calls it; inputs are passed as `(name, value)`, as Rasa passes them to dask.
The nodes, their hooks and their errors are Rasa's. Training keeps Rasa's runner (`rasa train` does not load this).
"""

from __future__ import annotations

import graphlib
from typing import Any

from rasa.core import processor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner


class SequentialGraphRunner(DaskGraphRunner):
    """DaskGraphRunner's results, node by node on the calling thread."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._orders: dict[tuple[str, ...], tuple[GraphSchema, list[str]]] = {}

    def run(self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        schema, order = self._order(tuple(run_targets))
        results: dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in schema.nodes:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none of the input names passed "
                    f"to the `run` method are the same as node names in the graph schema."
                )
            results[name] = (name, value)
        try:
            for name in order:
                node = self._instantiated_nodes[name]
                # A need that names neither a node nor an input is passed as it is written, as dask passes it.
                results[name] = node(*(results.get(need, need) for need in schema.nodes[name].needs.values()))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(results[target] for target in run_targets)

    def _order(self, targets: tuple[str, ...]) -> tuple[GraphSchema, list[str]]:
        """The minimal schema for `targets` and its nodes in an order where each comes after the nodes it needs."""
        known = self._orders.get(targets)
        if known is None:
            schema = self._graph_schema.minimal_graph_schema(list(targets))
            sorter = graphlib.TopologicalSorter(
                {
                    name: [need for need in node.needs.values() if need in schema.nodes]
                    for name, node in schema.nodes.items()
                }
            )
            known = self._orders[targets] = (schema, list(sorter.static_order()))
        return known


def install() -> None:
    """Makes the Rasa server load its models with SequentialGraphRunner; safe to call again."""
    processor.DaskGraphRunner = SequentialGraphRunner
