# Writes tsne_sklearn.json: a small data set with scikit-learn's t-SNE
# affinities and final KL divergence, the reference of TestTSNESklearnParity.
# Run with scikit-learn 1.2 (Debian's python3-sklearn):
#   /usr/bin/python3 tsne_sklearn.py > tsne_sklearn.json
import json

import numpy as np
from sklearn.manifold import TSNE
from sklearn.manifold._t_sne import _joint_probabilities_nn
from sklearn.neighbors import NearestNeighbors

n, d, perplexity = 150, 16, 10.0
rng = np.random.RandomState(0)
centres = 3 * rng.randn(4, d)
x = (rng.randn(n, d) + centres[rng.randint(0, 4, n)]).astype(np.float32)

k = min(n - 1, int(3.0 * perplexity + 1))
knn = NearestNeighbors(n_neighbors=k, metric="euclidean").fit(x)
dist = knn.kneighbors_graph(mode="distance")
dist.data **= 2
p = _joint_probabilities_nn(dist, perplexity, 0).tocsr()
p.sort_indices()

tsne = TSNE(perplexity=perplexity, init="pca", learning_rate="auto", random_state=0, method="barnes_hut")
tsne.fit_transform(x)

json.dump({
    "sklearn": __import__("sklearn").__version__,
    "n": n, "d": d, "perplexity": perplexity,
    "x": [float(v) for v in x.ravel()],
    "p_indptr": [int(v) for v in p.indptr],
    "p_indices": [int(v) for v in p.indices],
    "p_data": [float(v) for v in p.data],
    "kl": float(tsne.kl_divergence_),
    "iterations": int(tsne.n_iter_),
}, __import__("sys").stdout)
