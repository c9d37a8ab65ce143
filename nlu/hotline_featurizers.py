"""A CountVectorsFeaturizer whose vocabulary stays capped when a release fine-tunes the model (issue 14).

Rasa 3.6's CountVectorsFeaturizer, fine-tuned (``rasa train --finetune``), adds *every* word of the training
data that the loaded vocabulary lacks, ignoring ``max_features``: with the capped vocabularies of ``config.yml``
(4,000 words, 8,000 char n-grams) a fine-tune of unchanged data grew them to ~6,600 and ~17,000 (every word
the cap had left out), and DIET's sparse input layers grew with them: a 57 MB model instead of 31 MB.

Here a fine-tune adds only the entries that a full training on the same data would now choose (sklearn's
``max_features``: the most frequent ones), above the cap's lowest count, and that the loaded vocabulary lacks: a
new word that editors' examples use often enough to enter the cap is learnt, the long tail stays out, as in a
full training. Without
``max_features``, or when training from scratch, it is Rasa's featurizer unchanged.

Imported by Rasa from the project folder (``rasa`` puts the working directory on ``sys.path``): ``nlu/`` for
``scripts/setup.sh`` and the served model, a release's folder (``hotline/release_data.py`` copies this file) for
a console release. Runs in the Rasa env (Python 3.10), not in the app's.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from sklearn.feature_extraction.text import CountVectorizer


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class CappedCountVectorsFeaturizer(CountVectorsFeaturizer):
    """Rasa's CountVectorsFeaturizer; a fine-tune extends the vocabulary only within ``max_features``."""

    def _fit_loaded_vectorizer(self, attribute: str, attribute_texts: list[str]) -> None:
        if not self.max_features:
            super()._fit_loaded_vectorizer(attribute, attribute_texts)
            return
        loaded = self.vectorizers[attribute]
        params: dict[str, Any] = {k: v for k, v in loaded.get_params().items() if k != "vocabulary"}
        fresh = CountVectorizer(**params)
        try:
            counts = fresh.fit_transform(attribute_texts).sum(axis=0).A1
        except ValueError:  # no usable text for this attribute: keep the loaded vocabulary
            return
        # Entries at the cap's lowest count are ties that sklearn breaks arbitrarily: the loaded vocabulary already
        # holds as many of them, and each one added is a fresh input weight that moves every prediction using it.
        floor = counts.min() if counts.size else 0
        existing = set(loaded.vocabulary or loaded.vocabulary_)
        new_words = {w for w, i in fresh.vocabulary_.items() if counts[i] > floor and w not in existing}
        self._update_vectorizer_vocabulary(attribute, new_words)
