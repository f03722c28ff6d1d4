"""`tensortour rnn`: the RNN lesson's flags and the setup they describe."""

from __future__ import annotations

import argparse

from engine.matrix import format_matrix, parse_matrix
from engine.rnn import MAX_HIDDEN, rnn_trace
from engine.rnn_setup import CUSTOM, MAX_SEED, SEQUENCES, RnnSetup


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sequence",
        default="mix",
        help=f"a preset ({', '.join(SEQUENCES)}) or rows x_1; x_2; … like '1 0; 0 1'",
    )
    parser.add_argument("--hidden", type=int, default=3, help=f"hidden size H, 1 to {MAX_HIDDEN}")
    parser.add_argument("--seed", type=int, default=0, help=f"seed of the weights, 0 to {MAX_SEED}")


def setup_from(args: argparse.Namespace) -> RnnSetup:
    """The RnnSetup the flags describe; raises SpecError for anything invalid."""
    preset = args.sequence in SEQUENCES
    setup = RnnSetup(
        sequence_name=args.sequence if preset else CUSTOM,
        sequence=None if preset else parse_matrix(args.sequence, "rnn_sequence"),
        hidden_size=args.hidden,
        seed=args.seed,
    )
    rnn_trace(setup.spec())
    return setup


def flags_of(setup: RnnSetup) -> dict[str, object]:
    """A preset sequence by name, a typed one as rows (x_1; x_2; …), H and the weights' seed."""
    sequence = setup.sequence_name if setup.sequence_name in SEQUENCES else format_matrix(setup.sequence)
    return {"sequence": sequence, "hidden": setup.hidden_size, "seed": setup.seed}
