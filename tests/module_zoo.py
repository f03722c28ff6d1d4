"""Small networks written as a student would, each as the text of its own file, for the `--file` tests.

Tests write them to a temporary folder and load them through the engine; the
expected numbers come from torch itself (hooks, parameters(), FlopCounterMode)
run on the same text in the test, never from the engine.
"""

from __future__ import annotations

HEAD = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n\n"

SEQUENTIAL = (
    HEAD
    + """class Net(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(8 * 14 * 14, classes),
        )

    def forward(self, x):
        return self.layers(x)
"""
)

NESTED = (
    HEAD
    + """class Block(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Net(nn.Module):
    def __init__(self, widths=(8, 16)):
        super().__init__()
        self.features = nn.Sequential(Block(3, widths[0]), nn.MaxPool2d(2), Block(widths[0], widths[1]))
        self.head = nn.Linear(widths[1], 10)

    def forward(self, x):
        x = self.features(x)
        x = x.mean(dim=(2, 3))
        return self.head(x)
"""
)

RESIDUAL = (
    HEAD
    + """class Residual(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        out = F.relu(self.conv1(x))
        out = self.conv2(out)
        return F.relu(out + x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.block = Residual(16)
        self.unused = nn.Linear(5, 5)
        self.fc = nn.Linear(16 * 8 * 8, 10)

    def forward(self, x):
        x = self.block(self.stem(x))
        x = self.block(x)
        x = x.view(x.size(0), -1)
        return self.fc(x)
"""
)

# the course's Net with view, as the tutorial writes it
VIEW = (
    HEAD
    + """class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x
"""
)

RNN = (
    HEAD
    + """class Net(nn.Module):
    def __init__(self, features=12, hidden=20):
        super().__init__()
        self.rnn = nn.RNN(features, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 3)

    def forward(self, x):
        out, h = self.rnn(x)
        return self.fc(out[:, -1])
"""
)

# name: (file text, one input's shape, the constructor's arguments as typed)
ZOO = {
    "sequential": (SEQUENTIAL, (1, 28, 28), ""),
    "nested": (NESTED, (3, 16, 16), "widths=(4, 6)"),
    "residual": (RESIDUAL, (3, 8, 8), ""),
    "view": (VIEW, (3, 32, 32), ""),
    "rnn": (RNN, (7, 12), "12, hidden=20"),
}

# The classic: conv2's kernel changed from 5 to 3, fc1 still sized for 5×5 maps
WRONG_IN_FEATURES = VIEW.replace("nn.Conv2d(6, 16, 5)", "nn.Conv2d(6, 16, 3)").replace(
    "x.view(-1, 16 * 5 * 5)", "torch.flatten(x, 1)"
)
SYNTAX_ERROR = HEAD + "class Net(nn.Module)\n    pass\n"
NOT_A_MODULE = HEAD + "class Net:\n    def __init__(self):\n        self.fc = nn.Linear(3, 3)\n"
CONSTRUCTOR_RAISES = (
    HEAD
    + """class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)
        raise ValueError("no weights file here")
"""
)
LOOPS_FOREVER = (
    HEAD
    + """class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)

    def forward(self, x):
        x = self.fc(x)
        while True:
            pass
"""
)
