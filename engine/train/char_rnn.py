"""A character-level language model: one-hot characters → a tanh nn.RNN → a Linear layer scoring the next character.

The input is the one-hot vector itself (no embedding), so W_ih is the very matrix
of the lesson's unrolled RNN, only V columns wide. Imported by the training
process only: it imports torch at the top.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class CharRNN(nn.Module):
    """forward(x (N, T) int64) → logits (N, T, V): at each position, scores for the character that follows."""

    input_dtype = torch.int64  # what engine.train.models.model_summary feeds it

    def __init__(self, vocab: int, hidden: int) -> None:
        super().__init__()
        self.vocab = vocab
        self.rnn = nn.RNN(vocab, hidden, nonlinearity="tanh", batch_first=True)
        self.fc = nn.Linear(hidden, vocab)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
        return self.step(x, h0)[0]

    def step(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits and the last hidden state, so sampling can go on one character at a time."""
        outputs, h_n = self.rnn(F.one_hot(x, self.vocab).to(self.fc.weight.dtype), h0)
        return self.fc(outputs), h_n

    @torch.no_grad()
    def sample(
        self,
        prefix: list[int],
        length: int,
        temperature: float,
        generator: torch.Generator,
    ) -> list[int]:
        """`length` characters after `prefix`, each drawn from softmax(logits / temperature) with `generator`.

        Temperature 0 takes the most likely character every time. The same
        generator state gives the same text; the draws happen on the generator's
        device (a CUDA generator draws on the GPU); the model's train/eval mode is restored.
        """
        if not prefix or length < 0 or temperature < 0:
            raise ValueError(
                f"sample needs a prefix, length ≥ 0 and temperature ≥ 0, got {len(prefix)}, {length}, {temperature}"
            )
        was_training = self.training
        self.eval()
        device = self.fc.weight.device
        try:
            logits, hidden = self.step(torch.tensor([prefix], device=device))
            drawn: list[int] = []
            for _ in range(length):
                last = logits[0, -1].double()
                if temperature == 0:
                    choice = int(last.argmax())
                else:
                    probabilities = torch.softmax(last / temperature, dim=0).to(generator.device)
                    choice = int(torch.multinomial(probabilities, 1, generator=generator))
                drawn.append(choice)
                logits, hidden = self.step(torch.tensor([[choice]], device=device), hidden)
        finally:
            self.train(was_training)
        return drawn
