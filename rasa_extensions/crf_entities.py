"""Rasa's CRF entity extractor, loaded from the models it trained instead of training them again at every load.

Rasa 3.6's `CRFEntityExtractor` saves its training set (every token's features, as JSON) and, when a model is
loaded, trains the CRF again from it: 4 of the Rasa server's 28 s start-up here, and again in every process that
loads the model. crfsuite writes each trained model to a file, which a `pycrfsuite.Tagger` reads back whole; this
subclass keeps those files in the model and opens them on load. The tags, features and decoding are Rasa's own.
"""

from __future__ import annotations

import contextlib
import shutil
from typing import Any

import rasa.shared.utils.io
import sklearn_crfsuite
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor, CRFToken

_ORDER_FILE = "crf_order.json"


def _model_file(tag_name: str) -> str:
    return f"crf_{tag_name}.crfsuite"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class TrainedCRFEntityExtractor(CRFEntityExtractor):
    """`CRFEntityExtractor` that saves its trained crfsuite models, not its training set."""

    def persist(self, dataset: list[list[CRFToken]]) -> None:
        """Called by Rasa's `train` with the training set, which is not kept."""
        with self._model_storage.write_to(self._resource) as model_dir:
            rasa.shared.utils.io.dump_obj_as_json_to_file(model_dir / _ORDER_FILE, self.crf_order)
            for tag_name, tagger in self.entity_taggers.items():
                shutil.copyfile(tagger.modelfile.name, model_dir / _model_file(tag_name))

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TrainedCRFEntityExtractor:
        """The trained taggers. Without entity data Rasa trains none and saves nothing: then, as in Rasa, an
        extractor that finds no entities."""
        with contextlib.ExitStack() as stack:
            try:
                model_dir = stack.enter_context(model_storage.read_from(resource))
            except ValueError:  # what Rasa's storage raises for a resource that was never written
                return cls(config, model_storage, resource)
            crf_order = rasa.shared.utils.io.read_json_file(model_dir / _ORDER_FILE)
            taggers = {}
            for tag_name in crf_order:
                tagger = sklearn_crfsuite.CRF(model_filename=str(model_dir / _model_file(tag_name)))
                # Opened now: crfsuite reads the file whole, and Rasa deletes the directory once the model is loaded.
                if tagger.tagger_ is None:
                    raise ValueError(f"no crfsuite model for {tag_name!r} in {model_dir}")
                taggers[tag_name] = tagger
        extractor = cls(config, model_storage, resource, taggers)
        extractor.crf_order = crf_order
        return extractor
