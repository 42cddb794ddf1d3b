"""Learned parts of the indexer: labeled folders, linear models, grouped folds.

`labels` reads a folder of labeled documents (the layout of ../shared/eval-train), `linear`
holds a sparse linear model that is fitted with scikit-learn at training time and applied with
plain Python at index time, `folds` splits documents into folds grouped by publisher.
"""
