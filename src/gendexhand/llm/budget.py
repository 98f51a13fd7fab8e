"""Spending limits and prices: a per-run budget of calls, tokens and cost, and the price table.

Prices are US dollars per million tokens, from a user-editable table (``--prices FILE``: YAML
``{"<provider>:<model>": {input: 3.0, output: 15.0, date: 2025-05}}``). A model not in the table
has an unknown cost: it is reported as unknown, never guessed, and a cost budget cannot be
enforced for it (calls and tokens still are).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gendexhand.errors import ConfigError, GenDexHandError
from gendexhand.yamlio import read_yaml

#: List prices (USD per million input / output tokens) on the date given; edit with --prices.
DEFAULT_PRICES: dict[str, tuple[float, float, str]] = {
    "anthropic:claude-sonnet-4-20250514": (3.0, 15.0, "2025-05"),
    "anthropic:claude-sonnet-4-0": (3.0, 15.0, "2025-05"),
    "openai:gpt-4o": (2.5, 10.0, "2025-05"),
    "openai:gpt-4o-mini": (0.15, 0.6, "2025-05"),
    "openai:gemini-2.5-pro": (1.25, 10.0, "2025-06"),  # Gemini's OpenAI-compatible endpoint
}


class BudgetExhaustedError(GenDexHandError):
    """The run's LLM budget is spent: the stage stops cleanly and says which limit."""


@dataclass
class PriceTable:
    prices: dict[str, tuple[float, float, str]] = field(
        default_factory=lambda: dict(DEFAULT_PRICES)
    )

    @classmethod
    def load(cls, path: Path | None) -> PriceTable:
        """The default table, updated from ``path`` if given."""
        table = cls()
        if path is None:
            return table
        data = read_yaml(path)
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: a price table maps '<provider>:<model>' to prices")
        for model, entry in data.items():
            try:
                table.prices[str(model)] = (
                    float(entry["input"]), float(entry["output"]), str(entry.get("date", "")),
                )  # fmt: skip
            except (TypeError, KeyError, ValueError):
                raise ConfigError(
                    f"{path}: {str(model)[:60]}: needs input and output (USD per million "
                    "tokens) and optionally date"
                ) from None
        return table

    def cost(self, label: str, input_tokens: int | None, output_tokens: int | None) -> float | None:
        """Dollars for one call, or None when the model or the token counts are unknown."""
        price = self.prices.get(label)
        if price is None or input_tokens is None or output_tokens is None:
            return None
        return (input_tokens * price[0] + output_tokens * price[1]) / 1e6


@dataclass
class Budget:
    """Limits for one run (None: no limit) and what has been spent so far."""

    calls: int | None = None
    tokens: int | None = None
    cost: float | None = None
    spent_calls: int = 0
    spent_tokens: int = 0
    spent_cost: float = 0.0
    unknown_cost_calls: int = 0

    def check(self) -> None:
        """Raise :class:`BudgetExhaustedError` if another call would go over a limit."""
        if self.calls is not None and self.spent_calls >= self.calls:
            raise BudgetExhaustedError(
                f"LLM budget spent: {self.spent_calls} of {self.calls} calls"
            )
        if self.tokens is not None and self.spent_tokens >= self.tokens:
            raise BudgetExhaustedError(
                f"LLM budget spent: {self.spent_tokens} of {self.tokens} tokens"
            )
        if self.cost is not None and self.spent_cost >= self.cost:
            raise BudgetExhaustedError(
                f"LLM budget spent: ${self.spent_cost:.4f} of ${self.cost:.4f}"
            )

    def charge(self, tokens: int | None, cost: float | None) -> None:
        self.spent_calls += 1
        self.spent_tokens += tokens or 0
        if cost is None:
            self.unknown_cost_calls += 1
        else:
            self.spent_cost += cost

    def summary(self) -> str:
        unknown = (
            f" (+{self.unknown_cost_calls} calls of unknown cost)"
            if self.unknown_cost_calls
            else ""
        )
        return (
            f"{self.spent_calls} calls, {self.spent_tokens} tokens, ${self.spent_cost:.4f}{unknown}"
        )
