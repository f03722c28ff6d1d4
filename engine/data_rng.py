"""torch's CPU random generator and `torch.randperm`, reproduced without torch, draw for draw.

A shuffled DataLoader's order is fixed by three pieces of PyTorch's source,
read for torch 2.13 and checked against it in tests/test_data_engine.py:

- `at::mt19937` (aten/src/ATen/core/MT19937RNGEngine.h): the standard 32-bit
  Mersenne Twister, seeded by `init_genrand` with the low 32 bits of the 64-bit
  seed. `Generator.manual_seed` takes any int from −2⁶³ to 2⁶⁴ − 1 (a negative
  one as its two's complement), so seeds 1 and 2³² + 1 give the same order.
- `CPUGeneratorImpl::random()` is one engine draw; `random64()` is two.
- `randperm_cpu` (aten/src/ATen/native/TensorFactories.cpp), for n below
  2³²/20: start from 0 … n−1 and, for i = 0 … n−2, swap element i with element
  i + random() % (n − i). That is n − 1 draws.

numpy's MT19937 is the same engine; only its seeding differs, so the state
`init_genrand` makes is computed here and handed to numpy.
"""

from __future__ import annotations

import numpy as np

STATE_SIZE = 624
SEED_LOW = -(2**63)
SEED_HIGH = 2**64 - 1
# randperm_cpu's small-n branch (one 32-bit draw per swap) holds below this size
RANDPERM_SMALL_N = (2**32 - 1) // 20


def mt19937_key(seed: int) -> np.ndarray:
    """The 624 words `init_genrand` makes from the low 32 bits of `seed` (at::mt19937's seeding)."""
    word = seed & 0xFFFFFFFF
    key = [word]
    for j in range(1, STATE_SIZE):
        word = (1812433253 * (word ^ (word >> 30)) + j) & 0xFFFFFFFF
        key.append(word)
    return np.array(key, dtype=np.uint32)


class TorchCpuGenerator:
    """`torch.Generator().manual_seed(seed)` on the CPU: the draws its random() and random64() take."""

    def __init__(self, seed: int) -> None:
        if not SEED_LOW <= seed <= SEED_HIGH:
            raise ValueError(f"seed {seed} is outside what Generator.manual_seed accepts")
        self._engine = np.random.MT19937(0)
        # pos = 624: the first draw regenerates the state, as at::mt19937's left_ = 1 does
        self._engine.state = {"bit_generator": "MT19937", "state": {"key": mt19937_key(seed), "pos": STATE_SIZE}}

    def random(self, count: int) -> list[int]:
        """`count` calls of CPUGeneratorImpl::random(): 32-bit words."""
        if count <= 0:
            return []
        return self._engine.random_raw(count).tolist()

    def skip_random64(self) -> None:
        """One random64() whose value is not needed (DataLoader's base seed): two draws."""
        self.random(2)

    def randperm(self, n: int) -> list[int]:
        """torch.randperm(n, generator=g) for 1 ≤ n < RANDPERM_SMALL_N, as randperm_cpu computes it."""
        if not 1 <= n < RANDPERM_SMALL_N:
            raise ValueError(f"randperm of {n} is outside the small-n branch reproduced here")
        order = list(range(n))
        for i, word in enumerate(self.random(n - 1)):
            z = i + word % (n - i)
            order[i], order[z] = order[z], order[i]
        return order
