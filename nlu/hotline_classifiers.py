"""DIET and the ResponseSelector, loaded for prediction only: a Rasa worker of ~650 MB instead of ~1,150 MB (issue 14).

Rasa 3.6 loads each of its TensorFlow models (``RasaModel.load``) by compiling it with an Adam optimizer and
*training one step* on one example, only to create variables of the right shapes, before it reads the weights.
The serving process so traces and keeps the whole training graph (loss, gradients, optimizer slots) beside the
prediction graph: about half a gigabyte per worker and ~35 s of every model load, for nothing a parse uses.

Here a model that is loaded to serve (not to fine-tune) creates its prediction variables by one eager prediction
on the example Rasa passes for that purpose, reads the weights into them (TensorFlow's object-based checkpoints
match variables by name; every variable created must be found there, while the optimizer's slots and the
training-only layers in the file are left unread), then traces the prediction graph once with the real weights.
A fine-tune (``rasa train --finetune``) loads with ``finetune_mode`` and goes through Rasa's own load, which it
needs for the optimizer. Parses are identical to Rasa's load: every intent, FAQ key and confidence was compared
on 2,561 texts (docs/training.md, "Memory").

Imported by Rasa from the project folder, like ``hotline_featurizers.py``; runs in the Rasa env (Python 3.10).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier
from rasa.nlu.selectors.response_selector import DIET2BOW, DIET2DIET, ResponseSelector
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel


def _load_for_prediction(model: DIET, model_file_name: str, predict_data_example: RasaModelData) -> DIET:
    """Create ``model``'s prediction variables, read the trained weights into them, trace the prediction graph."""
    run_eagerly = model._run_eagerly
    # Eager, so that no graph is traced with the random initial weights: DIET's traced prediction would keep the
    # label embeddings computed from them as a constant.
    model._run_eagerly = True
    model.run_inference(predict_data_example)
    status = model.load_weights(model_file_name)
    # Every variable the prediction created must have been read from the file: a layer left at its random
    # initial weights would answer nonsense without an error. The file's extra values (the optimizer's slots,
    # training-only layers) are expected.
    status.assert_existing_objects_matched()
    status.expect_partial()
    model._run_eagerly = run_eagerly
    model.prepared_for_prediction = False
    model._tf_predict_step = None
    model.all_labels_embed = None
    # The first parse would trace the graph; doing it here keeps that out of the first citizen's reply.
    model.run_inference(predict_data_example)
    return model


class _PredictionLoad:
    """Mixin for a ``RasaModel``: load without Rasa's one-step training when the model is only to predict."""

    @classmethod
    def load(
        cls,
        model_file_name: str,
        model_data_example: RasaModelData,
        predict_data_example: RasaModelData | None = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        if finetune_mode or predict_data_example is None:
            return super().load(  # type: ignore[misc]
                model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
            )
        return _load_for_prediction(cls(*args, **kwargs), model_file_name, predict_data_example)  # type: ignore[call-arg]


class _LeanDIET(_PredictionLoad, DIET):
    """DIET, loaded for prediction only."""


class _LeanDIET2BOW(_PredictionLoad, DIET2BOW):
    """The ResponseSelector's model (answers as labels), loaded for prediction only."""


class _LeanDIET2DIET(_PredictionLoad, DIET2DIET):
    """The ResponseSelector's model (answer texts as labels), loaded for prediction only."""


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class LeanDIETClassifier(DIETClassifier):
    """Rasa's DIETClassifier; a served model is loaded for prediction only."""

    @staticmethod
    def model_class() -> type[RasaModel]:
        return _LeanDIET


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LeanResponseSelector(ResponseSelector):
    """Rasa's ResponseSelector; a served model is loaded for prediction only."""

    @staticmethod
    def model_class(use_text_as_label: bool) -> type[RasaModel]:  # type: ignore[override]
        return _LeanDIET2DIET if use_text_as_label else _LeanDIET2BOW
