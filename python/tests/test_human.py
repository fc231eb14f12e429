import numpy as np

import fastslow


def test_nosofsky1994(source):
    human = fastslow.nosofsky1994(source)
    assert list(human) == [f"shj{t}" for t in range(1, 7)]
    assert all(c.shape == (16,) for c in human.values())
    # Table 1's first block of type I and the last of type VI (catlearn's nosof94).
    assert human["shj1"][0] == 0.211
    means = [human[t].mean() for t in human]
    assert means[0] < means[1] < min(means[2:5]) and max(means[2:5]) < means[5]
    assert np.all((0 <= human["shj6"]) & (human["shj6"] <= 1))
